// Start-up, signals and graceful stop (keepalived's, for operators' muscle memory):
//   SIGTERM / SIGINT  graceful stop: priority 0 adverts, VIPs released, exit 0
//   SIGHUP            reload: a config that fails to check keeps the old one running
//   SIGUSR1 / SIGUSR2 write /tmp/keepalived.data / /tmp/keepalived.stats (JSON here)
// vipkeeper is one process: -p and -r name the same PID. It always runs in
// the foreground (systemd Type=notify); -n is accepted for compatibility.
import { writeFileSync } from 'node:fs';
import type { CliOptions } from '../cli/options.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import { loadAndCheck } from '../config/load.ts';
import { createLogger, type Logger } from '../observe/logger.ts';
import { sdNotify } from '../net/sd-notify.ts';
import { monotonicClock } from './clock.ts';
import { Daemon } from './daemon.ts';
import { livePid, removePid, writePid } from './pidfile.ts';

const DEFAULT_PID = '/run/keepalived.pid';
const DEFAULT_VRRP_PID = '/run/keepalived_vrrp.pid';

function logDiagnostics(log: Logger, diagnostics: ReturnType<typeof loadAndCheck>['diagnostics']): void {
  for (const d of diagnostics) {
    const line = formatDiagnostic(d);
    if (d.severity === 'error') log.error(line); else if (d.severity === 'warning') log.warn(line); else log.info(line);
  }
}

function safeNotify(state: string): void {
  try { sdNotify(state); } catch { /* no systemd listening: nothing to tell */ }
}

export async function runDaemon(options: CliOptions): Promise<number> {
  const human = options.logConsole && !options.jsonLogs && (process.stdout.isTTY === true || process.env['VIPKEEPER_LOG_HUMAN'] === '1');
  const log = createLogger({ human, detail: options.logDetail });
  const checked = loadAndCheck(options.configFile, options.configId);
  logDiagnostics(log, checked.diagnostics);
  if (checked.diagnostics.some((d) => d.impact === 'fatal')) {
    log.error(`Stopping: ${options.configFile} cannot be used`);
    return 1;
  }
  const pidFiles = [...new Set([options.pidFile ?? DEFAULT_PID, options.vrrpPidFile ?? DEFAULT_VRRP_PID])];
  for (const f of pidFiles) {
    const other = livePid(f);
    if (other !== null) {
      log.error(`daemon is already running (pid ${other} in ${f})`);
      return 1;
    }
  }
  for (const f of pidFiles) writePid(f);
  log.info(`Starting VRRP child process, pid=${process.pid}`);
  log.info(`Opening file '${options.configFile}'.`);

  const daemon = new Daemon({ config: checked.config, log, clock: monotonicClock, releaseOnStop: !options.dontReleaseVrrp });
  try {
    await daemon.start();
  } catch (err) {
    log.error({ err }, `cannot start: ${(err as Error).message}`);
    await daemon.stop().catch(() => undefined);
    for (const f of pidFiles) removePid(f);
    return 1;
  }
  safeNotify('READY=1\nSTATUS=VRRP running');

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`Stopping (${sig})`);
      safeNotify('STOPPING=1');
      const hardDeadline = setTimeout(() => { log.error('stop took too long; exiting'); finish(1); }, 3000);
      void daemon.stop().then(() => { clearTimeout(hardDeadline); finish(0); }, (err: unknown) => {
        log.error({ err }, `error while stopping: ${(err as Error).message}`);
        clearTimeout(hardDeadline);
        finish(1);
      });
    };
    const finish = (code: number) => {
      for (const f of pidFiles) removePid(f);
      log.info('Stopped');
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const) process.removeAllListeners(s);
      resolve(code);
      // Whatever handle might still be open, a stop must end the process promptly.
      setTimeout(() => process.exit(code), 200).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      log.info('Reloading');
      const next = loadAndCheck(options.configFile, options.configId);
      logDiagnostics(log, next.diagnostics);
      if (next.exitStatus !== 0) {
        log.error(`reload: ${options.configFile} has errors; keeping the running configuration`);
        return;
      }
      // Applying a new config in place is not built yet: say so rather than pretend.
      log.warn('reload: the new configuration checks good, but applying it needs a restart in this version; keeping the running configuration');
    });
    // keepalived's fixed paths; VIPKEEPER_DUMP_DIR moves them (tests running side by side).
    const dumpDir = process.env['VIPKEEPER_DUMP_DIR'] ?? '/tmp';
    process.on('SIGUSR1', () => dump(`${dumpDir}/keepalived.data`, daemon.snapshot(), log));
    process.on('SIGUSR2', () => dump(`${dumpDir}/keepalived.stats`, daemon.snapshot(), log));
  });
}

function dump(path: string, data: unknown, log: Logger): void {
  try {
    writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
  } catch (err) {
    log.warn(`cannot write ${path}: ${(err as Error).message}`);
  }
}
