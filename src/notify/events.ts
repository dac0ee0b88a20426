// keepalived's notification formats, as values (vrrp_notify.c). Pure: this
// file decides *what* runs and *what* is written; notify/script.ts and
// notify/fifo.ts do it.
//
// For an instance entering a state, keepalived, in this order:
//  1. runs the state's own script (notify_master/backup/fault/stop/deleted)
//     with exactly the configured argv;
//  2. runs the generic `notify` script with four more arguments:
//     INSTANCE <name> MASTER|BACKUP|FAULT|STOP|DELETED <effective priority>;
//  3. writes `INSTANCE "<name>" <STATE> <priority>\n` to notify_fifo and
//     vrrp_notify_fifo.
// A sync group does the same with GROUP and priority 0 (no DELETED).
// DELETED (instance removed by a reload) is reported as FAULT unless
// notify_deleted is configured. A master receiving a lower-priority advert
// runs notify_master_rx_lower_pri as given and writes MASTER_RX_LOWER_PRI to
// the FIFOs; with notify_priority_changes a priority change writes
// MASTER_PRIORITY or BACKUP_PRIORITY (FIFO only).

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';
export type FifoWord = NotifyState | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';
export type NotifySubject = 'INSTANCE' | 'GROUP';

/** A configured script: argv already split (notify/command-line.ts), optional user/group.
 * Structurally compatible with config/model.ts ScriptCommand, so NotifyScripts can be passed as is. */
export interface NotifyScript {
  readonly argv: readonly string[];
  readonly user?: string | null;
  readonly group?: string | null;
}

export interface InstanceNotifyConfig {
  readonly master?: NotifyScript | null;
  readonly backup?: NotifyScript | null;
  readonly fault?: NotifyScript | null;
  readonly stop?: NotifyScript | null;
  /** notify_deleted given (with or without a script): report DELETED instead of FAULT. */
  readonly notifyDeleted?: boolean;
  readonly deleted?: NotifyScript | null;
  /** The generic `notify` script. */
  readonly any?: NotifyScript | null;
  readonly masterRxLowerPri?: NotifyScript | null;
  /** notify_priority_changes (or the global vrrp_notify_priority_changes). */
  readonly priorityChanges?: boolean;
}

export type GroupNotifyConfig = Omit<InstanceNotifyConfig, 'notifyDeleted' | 'deleted' | 'masterRxLowerPri' | 'priorityChanges'>;

/** One script to run; `kind` says which keyword it came from (for logs and the STOP timeout). */
export interface NotifyCommand {
  readonly kind: 'state' | 'generic' | 'rxLowerPri';
  readonly state: FifoWord;
  readonly argv: readonly string[];
  readonly user?: string;
  readonly group?: string;
  /** The configured script this runs (the daemon looks up who runs it, and whether it may). */
  readonly source: NotifyScript;
}

export interface NotifyPlan {
  /** Run in this order; keepalived starts them in this order. */
  readonly commands: readonly NotifyCommand[];
  /** The line for every notify FIFO, with its newline; null when nothing is written. */
  readonly fifoLine: string | null;
}

export function fifoLine(subject: NotifySubject, name: string, word: FifoWord, priority: number): string {
  return `${subject} "${name}" ${word} ${priority}\n`;
}

/** The generic notify script's argv: the configured words plus four. */
export function genericArgv(script: NotifyScript, subject: NotifySubject, name: string, state: NotifyState, priority: number): string[] {
  return [...script.argv, subject, name, state, String(priority)];
}

function command(kind: NotifyCommand['kind'], state: FifoWord, script: NotifyScript, argv: readonly string[]): NotifyCommand {
  return {
    kind, state, argv, source: script,
    ...(script.user != null ? { user: script.user } : {}),
    ...(script.group != null ? { group: script.group } : {}),
  };
}

function stateScript(cfg: GroupNotifyConfig & { deleted?: NotifyScript | null }, state: NotifyState): NotifyScript | null | undefined {
  switch (state) {
    case 'MASTER': return cfg.master;
    case 'BACKUP': return cfg.backup;
    case 'FAULT': return cfg.fault;
    case 'STOP': return cfg.stop;
    case 'DELETED': return cfg.deleted;
  }
}

function plan(subject: NotifySubject, cfg: GroupNotifyConfig & { deleted?: NotifyScript | null }, name: string, state: NotifyState, priority: number): NotifyPlan {
  const commands: NotifyCommand[] = [];
  const own = stateScript(cfg, state);
  if (own) commands.push(command('state', state, own, own.argv));
  if (cfg.any) commands.push(command('generic', state, cfg.any, genericArgv(cfg.any, subject, name, state, priority)));
  return { commands, fifoLine: fifoLine(subject, name, state, priority) };
}

/** An instance entered `state` with effective priority `priority`. */
export function instanceNotify(cfg: InstanceNotifyConfig, name: string, state: NotifyState, priority: number): NotifyPlan {
  const reported: NotifyState = state === 'DELETED' && !cfg.notifyDeleted ? 'FAULT' : state;
  return plan('INSTANCE', cfg, name, reported, priority);
}

/** A sync group entered `state`; keepalived always reports priority 0 for a group. */
export function groupNotify(cfg: GroupNotifyConfig, name: string, state: Exclude<NotifyState, 'DELETED'>): NotifyPlan {
  return plan('GROUP', cfg, name, state, 0);
}

/** A MASTER heard an advert with a lower priority than its own. */
export function masterRxLowerPriNotify(cfg: InstanceNotifyConfig, name: string, priority: number): NotifyPlan {
  const s = cfg.masterRxLowerPri;
  const commands = s ? [command('rxLowerPri', 'MASTER_RX_LOWER_PRI', s, s.argv)] : [];
  return { commands, fifoLine: fifoLine('INSTANCE', name, 'MASTER_RX_LOWER_PRI', priority) };
}

/** The effective priority changed while in `state`; FIFO only, and only with notify_priority_changes. */
export function priorityChangeNotify(cfg: InstanceNotifyConfig, name: string, state: NotifyState, priority: number): NotifyPlan {
  if (!cfg.priorityChanges) return { commands: [], fifoLine: null };
  const word: FifoWord = state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY';
  return { commands: [], fifoLine: fifoLine('INSTANCE', name, word, priority) };
}

/** notify_fifo_script / vrrp_notify_fifo_script get the FIFO's path as their last argument. */
export function fifoScriptArgv(script: NotifyScript, fifoPath: string): string[] {
  return [...script.argv, fifoPath];
}

/**
 * keepalived skips an instance's notifies when it has notified before and is
 * only following its sync group into the state the group already reported.
 */
export function suppressedBySyncGroup(notifiedBefore: boolean, groupState: NotifyState | null, state: NotifyState): boolean {
  return notifiedBefore && groupState !== null && groupState === state;
}
