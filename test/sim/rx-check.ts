// A MASTER's answer to an advert is the one RFC 9568 §6.4.3 prescribes:
// it steps down exactly when the sender is better (higher priority, or equal
// priority and a higher primary address), never otherwise. The settle check
// cannot see a wrong tie-break (either tied router is a legitimate stable
// master), so this is where an inverted address comparison shows up.
import { compareIp } from '../../src/base/ip.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import type { SimNode } from './node.ts';
import { instanceCfgFor } from './early-check.ts';
import { expectedOf } from './step-checks.ts';

export class MasterRxCheck {
  checked = 0;

  afterRx(node: SimNode, actions: readonly TaggedAction[], fail: (m: string) => never): void {
    const rx = node.lastRx;
    const router = node.router;
    if (rx === null || node.lastRxSrc === null || router === null || rx.priority === 0) return;
    const cfg = instanceCfgFor(node, rx);
    if (!cfg) return;
    const name = cfg.name;
    let wasMaster = node.stateOf(name) === 'MASTER';
    let steppedDown = false;
    for (const { instance, action } of actions) {
      if (instance !== name) continue;
      if (action.type === 'drop') return; // rejected before the state machine looked at it
      if (action.type === 'transition') {
        wasMaster = action.from === 'MASTER'; // the first transition tells the state before the step
        steppedDown = action.from === 'MASTER' && action.to === 'BACKUP' && action.reason === 'higherPriorityAdvert';
        break;
      }
    }
    if (!wasMaster) return;
    this.checked++;
    // Our priority as the checker derives it (after an owner conflict in this very step, 254).
    const ours = expectedOf(node, cfg).priority;
    const better = rx.priority > ours || (rx.priority === ours && compareIp(node.lastRxSrc, cfg.primaryAddress) > 0);
    if (better && !steppedDown) fail(`${name}: MASTER (priority ${ours}) heard a better advert (priority ${rx.priority} from ${node.lastRxSrc}) and did not step down`);
    if (!better && steppedDown) fail(`${name}: MASTER (priority ${ours}, ${cfg.primaryAddress}) stepped down for priority ${rx.priority} from ${node.lastRxSrc}, which does not win`);
  }
}
