// global_defs: the VRRP-relevant keywords, with keepalived's defaults.
import { canonicalIp, ipFamily } from '../base/ip.ts';
import { millis } from '../base/units.ts';
import type { Fifo, GlobalDefs } from './model.ts';
import type { Section } from './section.ts';
import { boolField, intField, secondsField, stringField, timerField } from './keywords-common.ts';
import { arg, noExtraArgs, scriptArg, where, type Mutable } from './values.ts';
import type { Node } from './parser.ts';
import type { DiagnosticSink } from './diagnostics.ts';

export type GlobalDraft = Mutable<GlobalDefs>;

export function defaultGlobal(): GlobalDraft {
  return {
    routerId: null,
    vrrpVersion: 2,
    garpMasterDelayMs: millis(5000),
    garpMasterRepeat: 5,
    garpMasterRefreshMs: null,
    garpMasterRefreshRepeat: 1,
    garpLowerPrioDelayMs: null,
    garpLowerPrioRepeat: null,
    garpIntervalMs: millis(0),
    gnaIntervalMs: millis(0),
    downTimerAdverts: 3,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    strict: false,
    skipCheckAdvAddr: false,
    checkUnicastSrc: false,
    mcastGroup4: '224.0.0.18',
    mcastGroup6: 'ff02::12',
    scriptUser: null,
    scriptGroup: null,
    scriptUserWhere: null,
    enableScriptSecurity: false,
    notifyFifo: null,
    vrrpNotifyFifo: null,
    vrrpNotifyPriorityChanges: false,
    vrrpStartupDelayMs: millis(0),
    maxAutoPriority: null,
    dynamicInterfaces: false,
    defaultInterface: null,
    smtpAlert: false,
    smtpAlertVrrp: null,
  };
}

function mcastGroup(family: 4 | 6, field: 'mcastGroup4' | 'mcastGroup6') {
  return (node: Node, d: GlobalDraft, sink: DiagnosticSink): void => {
    const a = arg(node, 0, sink);
    if (!a) return;
    const canon = canonicalIp(a.text);
    const isMcast = canon !== null && (family === 4 ? /^2(2[4-9]|3\d)\./.test(canon) : canon.startsWith('ff'));
    if (canon === null || ipFamily(canon) !== family || !isMcast) { sink.error(a.pos, `${node.keyword}: '${a.text}' is not an IPv${family} multicast address`); return; }
    d[field] = canon;
  };
}

function fifo(field: 'notifyFifo' | 'vrrpNotifyFifo') {
  return (node: Node, d: GlobalDraft, sink: DiagnosticSink): void => {
    const a = arg(node, 0, sink);
    if (!a) return;
    const prev: Fifo | null = d[field];
    d[field] = { path: a.text, user: node.args[1]?.text ?? null, group: node.args[2]?.text ?? null, script: prev?.script ?? null };
    noExtraArgs(node, 3, sink);
  };
}

function fifoScript(field: 'notifyFifo' | 'vrrpNotifyFifo') {
  return (node: Node, d: GlobalDraft, sink: DiagnosticSink): void => {
    const s = scriptArg(node, 0, sink);
    if (!s) return;
    const prev = d[field];
    d[field] = { path: prev?.path ?? '', user: prev?.user ?? null, group: prev?.group ?? null, script: s };
  };
}

export const GLOBAL_SECTION: Section<GlobalDraft> = {
  name: 'global_defs',
  keywords: {
    router_id: stringField('routerId'),
    vrrp_version: intField('vrrpVersion', 2, 3),
    vrrp_garp_master_delay: secondsField('garpMasterDelayMs', 0, 4294),
    vrrp_garp_master_repeat: intField('garpMasterRepeat', 0, 0x7fffffff),
    vrrp_garp_master_refresh: (node, d, sink) => {
      secondsField<GlobalDraft>('garpMasterRefreshMs', 0, 4294)(node, d, sink);
      if (d.garpMasterRefreshMs === 0) d.garpMasterRefreshMs = null; // 0 switches it off
    },
    vrrp_garp_master_refresh_repeat: intField('garpMasterRefreshRepeat', 0, 0x7fffffff),
    vrrp_garp_lower_prio_delay: secondsField('garpLowerPrioDelayMs', 0, 4294),
    vrrp_garp_lower_prio_repeat: intField('garpLowerPrioRepeat', 0, 0x7fffffff),
    vrrp_garp_interval: timerField('garpIntervalMs', 0, 1),
    vrrp_gna_interval: timerField('gnaIntervalMs', 0, 1),
    vrrp_down_timer_adverts: intField('downTimerAdverts', 1, 100),
    vrrp_lower_prio_no_advert: boolField('lowerPrioNoAdvert'),
    vrrp_higher_prio_send_advert: boolField('higherPrioSendAdvert'),
    vrrp_strict: boolField('strict', true),
    vrrp_skip_check_adv_addr: boolField('skipCheckAdvAddr'),
    vrrp_check_unicast_src: boolField('checkUnicastSrc', true),
    vrrp_mcast_group4: mcastGroup(4, 'mcastGroup4'),
    vrrp_mcast_group6: mcastGroup(6, 'mcastGroup6'),
    script_user: (node, d, sink) => {
      const a = arg(node, 0, sink);
      if (!a) return;
      d.scriptUser = a.text;
      d.scriptGroup = node.args[1]?.text ?? null;
      d.scriptUserWhere = where(node.pos);
      noExtraArgs(node, 2, sink);
    },
    enable_script_security: boolField('enableScriptSecurity', true),
    notify_fifo: fifo('notifyFifo'),
    notify_fifo_script: fifoScript('notifyFifo'),
    vrrp_notify_fifo: fifo('vrrpNotifyFifo'),
    vrrp_notify_fifo_script: fifoScript('vrrpNotifyFifo'),
    vrrp_notify_priority_changes: boolField('vrrpNotifyPriorityChanges'),
    vrrp_startup_delay: timerField('vrrpStartupDelayMs', 0, 3600),
    max_auto_priority: (node, d, sink) => {
      d.maxAutoPriority = node.args.length === 0 ? 99 : intArg0(node, sink);
    },
    dynamic_interfaces: boolField('dynamicInterfaces', true),
    default_interface: stringField('defaultInterface'),
    smtp_alert: boolField('smtpAlert'),
    smtp_alert_vrrp: boolField('smtpAlertVrrp'),
  },
  unsupported: [
    'linkbeat_use_polling', 'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance',
    'child_wait_time', 'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'lvs_process_name',
    'bfd_process_name', 'notification_email_from', 'smtp_server', 'smtp_helo_name', 'smtp_connect_timeout',
    'notification_email', 'startup_script', 'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout',
    'min_auto_priority_delay', 'smtp_alert_checker', 'checker_log_all_failures', 'no_email_faults',
    'disable_local_igmp', 'lvs_timeouts', 'lvs_flush', 'lvs_flush_on_stop', 'lvs_flush_onstop', 'lvs_sync_daemon',
    'vrrp_min_garp', 'vrrp_garp_extra_if', 'vrrp_vmac_garp_intvl', 'vrrp_iptables', 'vrrp_ipsets', 'nftables',
    'nftables_priority', 'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark',
    'nftables_counters', 'vrrp_priority', 'vrrp_no_swap', 'vrrp_rt_priority', 'vrrp_cpu_affinity',
    'vrrp_rlimit_rttime', 'vrrp_rlimit_rtime', 'fifo_write_vrrp_states_on_reload', 'lvs_notify_fifo',
    'lvs_notify_fifo_script', 'checker_priority', 'checker_no_swap', 'checker_rt_priority', 'checker_cpu_affinity',
    'checker_rlimit_rttime', 'checker_rlimit_rtime', 'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority',
    'bfd_cpu_affinity', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime', 'snmp_socket', 'enable_traps', 'enable_snmp_vrrp',
    'enable_snmp_keepalived', 'enable_snmp_rfc', 'enable_snmp_rfcv2', 'enable_snmp_rfcv3', 'enable_snmp_checker',
    'enable_dbus', 'dbus_service_name', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force',
    'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs',
    'process_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
    'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'rs_init_notifies', 'no_checker_emails',
    'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier', 'log_unknown_vrids', 'vmac_prefix', 'vmac_addr_prefix', 'umask',
    'random_seed', 'reload_check_config', 'reload_time_file', 'reload_repeat', 'reload_file', 'include_check',
    'config_save_dir', 'tmp_config_directory', 'data_use_instance',
  ],
};

function intArg0(node: Node, sink: DiagnosticSink): number | null {
  const a = node.args[0]!;
  const n = Number(a.text);
  if (!Number.isInteger(n) || n < -1 || n > 99) { sink.error(a.pos, `max_auto_priority: '${a.text}' outside range [-1, 99]`); return null; }
  return n;
}
