// Checks that need the host: interface names, script users, and keepalived's
// script security rule. The facts arrive through CheckEnv (load.ts builds it),
// so this file stays pure.
import type { DiagnosticSink } from './diagnostics.ts';
import type { Config } from './model.ts';
import { planScripts, type ScriptHost, type ScriptPlan } from './validate-scripts.ts';

export interface CheckEnv {
  interfaceExists(name: string): boolean;
  /** Users, groups and files, for who runs each script and whether it may (validate-scripts.ts). */
  readonly scripts: ScriptHost;
  /** The interface exists and is of type ARPHRD_LOOPBACK (keepalived refuses it for VRRP). Absent: never. */
  interfaceIsLoopback?(name: string): boolean;
}

export { DEFAULT_SCRIPT_USER } from './validate-scripts.ts';

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

/** Host checks; returns who runs each script (validate-scripts.ts), as the daemon will. */
export function checkEnvironment(c: Config, env: CheckEnv, sink: DiagnosticSink): ScriptPlan {
  const interfacesMissing = checkInterfaces(c, env, sink);
  return planScripts(c, env.scripts, sink, interfacesMissing);
}
