// Who each script runs as, and whether it may run at all: keepalived 2.2.7's
// rules (set_uid_gid, get_default_script_user, check_vrrp_script_security),
// for vrrp_scripts, notify scripts and notify FIFO scripts alike. Pure: the
// host (NSS lookups, file metadata, PATH, our own ids) arrives as ScriptHost,
// so `vipkeeper -t` and the daemon (at start and at every reload) decide with
// the same code. A script that cannot be resolved or checked never runs: no
// fallback to root.
//
// Diagnostics carry keepalived's words and its exit-status class: what
// keepalived reports through report_config_error fails `-t` (5); what it
// only logs (every notify-script finding) is printed with the script's
// file:line but leaves the status alone, as keepalived's -t does.
import { checkScriptSecurity, commandString, type FsProbe } from '../track/script-security.ts';
import { DiagnosticSink, type SourcePos } from './diagnostics.ts';
import type { Config, NotifyScripts, ScriptCommand, Where } from './model.ts';

export const DEFAULT_SCRIPT_USER = 'keepalived_script';

/** The credentials a script runs with: uid, gid and the supplementary groups. */
export interface ScriptIds {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export interface ScriptHost {
  /** NSS getpwnam: null when there is no such user; throws when the lookup itself fails. */
  user(name: string): { readonly uid: number; readonly gid: number } | null;
  /** NSS getgrnam: null when there is no such group; throws when the lookup fails. */
  group(name: string): number | null;
  /** NSS getgrouplist: the user's groups, `gid` first. */
  groups(user: string, gid: number): readonly number[];
  readonly fs: FsProbe;
  /** PATH, for commands given as a bare name. */
  readonly path: string;
  /** The daemon's own ids: what a script runs as with no user anywhere and no keepalived_script. */
  readonly daemon: ScriptIds;
}

export type Resolution = { readonly ok: true; readonly ids: ScriptIds } | { readonly ok: false; readonly messages: readonly string[] };

/** set_uid_gid(): a named user (and group) through NSS, with keepalived's messages when it fails. */
export function resolveNamed(user: string, group: string | null, host: ScriptHost): Resolution {
  let pw: { uid: number; gid: number } | null;
  try { pw = host.user(user); } catch { return { ok: false, messages: [`Unable to resolve script username '${user}' - ignoring`] }; }
  if (pw === null) return { ok: false, messages: [`Script user '${user}' does not exist`] };
  let gid = pw.gid;
  if (group !== null) {
    let g: number | null;
    try { g = host.group(group); } catch { return { ok: false, messages: [`Unable to resolve script group name '${group}' - ignoring`] }; }
    if (g === null) return { ok: false, messages: [`Script group '${group}' does not exist`] };
    gid = g;
  }
  let groups: readonly number[];
  try { groups = host.groups(user, gid); } catch { return { ok: false, messages: [`Unable to get the groups of script user '${user}' - ignoring`] }; }
  return { ok: true, ids: { uid: pw.uid, gid, groups } };
}

/**
 * The ids for scripts without their own user: global script_user, else
 * keepalived_script if it exists, else the daemon's own (refused with
 * enable_script_security). Null = no default: such scripts are dropped.
 */
export function defaultIds(c: Config, host: ScriptHost): { ids: ScriptIds | null; globalFailed: boolean } {
  const g = c.global;
  if (g.scriptUser !== null) {
    const r = resolveNamed(g.scriptUser, g.scriptGroup, host);
    return r.ok ? { ids: r.ids, globalFailed: false } : { ids: null, globalFailed: true };
  }
  const ka = resolveNamed(DEFAULT_SCRIPT_USER, null, host);
  if (ka.ok) return { ids: ka.ids, globalFailed: false };
  return { ids: g.enableScriptSecurity ? null : host.daemon, globalFailed: false };
}

/** What may run: argv (argv[0] resolved) and the credentials. */
export interface RunnableScript {
  readonly argv: readonly string[];
  readonly ids: ScriptIds;
}

/** The decision for every script of a configuration; a script absent from it never runs. */
export class ScriptPlan {
  readonly #runs = new Map<object, RunnableScript>();
  /** vrrp_script names disabled by the security check (their trackers never start). */
  readonly disabledTracks = new Set<string>();
  /** Who a script without a user of its own runs as (null: nobody, such scripts are dropped); also the owner of a FIFO without a user. */
  defaultIds: ScriptIds | null = null;

  set(cmd: ScriptCommand, run: RunnableScript): void { this.#runs.set(cmd, run); }
  /** By the configured command object itself (not its text: two lines may say the same). */
  get(cmd: object | null | undefined): RunnableScript | null { return cmd ? this.#runs.get(cmd) ?? null : null; }
}

const at = (w: Where): SourcePos => ({ file: w.file, line: w.line, col: 1 });

function notifyEntries(n: NotifyScripts): Array<{ cmd: ScriptCommand; type: string }> {
  const list = [n.backup, n.master, n.fault, n.stop, n.deleted, n.any, n.masterRxLowerPri];
  return list.filter((s): s is ScriptCommand => s !== null).map((cmd) => ({ cmd, type: 'notify' }));
}

interface Findings { isScript: boolean; insecure: boolean }

/** Referenced vrrp_scripts (only those run, and only those keepalived reports). */
function trackedScripts(c: Config): Set<string> {
  const used = new Set<string>();
  for (const o of [...c.instances, ...c.syncGroups]) for (const t of o.tracks) if (t.kind === 'script') used.add(t.name);
  return used;
}

/** check_script_secure() on one command; returns the runnable form or null, and reports. */
function examine(cmd: ScriptCommand, ids: ScriptIds, c: Config, host: ScriptHost, found: Findings, sink: DiagnosticSink): { run: RunnableScript | null; system: boolean; inhibit: boolean; notFound: boolean } {
  const security = c.global.enableScriptSecurity;
  const r = checkScriptSecurity(cmd.argv[0]!, ids, security, host.fs, host.path);
  for (const m of r.messages) sink.warning(at(cmd.where), m, 'none');
  found.isScript ||= r.isScript;
  found.insecure ||= r.insecure;
  // keepalived runs a "</path" test through system(), i.e. /bin/sh -c.
  if (r.system) return { run: { argv: ['/bin/sh', '-c', commandString(cmd.argv)], ids }, system: true, inhibit: false, notFound: false };
  const ok = r.executable && !r.inhibit && !r.notFound && r.path !== null;
  return { run: ok ? { argv: [r.path!, ...cmd.argv.slice(1)], ids } : null, system: false, inhibit: r.inhibit, notFound: r.notFound };
}

/**
 * Decides every script of `c`. vrrp_scripts whose user cannot be resolved
 * were already dropped by validate() (keepalived does that while parsing);
 * this resolves again (same host, same answer) to get the ids.
 */
export function planScripts(c: Config, host: ScriptHost, report: DiagnosticSink, interfacesMissing = false): ScriptPlan {
  const plan = new ScriptPlan();
  // keepalived stops before its script checks when an interface is missing (it
  // cannot run): decide anyway, so nothing unchecked runs, but do not report.
  const sink = interfacesMissing ? new DiagnosticSink() : report;
  const found: Findings = { isScript: false, insecure: false };
  const def = defaultIds(c, host);
  plan.defaultIds = def.ids;
  let defaultReported = false;
  const idsFor = (cmd: ScriptCommand, type: string): ScriptIds | null => {
    if (cmd.user !== null) {
      const r = resolveNamed(cmd.user, cmd.group, host);
      if (r.ok) return r.ids;
      for (const m of [...r.messages, `Invalid user/group for ${type} script ${cmd.argv[0]} - ignoring`]) sink.warning(at(cmd.where), m, 'none');
      return null;
    }
    if (def.ids !== null) return def.ids;
    if (!def.globalFailed && !defaultReported) {
      defaultReported = true;
      sink.error(at(cmd.where), `Unable to set default user ${DEFAULT_SCRIPT_USER} for script`);
    }
    sink.warning(at(cmd.where), `Failed to set default user for ${type} script ${cmd.argv[0]} - ignoring`, 'none');
    return null;
  };
  // keepalived checks scripts only when there are instances.
  if (c.instances.length === 0) return plan;
  const used = trackedScripts(c);
  for (const s of c.scripts) {
    if (!s.script || !used.has(s.name)) continue;
    const named = s.script.user !== null ? resolveNamed(s.script.user, s.script.group, host) : null;
    const ids = named ? (named.ok ? named.ids : null) : def.ids;
    if (ids === null) { plan.disabledTracks.add(s.name); continue; } // reported by validate()
    const r = examine(s.script, ids, c, host, found, sink);
    if (r.inhibit) sink.error(at(s.where), `Disabling track script ${s.name} due to insecure`);
    else if (r.notFound) sink.error(at(s.where), `Disabling track script ${s.name} since not found/accessible`);
    if (r.run) plan.set(s.script, r.run); else plan.disabledTracks.add(s.name);
  }
  const notify = [...c.instances.flatMap((i) => notifyEntries(i.notify)), ...c.syncGroups.flatMap((g) => notifyEntries(g.notify))];
  for (const [fifo, type] of [[c.global.notifyFifo, 'notify_fifo'], [c.global.vrrpNotifyFifo, 'vrrp_notify_fifo']] as const) {
    if (fifo?.script) notify.push({ cmd: fifo.script, type });
  }
  for (const { cmd, type } of notify) {
    const ids = idsFor(cmd, type);
    if (ids === null) continue;
    const r = examine(cmd, ids, c, host, found, sink);
    // check_notify_script_secure() keeps only executable files: a "</path" notify is dropped.
    if (r.run && !r.system) plan.set(cmd, r.run);
  }
  if (!c.global.enableScriptSecurity && found.isScript) {
    // keepalived stops before this check when an interface is missing, so the exit status stays 5 then.
    report.error(null, `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${found.insecure ? ' There are insecure scripts.' : ''}`,
      interfacesMissing ? 'config' : 'security');
  }
  return plan;
}
