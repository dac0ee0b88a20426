// SIGHUP as keepalived does it: check the new configuration (a bad one keeps
// the running one), then replace the daemon, carrying over the state of the
// instances both configurations have (see replaceDaemon).
import type { CliOptions } from '../cli/options.ts';
import type { Config } from '../config/model.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import { loadAndCheck } from '../config/load.ts';
import type { Logger } from '../observe/logger.ts';
import type { CarriedScript } from '../track/script-runner.ts';
import { assembleInstance, identityOf, routeKeys, vipKey } from './assemble.ts';
import { monotonicClock } from './clock.ts';
import { Daemon } from './daemon.ts';
import { allVipSpecs } from './instance-io.ts';

export function logDiagnostics(log: Logger, diagnostics: ReturnType<typeof loadAndCheck>['diagnostics']): void {
  for (const d of diagnostics) {
    const line = formatDiagnostic(d);
    if (d.severity === 'error') log.error(line); else if (d.severity === 'warning') log.warn(line); else log.info(line);
  }
}

/** What a reload carries from the running configuration to the new one. */
export interface ReloadCarry {
  /** By identityOf(): the state, and the VIP keys held when MASTER. */
  readonly instances: ReadonlyMap<string, { readonly state: 'MASTER' | 'BACKUP'; readonly vips: ReadonlySet<string> }>;
  /** vrrp_script counters by tracker id. */
  readonly scripts: ReadonlyMap<string, CarriedScript>;
  /** IPsec AH sequence counters by identityOf() (keepalived keeps them over a reload). */
  readonly ahSeq?: ReadonlyMap<string, number>;
}

/** For each instance of the new configuration (by identityOf): its VIP and route/rule keys. */
export type Handover = ReadonlyMap<string, { readonly vips: ReadonlySet<string>; readonly routes: ReadonlySet<string> }>;

/** SIGHUP, first half: the new configuration, or null (errors reported) to keep the running one. */
export function checkReload(options: CliOptions, log: Logger): Config | null {
  log.info('Reloading');
  const next = loadAndCheck(options.configFile, options.configId);
  logDiagnostics(log, next.diagnostics);
  // Refused: what would stop a start-up, and any configuration error (a typo
  // that drops an instance must not stop it on the wire). Accepted, as at
  // start-up: warnings, and keepalived's script-security complaint.
  if (next.diagnostics.some((d) => d.impact === 'fatal' || (d.severity === 'error' && d.impact === 'config'))) {
    log.error(`reload: ${options.configFile} has errors; keeping the running configuration`);
    return null;
  }
  return next.config;
}

/**
 * SIGHUP, second half, as keepalived reloads: instances that exist in both
 * configurations (same VRID, interface, family, mode) carry on in their
 * state — a MASTER keeps its VIPs and sends at once, nobody hears a priority
 * 0 — while removed instances stop gracefully and new ones start. The old
 * daemon's sockets and timers close before the new ones open: a gap of a few
 * milliseconds, well inside one advert interval. `carried`: old.carry(),
 * taken before; `old` null: nothing to stop (a failed attempt already did).
 * Returns null if the new one failed to start.
 */
export async function replaceDaemon(old: Daemon | null, carried: ReloadCarry, config: Config, options: CliOptions, log: Logger): Promise<Daemon | null> {
  const handover: Handover = new Map(config.instances.map((inst) => {
    const a = assembleInstance(inst, config, undefined);
    return [identityOf(a), { vips: new Set(allVipSpecs(a).map((v) => vipKey(v.spec))), routes: new Set(routeKeys(inst)) }];
  }));
  await old?.stop(handover);
  const fresh = new Daemon({ config, log, clock: monotonicClock, releaseOnStop: !options.dontReleaseVrrp, carried });
  try {
    await fresh.start();
    return fresh;
  } catch (err) {
    log.error({ err }, `reload: cannot start: ${(err as Error).message}`);
    await fresh.stop(handover).catch(() => undefined);
    return null;
  }
}

