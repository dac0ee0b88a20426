// A client pinging the VIP every intervalS, with ping's own wall-clock stamp
// on each reply (-D), so the client-visible gap does not depend on when our
// process reads the pipe (ping's output to a pipe is block-buffered).
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../../../test/lib/lab.ts';
import { onLines } from './lines.ts';

export class StampedPinger {
  readonly repliesS: number[] = [];
  readonly #child: ChildProcess;

  constructor(lab: Lab, host: string, target: string, intervalS = 0.001) {
    this.#child = lab.spawn(host, ['ping', '-4', '-n', '-D', '-i', String(intervalS), '-W', '1', target]);
    onLines(this.#child, 'stdout', (line) => {
      const m = /^\[(\d+\.\d+)\] \d+ bytes from/.exec(line);
      if (m) this.repliesS.push(Number(m[1]));
    });
  }

  /** Largest gap (s) between consecutive replies that ends after fromS and starts before toS. */
  largestGapS(fromS: number, toS: number): number {
    let gap = 0;
    for (let i = 1; i < this.repliesS.length; i++) {
      const a = this.repliesS[i - 1]!;
      const b = this.repliesS[i]!;
      if (b < fromS || a > toS) continue;
      gap = Math.max(gap, b - a);
    }
    return gap;
  }

  stop(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, 'SIGKILL');
  }
}
