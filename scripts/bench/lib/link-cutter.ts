// Cuts a lab host's link at the bridge without a fork/exec at the moment of
// the cut: an `ip -batch -` is started beforehand in the bridge namespace and
// fed one command line when it is time. (execFileSync('ip', …) at that
// moment took tens of milliseconds on the loaded machine, during which the
// killed master's kernel still answered the client for the VIP.)
import { spawn, type ChildProcess } from 'node:child_process';
import { ip, type Lab } from '../../../test/lib/lab.ts';

export class LinkCutter {
  readonly #child: ChildProcess;
  readonly #lab: Lab;

  constructor(lab: Lab) {
    this.#lab = lab;
    this.#child = spawn('chrt', ['-f', '20', 'ip', '-n', lab.bridgeNs, '-batch', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  }

  cut(host: string): void {
    this.#child.stdin?.write(`link set dev ${host} down\n`);
  }

  /** True once the bridge port of `host` is administratively down. */
  isCut(host: string): boolean {
    const j = JSON.parse(ip('-n', this.#lab.bridgeNs, '-j', 'link', 'show', 'dev', host)) as Array<{ flags: string[] }>;
    return !(j[0]?.flags ?? []).includes('UP');
  }

  stop(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, 'SIGKILL');
  }
}
