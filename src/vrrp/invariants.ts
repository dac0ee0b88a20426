// Pair assertions checked at the end of every Instance.handle()
// (STYLE rule 14, TigerBeetle): the armed timer slots match the state, no
// deadline lies in the past (unless the edge holds the timers while it reads
// a batch: Router.readBatch), and the effective priority is in bounds.
import type { Millis } from '../base/units.ts';
import { assert, assertNever } from '../base/assert.ts';
import type { VrrpState } from './types.ts';
import type { TimerTable } from './timers.ts';

export function checkInstanceInvariants(
  name: string,
  state: VrrpState,
  t: TimerTable,
  priority: number,
  isOwner: boolean,
  now: Millis,
  timersHeld = false,
): void {
  // Messages are built only on failure: this runs on every event (see scripts/bench/core.ts).
  let ok: boolean;
  switch (state) {
    case 'MASTER':
      ok = t.armed('advert') && !t.armed('masterDown') && !t.armed('preemptDelay');
      break;
    case 'BACKUP':
      ok = t.armed('masterDown') && !t.armed('advert') && !t.armed('garpDelay') && !t.armed('garpRefresh') && !t.armed('lowerPrioGarp');
      break;
    case 'INIT':
    case 'FAULT':
    case 'STOP':
      ok = t.next() === null;
      break;
    default:
      assertNever(state);
  }
  if (!ok) assert(false, `${name}: ${state} with timers ${JSON.stringify(t.entries())}`);
  const next = t.next();
  if (next !== null && next < now && !timersHeld) assert(false, `${name}: deadline ${next} earlier than now ${now}`);
  const inBounds = isOwner ? priority === 255 : priority >= 1 && priority <= 254;
  if (!inBounds) assert(false, `${name}: effective priority ${priority} out of bounds`);
}
