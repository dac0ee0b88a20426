// Checks that need the host: interface names, script users, and keepalived's
// script security rule. The facts arrive through CheckEnv (load.ts builds it),
// so this file stays pure.
import type { DiagnosticSink } from './diagnostics.ts';
import type { Config, NotifyScripts, ScriptCommand } from './model.ts';

export interface CheckEnv {
  interfaceExists(name: string): boolean;
  /** The interface exists and is of type ARPHRD_LOOPBACK (keepalived refuses it for VRRP). Absent: never. */
  interfaceIsLoopback?(name: string): boolean;
  userExists(name: string): boolean;
  /** keepalived's test: the command's file exists (bare names are searched in PATH). */
  scriptFound(argv0: string): boolean;
}

export const DEFAULT_SCRIPT_USER = 'keepalived_script';

function notifyScripts(n: NotifyScripts): ScriptCommand[] {
  return [n.master, n.backup, n.fault, n.stop, n.deleted, n.any, n.masterRxLowerPri].filter((s): s is ScriptCommand => s !== null);
}

export function allScripts(c: Config): ScriptCommand[] {
  const out: ScriptCommand[] = [];
  for (const s of c.scripts) if (s.script) out.push(s.script);
  for (const i of c.instances) out.push(...notifyScripts(i.notify));
  for (const g of c.syncGroups) out.push(...notifyScripts(g.notify));
  for (const f of [c.global.notifyFifo, c.global.vrrpNotifyFifo]) if (f?.script) out.push(f.script);
  return out;
}

function checkInterfaces(c: Config, env: CheckEnv, sink: DiagnosticSink): boolean {
  let missing = false;
  const dynamic = c.global.dynamicInterfaces;
  const warn = (where: { file: string; line: number }, msg: string) => { missing = true; sink.warning({ ...where, col: 1 }, msg, dynamic ? 'none' : 'config'); };
  for (const i of c.instances) {
    if (i.interface !== null && !env.interfaceExists(i.interface)) warn(i.interfaceWhere ?? i.where, `WARNING - interface ${i.interface} for vrrp_instance ${i.name} doesn't exist`);
    else if (i.interface !== null && env.interfaceIsLoopback?.(i.interface)) refuseLoopback(i, i.interface, sink);
    for (const t of i.tracks) {
      if (t.kind === 'interface' && !env.interfaceExists(t.name)) warn(t.where, `(${i.name}) tracked interface ${t.name} doesn't exist`);
    }
    for (const list of [i.virtualAddresses, i.excludedAddresses]) {
      for (const a of list) {
        if (a.dev !== null && !env.interfaceExists(a.dev)) warn(a.where, `WARNING - interface ${a.dev} for ip address ${a.address} doesn't exist`);
      }
    }
    for (const r of i.virtualRoutes) checkRouteDev(r, env, warn);
  }
  for (const a of c.staticAddresses) {
    if (a.dev === null) sink.error({ ...a.where, col: 1 }, `Static address ${a.address} requires either an interface or a default interface`, 'fatal');
    else if (!env.interfaceExists(a.dev)) warn(a.where, `WARNING - interface ${a.dev} for ip address ${a.address} doesn't exist`);
  }
  for (const r of c.staticRoutes) checkRouteDev(r, env, warn);
  // With dynamic_interfaces keepalived waits for them (the instance sits in FAULT).
  if (missing && !c.global.dynamicInterfaces) sink.error(null, 'Non-existent interface specified in configuration', 'fatal');
  return missing && !c.global.dynamicInterfaces;
}

/**
 * keepalived 2.2.7 drops a loopback `interface` (-t exits 5) and then has none:
 * its VRRP process exits with a permanent CONFIG error, so the daemon does not start.
 * A VIP `dev lo` or `track_interface lo` stays allowed, as there.
 */
function refuseLoopback(i: Config['instances'][number], name: string, sink: DiagnosticSink): void {
  sink.error({ ...(i.interfaceWhere ?? i.where), col: 1 }, `(${i.name}) cannot use a loopback interface (${name}) for vrrp - ignoring`);
  sink.error({ ...i.where, col: 1 }, `(${i.name}) Unknown interface!`, 'fatal');
}

function checkRouteDev(r: { words: readonly string[]; where: { file: string; line: number } }, env: CheckEnv, warn: (w: { file: string; line: number }, m: string) => void): void {
  const i = r.words.indexOf('dev');
  const dev = i >= 0 ? r.words[i + 1] : undefined;
  if (dev !== undefined && !env.interfaceExists(dev)) warn(r.where, `WARNING - interface ${dev} for VROUTE nexthop doesn't exist`);
}

function checkScriptSecurity(c: Config, env: CheckEnv, sink: DiagnosticSink, interfacesMissing: boolean): void {
  if (c.instances.length === 0) return; // keepalived checks scripts only when it has instances
  // keepalived raises the violation only for scripts it finds on disk; a
  // "</path" command only tests that a file opens and is never executed.
  const scripts = allScripts(c).filter((s) => !/^<\s*\//.test(s.argv[0]!) && env.scriptFound(s.argv[0]!));
  if (scripts.length === 0) return;
  if (!c.global.enableScriptSecurity) {
    // keepalived stops before this check when an interface is missing, so the exit status stays 5 then.
    sink.error(null, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.', interfacesMissing ? 'config' : 'security');
    return;
  }
  const user = c.global.scriptUser ?? DEFAULT_SCRIPT_USER;
  if (!env.userExists(user) && scripts.some((s) => s.user === null)) {
    sink.error(null, `Unable to set default user ${user} for scripts - they will not run`);
  }
  for (const s of scripts) {
    if (s.user !== null && !env.userExists(s.user)) sink.error(null, `Unknown user ${s.user} for script ${s.command}`);
  }
}

/** keepalived disables a tracked vrrp_script whose command it cannot find, and says so. */
function checkTrackedScriptsFound(c: Config, env: CheckEnv, sink: DiagnosticSink): void {
  const used = new Set<string>();
  for (const o of [...c.instances, ...c.syncGroups]) for (const t of o.tracks) if (t.kind === 'script') used.add(t.name);
  for (const s of c.scripts) {
    const argv0 = s.script?.argv[0];
    if (!used.has(s.name) || argv0 === undefined || /^<\s*\//.test(argv0) || env.scriptFound(argv0)) continue;
    sink.warning({ ...s.where, col: 1 }, `Disabling track script ${s.name} since not found/accessible`);
  }
}

export function checkEnvironment(c: Config, env: CheckEnv, sink: DiagnosticSink): void {
  const interfacesMissing = checkInterfaces(c, env, sink);
  if (!interfacesMissing) checkTrackedScriptsFound(c, env, sink);
  checkScriptSecurity(c, env, sink, interfacesMissing);
}
