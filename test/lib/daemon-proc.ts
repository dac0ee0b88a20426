// Starts bin/vipkeeper inside a lab host and follows its log lines, so tests,
// the demo and the benchmarks can wait for "(VI_1) Entering MASTER STATE".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.ts';

export const REPO = resolve(new URL('../..', import.meta.url).pathname);
export const VIPKEEPER = join(REPO, 'bin/vipkeeper');

export interface LogLine {
  readonly at: number; // performance.now() when read
  readonly text: string;
}

export class DaemonProc {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly dir: string;
  #waiters: Array<() => void> = [];

  constructor(lab: Lab, host: string, config: string, extraArgs: readonly string[] = [], program: 'vipkeeper' | 'keepalived' = 'vipkeeper', env: Record<string, string> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), `vk${process.pid}-${host}-`));
    const conf = join(this.dir, 'keepalived.conf');
    writeFileSync(conf, config);
    const argv = program === 'vipkeeper'
      ? [VIPKEEPER, '-n', '-l', '-P', '-f', conf, '-p', join(this.dir, 'pid'), '-r', join(this.dir, 'vrrp.pid'), ...extraArgs]
      : ['/usr/sbin/keepalived', '-n', '-l', '-P', '-f', conf, '-p', join(this.dir, 'pid'), '-r', join(this.dir, 'vrrp.pid'), ...extraArgs];
    this.child = lab.spawn(host, argv, { env: { ...process.env, VIPKEEPER_LOG_HUMAN: '1', VIPKEEPER_DUMP_DIR: this.dir, ...env } });
    const onData = (buf: Buffer) => {
      for (const text of buf.toString('utf8').split('\n')) {
        if (text.trim() === '') continue;
        this.lines.push({ at: performance.now(), text });
        if (process.env.VIPKEEPER_TEST_VERBOSE) process.stderr.write(`[${host}] ${text}\n`);
      }
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
  }

  /** Resolves with the first log line (from index `from`) matching `re`. */
  async waitForLine(re: RegExp, timeoutMs = 10_000, from = 0): Promise<LogLine> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.slice(from).find((l) => re.test(l.text));
      if (hit) return hit;
      const left = deadline - performance.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`no log line matching ${re} within ${timeoutMs} ms (exit ${this.child.exitCode}); log:\n${this.lines.map((l) => l.text).join('\n')}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.#waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      // `ip netns exec` execs the program, so this PID is the daemon itself.
      try { process.kill(this.child.pid, sig); } catch { /* exited meanwhile */ }
    }
  }

  async exited(timeoutMs = 5000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms`)), timeoutMs);
      this.child.once('exit', (code) => { clearTimeout(t); resolve(code); });
    });
  }

  /** The state the last "Entering ... STATE" line of `instance` names, or null before the first. */
  state(instance = 'VI_1'): string | null {
    const re = new RegExp(`\\(${instance}\\) Entering (\\w+) STATE`);
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const m = re.exec(this.lines[i]!.text);
      if (m) return m[1]!;
    }
    return null;
  }

  /** The "Entering ... STATE" lines logged from index `from` on. */
  stateLines(from = 0): string[] {
    return this.lines.slice(from).map((l) => l.text).filter((t) => / Entering \w+ STATE/.test(t));
  }

  log(): string {
    return this.lines.map((l) => l.text).join('\n');
  }

  cleanup(): void {
    this.signal('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** True when `addr` is configured on the host's interfaces. */
export function hasAddress(lab: Lab, host: string, addr: string): boolean {
  const out = lab.tryExec(host, ['ip', '-j', 'addr', 'show']).stdout;
  try {
    const links = JSON.parse(out) as Array<{ addr_info?: Array<{ local?: string }> }>;
    return links.some((l) => (l.addr_info ?? []).some((a) => a.local === addr));
  } catch {
    return false;
  }
}
