// A tcpdump capture inside a lab host, for the on-the-wire checks of the
// daemon tests. start() resolves only once tcpdump says "listening on", so a
// capture can never miss packets because it started late; stop() ends it by
// its PID and returns the frames it wrote (kernel receive timestamps).
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { waitFor, type Lab } from './lab.ts';
import { readPcap, type PcapRecord } from './pcap.ts';

let captureCounter = 0;

export class Capture {
  readonly file: string;
  readonly #child: ChildProcess;
  #stderr = '';
  #records: PcapRecord[] | null = null;

  private constructor(lab: Lab, host: string, filter: string, ifname: string) {
    this.file = join(tmpdir(), `${lab.prefix}-${host}-cap${captureCounter++}.pcap`);
    // --immediate-mode: libpcap hands each packet over at once (by default it
    // waits for a ring-buffer block to fill or time out, and a SIGINT then
    // drops what waits: "13 packets received by filter, 0 captured");
    // -U: each packet is written to the file at once.
    this.#child = lab.spawn(host, ['tcpdump', '-n', '--immediate-mode', '-U', '-i', ifname, '-w', this.file, filter]);
    this.#child.stderr?.on('data', (b: Buffer) => { this.#stderr += b.toString(); });
  }

  static async start(lab: Lab, host: string, filter: string, ifname = 'eth0', timeoutMs = 10_000): Promise<Capture> {
    const c = new Capture(lab, host, filter, ifname);
    try {
      await waitFor(`tcpdump on ${host} to listen`, () => {
        if (c.#child.exitCode !== null) throw new Error(`tcpdump on ${host} exited ${c.#child.exitCode}: ${c.#stderr}`);
        return /listening on/.test(c.#stderr);
      }, timeoutMs, 10);
    } catch (e) {
      c.dispose();
      throw e;
    }
    return c;
  }

  /** Stops tcpdump (SIGINT to its PID: `ip netns exec` execs it) and returns what it captured. */
  async stop(timeoutMs = 5000): Promise<PcapRecord[]> {
    if (this.#records !== null) return this.#records;
    if (this.#child.exitCode === null && this.#child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
      process.kill(this.#child.pid, 'SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, timeoutMs))]);
      if (this.#child.exitCode === null) throw new Error(`tcpdump did not stop within ${timeoutMs} ms`);
    }
    this.#records = readPcap(new Uint8Array(readFileSync(this.file))).records;
    return this.#records;
  }

  /** Kills tcpdump if it still runs and removes the file; safe to call twice. */
  dispose(): void {
    if (this.#child.exitCode === null && this.#child.pid !== undefined) {
      try { process.kill(this.#child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    rmSync(this.file, { force: true });
  }
}

/** The IPv4 protocol number of an Ethernet frame, or null if it is not IPv4. */
export function ipv4Proto(frame: Uint8Array): number | null {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00) return null;
  return frame[23]!;
}

const dotted = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** Source and destination of an IPv4 frame. */
export function ipv4Addrs(frame: Uint8Array): { src: string; dst: string } {
  return { src: dotted(frame, 26), dst: dotted(frame, 30) };
}

/** A gratuitous ARP in an Ethernet frame: an ARP request whose sender and target IP are both `vip`. */
export function isGarpFor(frame: Uint8Array, vip: string): boolean {
  if (frame.length < 42 || frame[12] !== 0x08 || frame[13] !== 0x06) return false;
  const opRequest = frame[20] === 0 && frame[21] === 1;
  return opRequest && dotted(frame, 28) === vip && dotted(frame, 38) === vip;
}

/**
 * Groups timestamps (µs) into bursts: a gap longer than `gapUs` starts a new
 * burst. Returns each burst's timestamps.
 */
export function bursts(timesUs: readonly number[], gapUs: number): number[][] {
  const out: number[][] = [];
  for (const t of [...timesUs].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last !== undefined && t - last.at(-1)! <= gapUs) last.push(t);
    else out.push([t]);
  }
  return out;
}

/** Source address and priority of a VRRP advert over IPv4 in an Ethernet frame, or null. */
export function vrrpAdvert(frame: Uint8Array): { src: string; dst: string; priority: number; addrCount: number } | null {
  if (ipv4Proto(frame) !== 112) return null;
  const ihl = (frame[14]! & 0x0f) * 4;
  const vrrp = 14 + ihl;
  if (frame.length < vrrp + 8) return null;
  return { ...ipv4Addrs(frame), priority: frame[vrrp + 2]!, addrCount: frame[vrrp + 3]! };
}
