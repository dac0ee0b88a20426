// Checks across instances: duplicate names, the interface an instance runs on,
// and VRIDs shared on one interface and family.
import type { DiagnosticSink } from './diagnostics.ts';
import type { Draft } from './keywords.ts';
import type { VrrpInstance } from './model.ts';

const at = (i: VrrpInstance) => ({ ...i.where, col: 1 });

/** keepalived allows a shared VRID when both are unicast with disjoint peers, or use different groups. */
function canShareVrid(a: VrrpInstance, b: VrrpInstance): boolean {
  if (a.unicastPeers.length > 0 && b.unicastPeers.length > 0) {
    const peers = new Set(a.unicastPeers.map((p) => p.address));
    return !b.unicastPeers.some((p) => peers.has(p.address));
  }
  if (a.unicastPeers.length > 0 || b.unicastPeers.length > 0) return true;
  return (a.mcastDstIp ?? '') !== (b.mcastDstIp ?? '');
}

export function checkInstanceSet(instances: VrrpInstance[], d: Draft, sink: DiagnosticSink): void {
  const names = new Set<string>();
  for (let idx = 0; idx < instances.length; idx++) {
    const i = instances[idx]!;
    if (names.has(i.name)) sink.error(at(i), `vrrp_instance ${i.name} is defined more than once`);
    names.add(i.name);
    if (i.interface === null) {
      if (d.global.defaultInterface !== null) instances[idx] = { ...i, interface: d.global.defaultInterface };
      // keepalived 2.2.7 reports this even for unicast instances, whatever its man page says.
      else sink.error(at(i), `(${i.name}) Unknown interface!`);
    }
  }
  const seen = new Map<string, VrrpInstance[]>();
  for (const i of instances) {
    if (i.interface === null) continue;
    const key = `${i.interface}/${i.family}/${i.vrid}`;
    let others = seen.get(key);
    if (others === undefined) seen.set(key, (others = []));
    // One report per instance, against the first it clashes with: n instances on one VRID give n-1 lines, not n²/2.
    const clash = others.find((o) => !canShareVrid(o, i));
    if (clash) sink.error(at(i), `${clash.name} and ${i.name} both use VRID ${i.vrid} with IPv${i.family} on interface ${i.interface}`);
    others.push(i);
  }
}
