// A client that pings the VIP at a fixed interval from inside a lab host and
// records when replies arrive, so a failover's client-visible gap can be measured.
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.ts';

export class Pinger {
  readonly replies: number[] = []; // performance.now() of each reply line
  readonly #child: ChildProcess;

  constructor(lab: Lab, host: string, target: string, intervalS = 0.005) {
    const family = target.includes(':') ? '-6' : '-4';
    this.#child = lab.spawn(host, ['ping', family, '-n', '-i', String(intervalS), '-W', '1', target]);
    let rest = '';
    this.#child.stdout?.on('data', (buf: Buffer) => {
      const now = performance.now();
      const text = rest + buf.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (/bytes from/.test(line)) this.replies.push(now);
    });
  }

  /** Largest gap between consecutive replies after `since` (ms, performance.now() clock). */
  largestGapAfter(since: number): { gapMs: number; resumedAt: number | null } {
    let prev = [...this.replies].reverse().find((t) => t <= since) ?? since;
    let gapMs = 0;
    let resumedAt: number | null = null;
    for (const t of this.replies) {
      if (t <= since) continue;
      if (t - prev > gapMs) { gapMs = t - prev; resumedAt = t; }
      prev = t;
    }
    return { gapMs, resumedAt };
  }

  stop(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, 'SIGKILL');
  }
}
