#!/bin/bash
# Mutation check of the simulator itself: does it notice when the core is wrong?
# Copies src/, test/sim/ and test/lib/ to a temp dir, applies one deliberate bug at a time,
# and runs 300 swarm seeds and the named scenarios against it. Slow (~1 min per
# mutant on a quiet machine); not part of CI. Usage: test/sim/mutants.sh [seeds=300]
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SEEDS=${1:-300}
W=$(mktemp -d /tmp/vk-mutants.XXXXXX)
trap 'rm -rf "$W"' EXIT
mutate() { # name file sed-expression
  rm -rf "$W/r"; mkdir -p "$W/r/test"
  cp -r "$SRC/src" "$W/r/src"; cp -r "$SRC/test/sim" "$W/r/test/sim"; cp -r "$SRC/test/lib" "$W/r/test/lib"
  cp "$SRC/package.json" "$SRC/tsconfig.json" "$W/r/"; ln -s "$SRC/node_modules" "$W/r/node_modules"
  sed -i "$3" "$W/r/$2"
  if diff -q "$SRC/$2" "$W/r/$2" >/dev/null; then echo "$1: MUTATION DID NOT APPLY (source changed?)"; return; fi
  local out seeds scen
  out=$(cd "$W/r" && node --import tsx test/sim/vopr.ts --seeds "1..$SEEDS" 2>&1)
  # A run that crashed (a missing import) fails no seed: say so rather than report 0.
  if ! grep -q 'seeds passed in' <<<"$out"; then echo "$1: SWARM RUN BROKEN: $(tail -3 <<<"$out" | tr '\n' ' ')"; return; fi
  seeds=$(grep -c '^FAILED seed' <<<"$out")
  scen=$(cd "$W/r" && node --import tsx --test test/sim/scenarios.test.ts test/sim/scenarios-faults.test.ts test/sim/core-bugs.test.ts 2>&1 | grep -E '^# fail' | awk '{print $3}')
  echo "$1: failing seeds $seeds/$SEEDS, failing scenario tests $scen"
}
mutate "M1 Master_Down uses 2 adverts, not 3" src/vrrp/election.ts 's/return (downTimerAdverts \* masterAdverIntervalMs/return ((downTimerAdverts - 1) * masterAdverIntervalMs/'
mutate "M2 tie-break: lower address wins" src/vrrp/election.ts 's/return compareIp(remoteAddress, localAddress) > 0;/return compareIp(remoteAddress, localAddress) < 0;/'
mutate "M3 skew grows with priority" src/vrrp/election.ts 's/return (((256 - priority) \* base) \/ 256)/return (((priority) * base) \/ 256)/'
mutate "M4 no priority 0 on stop/fault" src/vrrp/instance.ts "s/if (to === 'STOP' || to === 'FAULT') this.#sendAdvert(now, 0);/void 0;/"
mutate "M5 no addVips on MASTER entry" src/vrrp/instance.ts "s/this.#out.push({ type: 'addVips' });/void 0;/"
mutate "M6 backup accepts only strictly higher" src/vrrp/instance.ts 's/advert.priority >= this.#priority || holdForDelay/advert.priority > this.#priority || holdForDelay/'
mutate "M7 sync groups never react" src/vrrp/sync-group.ts "s/if (t.reason === 'syncGroup') return \[\];/return [];/"
mutate "M8 clamp to 1..253" src/vrrp/priority.ts 's/export const PRIORITY_MAX_NON_OWNER = 254;/export const PRIORITY_MAX_NON_OWNER = 253;/'
mutate "M9 no GARP on MASTER entry" src/vrrp/instance.ts 's/garpOnMasterEntry(this.config.garp, this.#timers, now, this.#out);/void 0;/'
mutate "M10 master ignores better adverts" src/vrrp/instance.ts 's/const remoteBetter = remoteWins(/const remoteBetter = false \&\& remoteWins(/'
mutate "M11 expired timers fire inside a held batch" src/vrrp/instance.ts "s/if (event.type === 'timeout' || !this.#timersHeld) this.#fireTimers(now);/this.#fireTimers(now);/"
