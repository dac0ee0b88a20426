// Keywords that parse and check but whose effect is not built are said once
// at start-up in keepalived's "not supported" form, never silently dropped
// (docs/config-compat.md lists them).
import type { Config } from '../config/model.ts';
import type { Logger } from '../observe/logger.ts';

export function warnUnsupported(c: Config, log: Logger): void {
  const g = c.global;
  const warn = (what: string) => log.warn(`${what} is not supported by this version - ignored`);
  if (c.staticAddresses.length + c.staticRoutes.length + c.staticRules.length > 0) warn('static_ipaddress / static_routes / static_rules');
  if (g.maxAutoPriority !== null) warn('max_auto_priority (real-time scheduling)');
  const smtpGlobal = g.smtpAlert || g.smtpAlertVrrp === true;
  if (smtpGlobal) warn('smtp_alert');
  if (g.vrrpNotifyPriorityChanges) warn('vrrp_notify_priority_changes');
  for (const i of c.instances) {
    const n = `(${i.name})`;
    if (i.notify.masterRxLowerPri) warn(`${n} notify_master_rx_lower_pri`);
    if (i.notifyPriorityChanges) warn(`${n} notify_priority_changes`);
    if (i.smtpAlert && !smtpGlobal) warn(`${n} smtp_alert`);
    if (i.unicastFaultNoPeer) warn(`${n} unicast_fault_no_peer`);
    if (i.trackSrcIp) warn(`${n} track_src_ip`);
    if (i.promoteSecondaries) warn(`${n} promote_secondaries`);
    if (i.vmacXmitBase) warn(`${n} vmac_xmit_base (adverts leave by the VMAC)`);
    if (i.debugLevel > 0) warn(`${n} debug`);
    // keepalived blocks traffic to the VIPs with nftables/iptables here.
    if (!i.acceptMode) warn(`${n} no_accept (traffic to the VIPs is not blocked; they accept it)`);
  }
  for (const sg of c.syncGroups) {
    if (sg.smtpAlert && !smtpGlobal) warn(`VRRP_Group(${sg.name}) smtp_alert`);
    if (sg.notifyPriorityChanges) warn(`VRRP_Group(${sg.name}) notify_priority_changes`);
  }
}
