// Core bugs the widened simulator found (issue 7, "Five core bugs", 1–3), all
// fixed: the seeds that found each, with the failure they showed, are kept as
// regression tests (core-bugs.test.ts) and every swarm seed must pass.

export interface KnownBug {
  readonly bug: number;
  readonly what: string;
  /** The failure it showed before the fix (the seeds' messages matched it). */
  readonly signature: RegExp;
  /** Seeds (default options) that found it: node --import tsx test/sim/vopr.ts --seed N */
  readonly seeds: readonly number[];
}

export const KNOWN_CORE_BUGS: readonly KnownBug[] = [
  {
    bug: 1,
    what: 'sync group with an address owner: the owner leaves FAULT for MASTER, its siblings stay in FAULT for ever',
    signature: /after '(link \S+ up|tracker \S+ (up|down))': sync group \S+ split: .*(=FAULT.*=MASTER|=MASTER.*=FAULT)/,
    seeds: [437, 527, 981],
  },
  {
    bug: 2,
    what: 'sync group at boot: a member that starts in FAULT does not pull the members started after it',
    signature: /after 'start': sync group \S+ split/,
    seeds: [29, 32, 37],
  },
  {
    bug: 3,
    what: 'a stalled backup fires its expired takeover deadline before reading the adverts queued during the stall',
    signature: /BACKUP→MASTER \(\w+\) at local \d+, sooner than .* that reached the socket before then were not read first/,
    // 1990: the residual, the queue led by a lower advert (fixed by reading the whole batch with the timers held).
    seeds: [3, 6, 7, 1990],
  },
];
