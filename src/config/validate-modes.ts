// keepalived's per-instance consistency rules for strict mode (vrrp_strict /
// strict_mode), unicast and preempt_delay. Each rule reports what keepalived
// reports and repairs the draft the way keepalived does.
import { millis } from '../base/units.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { GlobalDefs } from './model.ts';
import type { InstanceDraft } from './keywords-instance.ts';

/** keepalived derives whichever of priority and state is missing from the other. */
export function derivePriority(i: InstanceDraft): number {
  return i.priority ?? (i.state?.value === 'MASTER' ? 255 : 100);
}

function strictRules(i: InstanceDraft, priority: number, sink: DiagnosticSink): void {
  const say = (msg: string) => sink.warning(i.pos, `(${i.name}) ${msg}`);
  const master = i.state?.value === 'MASTER';
  if (i.state === null) i.state = { value: priority === 255 ? 'MASTER' : 'BACKUP', pos: i.pos };
  else if (master !== (priority === 255)) {
    say('State MASTER must match being address owner');
    i.state = { value: priority === 255 ? 'MASTER' : 'BACKUP', pos: i.state.pos };
  }
  if (i.authType !== null) { say('Strict mode does not support authentication. Ignoring.'); i.authType = null; }
  if (i.unicastPeers.length > 0) sink.error(i.pos, `(${i.name}) Unicast peers are not supported in strict mode`);
  if (i.useVmac?.mac) { say('cannot specify MAC address with strict mode - clearing'); i.useVmac = { ifname: i.useVmac.ifname, mac: null }; }
  if (i.preemptDelayMs > 0) { say('preempt_delay is incompatible with strict mode - resetting'); i.preemptDelayMs = millis(0); }
  if (i.downTimerAdverts !== null && i.downTimerAdverts !== 3) { say('down_timer_adverts is incompatible with strict mode - resetting'); i.downTimerAdverts = 3; }
  if (i.garpLowerPrioRepeat) { say('Strict mode requires no repeat garps. resetting'); }
  if (i.garpLowerPrioDelayMs) { say('Strict mode requires no repeat garp delay. resetting'); }
  i.garpLowerPrioRepeat = 0;
  i.garpLowerPrioDelayMs = millis(0);
  if (i.lowerPrioNoAdvert === false) say('Strict mode requires no lower priority advert. resetting');
  i.lowerPrioNoAdvert = true;
  if (i.higherPrioSendAdvert === true) say('strict mode requires higher_prio_send_advert to be clear. resetting');
  i.higherPrioSendAdvert = false;
}

export function applyModeRules(i: InstanceDraft, g: GlobalDefs, priority: number, sink: DiagnosticSink): void {
  const strict = i.strictMode ?? g.strict;
  if (i.state === null) i.state = { value: priority === 255 ? 'MASTER' : 'BACKUP', pos: i.pos };
  if (strict) strictRules(i, priority, sink);
  if (i.state?.value === 'MASTER' && i.preemptDelayMs > 0) {
    sink.warning(i.preemptDelayPos ?? i.pos, `(${i.name}) Warning - preempt delay will not work with initial state MASTER - clearing`);
    i.preemptDelayMs = millis(0);
  }
  if (i.unicastConfigured && i.unicastPeers.length === 0 && !i.unicastFaultNoPeer) {
    sink.warning(i.pos, `(${i.name}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`);
  }
  if (i.unicastPeers.length > 0 && i.mcastDstIp !== null) {
    sink.warning(i.pos, `(${i.name}) multicast destination specified with unicast - ignoring`);
    i.mcastDstIp = null;
  }
}
