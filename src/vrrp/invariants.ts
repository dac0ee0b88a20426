// Pair assertions checked at the end of every Instance.handle()
// (STYLE rule 14, TigerBeetle): the armed timer slots match the state, no
// deadline lies in the past, and the effective priority is in bounds.
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
): void {
  const slots = (): string => JSON.stringify(t.entries());
  switch (state) {
    case 'MASTER':
      assert(t.armed('advert') && !t.armed('masterDown') && !t.armed('preemptDelay'), `${name}: MASTER with timers ${slots()}`);
      break;
    case 'BACKUP':
      assert(
        t.armed('masterDown') && !t.armed('advert') && !t.armed('garpDelay') && !t.armed('garpRefresh') && !t.armed('lowerPrioGarp'),
        `${name}: BACKUP with timers ${slots()}`,
      );
      break;
    case 'INIT':
    case 'FAULT':
    case 'STOP':
      assert(t.next() === null, `${name}: ${state} with timers ${slots()}`);
      break;
    default:
      assertNever(state);
  }
  const next = t.next();
  assert(next === null || next >= now, `${name}: deadline ${next} earlier than now ${now}`);
  assert(isOwner ? priority === 255 : priority >= 1 && priority <= 254, `${name}: effective priority ${priority} out of bounds`);
}
