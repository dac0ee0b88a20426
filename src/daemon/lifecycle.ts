// Start-up, signals and graceful stop (keepalived's, for operators' muscle memory):
//   SIGTERM / SIGINT  graceful stop: priority 0 adverts, VIPs released, exit 0
//   SIGHUP            reload: instances carry on in their state; a config that fails to check keeps the old one running
//   SIGUSR1 / SIGUSR2 write /tmp/keepalived.data / /tmp/keepalived.stats (JSON here)
// vipkeeper is one process: -p and -r name the same PID. It always runs in
// the foreground (systemd Type=notify); -n is accepted for compatibility.
import type { CliOptions } from '../cli/options.ts';
import { loadAndCheck } from '../config/load.ts';
import { createLogger, type Logger } from '../observe/logger.ts';
import { sdNotify } from '../net/sd-notify.ts';
import { monotonicClock } from './clock.ts';
import { Daemon } from './daemon.ts';
import { checkReload, logDiagnostics, replaceDaemon } from './reload.ts';
import { livePid, removePid, writePid } from './pidfile.ts';
import { replaceFile } from '../observe/safe-file.ts';

const DEFAULT_PID = '/run/keepalived.pid';
const DEFAULT_VRRP_PID = '/run/keepalived_vrrp.pid';
const DUMP_MODE = 0o600; // keepalived 2.2.7's dumps, measured


function safeNotify(state: string): void {
  try { sdNotify(state); } catch { /* no systemd listening: nothing to tell */ }
}

export async function runDaemon(options: CliOptions): Promise<number> {
  // Signal handlers first, before anything slow: without one, SIGUSR1 would
  // open Node's inspector on 127.0.0.1:9229 in a root process, and SIGHUP or
  // SIGUSR2 would kill it with no cleanup. Until the daemon runs they only queue.
  const signals = new SignalRouter();
  const human = options.logConsole && !options.jsonLogs && (process.stdout.isTTY === true || process.env['VIPKEEPER_LOG_HUMAN'] === '1');
  const log = createLogger({ human, detail: options.logDetail });
  const checked = loadAndCheck(options.configFile, options.configId);
  logDiagnostics(log, checked.diagnostics);
  if (checked.diagnostics.some((d) => d.impact === 'fatal')) {
    log.error(`Stopping: ${options.configFile} cannot be used`);
    return signals.exit(1);
  }
  const pidFiles = [...new Set([options.pidFile ?? DEFAULT_PID, options.vrrpPidFile ?? DEFAULT_VRRP_PID])];
  if (!claimPidFiles(pidFiles, log)) return signals.exit(1);
  log.info(`Starting VRRP child process, pid=${process.pid}`);
  log.info(`Opening file '${options.configFile}'.`);

  let daemon = new Daemon({ config: checked.config, log, clock: monotonicClock, releaseOnStop: !options.dontReleaseVrrp });
  // A stop signal stays queued until start-up is over; during a
  // vrrp_startup_delay that could be long, so it also cuts the delay short.
  signals.onQueuedStop(() => daemon.cutStartupDelay());
  try {
    await daemon.start();
  } catch (err) {
    log.error({ err }, `cannot start: ${(err as Error).message}`);
    await daemon.stop().catch((e: unknown) => log.error({ err: e }, `cleanup after the failed start: ${(e as Error).message}`));
    for (const f of pidFiles) removePid(f);
    return signals.exit(1);
  }
  safeNotify('READY=1\nSTATUS=VRRP running');

  let running = checked.config;
  // Reloads run one at a time, and a stop waits for the one in progress.
  let busy: Promise<void> = Promise.resolve();
  const reloadNow = async () => {
    const next = checkReload(options, log);
    if (next === null) return;
    safeNotify('RELOADING=1\nSTATUS=reloading');
    const carried = daemon.carry();
    const fresh = await replaceDaemon(daemon, carried, next, options, log);
    if (fresh !== null) {
      daemon = fresh;
      running = next;
      log.info('Reload complete');
      safeNotify('READY=1\nSTATUS=VRRP running');
      return;
    }
    // The new configuration would not start: bring the old one back, carrying on.
    log.error('reload: the new configuration failed to start; going back to the previous one');
    daemon = (await replaceDaemon(null, carried, running, options, log)) ?? daemon;
    safeNotify('READY=1\nSTATUS=VRRP running');
  };

  return await new Promise<number>((resolve) => {
    let stopping = false;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      for (const f of pidFiles) removePid(f);
      log.info('Stopped');
      resolve(signals.exit(code));
    };
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`Stopping (${sig})`);
      safeNotify('STOPPING=1');
      const hardDeadline = setTimeout(() => { log.error('stop took too long; exiting'); finish(1); }, 6000);
      void busy.then(() => daemon.stop()).then(() => { clearTimeout(hardDeadline); finish(0); }, (err: unknown) => {
        log.error({ err }, `error while stopping: ${(err as Error).message}`);
        clearTimeout(hardDeadline);
        finish(1);
      });
    };
    // keepalived's fixed paths, in $TMPDIR when it is absolute (keepalived's
    // set_tmp_dir); VIPKEEPER_DUMP_DIR moves them too (tests running side by side).
    const tmpdir = process.env['TMPDIR']?.startsWith('/') ? process.env['TMPDIR'] : '/tmp';
    const dumpDir = process.env['VIPKEEPER_DUMP_DIR'] ?? tmpdir;
    signals.route({
      SIGTERM: () => stop('SIGTERM'),
      SIGINT: () => stop('SIGINT'),
      SIGHUP: () => { if (!stopping) busy = busy.then(reloadNow, reloadNow); },
      SIGUSR1: () => dump(`${dumpDir}/keepalived.data`, daemon.snapshot(), log),
      SIGUSR2: () => dump(`${dumpDir}/keepalived.stats`, daemon.snapshot(), log),
    });
  });
}

type Handled = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGUSR1' | 'SIGUSR2';
const HANDLED: readonly Handled[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];

/**
 * Owns the process's signal listeners from the first line of runDaemon to the
 * exit: signals that arrive before the daemon runs are queued and delivered
 * once it does (a stop requested during start-up waits for start-up to end).
 */
class SignalRouter {
  readonly #queued: Handled[] = [];
  #handlers: Partial<Record<Handled, () => void>> | null = null;
  #onQueuedStop: (() => void) | null = null;
  readonly #listener = (sig: Handled) => {
    if (this.#handlers) {
      this.#handlers[sig]?.();
      return;
    }
    if (this.#queued.length < 16) this.#queued.push(sig);
    if (sig === 'SIGTERM' || sig === 'SIGINT') this.#onQueuedStop?.();
  };

  /** Called when SIGTERM/SIGINT arrives before routing starts (it is queued as well). */
  onQueuedStop(fn: () => void): void {
    this.#onQueuedStop = fn;
  }

  constructor() {
    for (const s of HANDLED) process.on(s, this.#listener);
  }

  route(handlers: Partial<Record<Handled, () => void>>): void {
    this.#handlers = handlers;
    for (const sig of this.#queued.splice(0)) handlers[sig]?.();
  }

  /**
   * Ends routing and schedules the exit. The listeners stay installed (as
   * no-ops) until the process is gone, so a late SIGUSR1 still cannot open
   * the inspector and a late SIGTERM cannot change the exit status.
   */
  exit(code: number): number {
    this.#handlers = {};
    // Whatever handle might still be open, the process must end promptly.
    setTimeout(() => process.exit(code), 200).unref();
    return code;
  }
}

/**
 * Refuses to start when a pid file names a live process or is a path we must
 * not use (a symlink: pidfile.ts), then writes ours; on failure removes those
 * already written and says why.
 */
function claimPidFiles(pidFiles: readonly string[], log: Logger): boolean {
  const written: string[] = [];
  try {
    for (const f of pidFiles) {
      const other = livePid(f);
      if (other !== null) {
        log.error(`daemon is already running (pid ${other} in ${f})`);
        return false;
      }
    }
    for (const f of pidFiles) {
      writePid(f);
      written.push(f);
    }
    return true;
  } catch (err) {
    log.error((err as Error).message);
    for (const f of written) removePid(f);
    return false;
  }
}

/**
 * Writes a dump as root without following anything planted at its fixed path
 * in /tmp (keepalived's CVE-2018-19044/19046): a fresh file, mode 0600 as
 * keepalived's, renamed over the path (src/observe/safe-file.ts).
 */
function dump(path: string, data: unknown, log: Logger): void {
  try {
    replaceFile(path, JSON.stringify(data, null, 2) + '\n', DUMP_MODE);
  } catch (err) {
    log.warn(`Can't open dump file ${path} (${(err as Error).message})`);
  }
}
