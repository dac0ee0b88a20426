// A lab of hosts in network namespaces on one bridge, for tests, the demo and
// the benchmarks. Everything is named with a prefix unique to the run and is
// removed by cleanup(), which also runs on process exit and on SIGINT/SIGTERM.
// Nothing is ever created in the machine's own namespace: links are made with
// `ip -n <ns>` directly inside the lab's namespaces.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface HostSpec {
  readonly name: string; // short: r1, r2, client
  readonly ipv4?: string; // with prefix length, e.g. 10.77.0.1/24
  readonly ipv6?: string; // e.g. fd00:77::1/64
  readonly mac?: string;
}

export interface LabHost {
  readonly name: string;
  readonly ns: string;
  readonly ifname: string; // always eth0 inside the host namespace
  readonly ipv4: string | null; // without prefix length
  readonly ipv6: string | null;
}

let labCounter = 0;

export class Lab {
  readonly prefix: string;
  readonly bridgeNs: string;
  readonly hosts = new Map<string, LabHost>();
  readonly #children = new Set<ChildProcess>();
  #cleaned = false;
  readonly #onExit = () => this.cleanup();
  readonly #onSignal = (sig: NodeJS.Signals) => { this.cleanup(); process.kill(process.pid, sig); };

  constructor(tag = 'lab') {
    this.prefix = `vk${process.pid}${tag}${labCounter++}`;
    this.bridgeNs = `${this.prefix}-br`;
    process.once('exit', this.#onExit);
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  /** Creates the bridge namespace and every host. Throws (after cleaning up) if anything fails. */
  static create(hosts: readonly HostSpec[], tag?: string): Lab {
    const lab = new Lab(tag);
    try {
      lab.#createBridge();
      for (const h of hosts) lab.addHost(h);
    } catch (e) {
      lab.cleanup();
      throw e;
    }
    return lab;
  }

  #createBridge(): void {
    ip('netns', 'add', this.bridgeNs);
    ip('-n', this.bridgeNs, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0');
    ip('-n', this.bridgeNs, 'link', 'set', 'br0', 'up');
    ip('-n', this.bridgeNs, 'link', 'set', 'lo', 'up');
  }

  addHost(spec: HostSpec): LabHost {
    const ns = `${this.prefix}-${spec.name}`;
    ip('netns', 'add', ns);
    const host: LabHost = {
      name: spec.name, ns, ifname: 'eth0',
      ipv4: spec.ipv4?.split('/')[0] ?? null,
      ipv6: spec.ipv6?.split('/')[0] ?? null,
    };
    this.hosts.set(spec.name, host);
    sysctl(ns, 'net.ipv6.conf.all.accept_dad', '0');
    sysctl(ns, 'net.ipv6.conf.default.accept_dad', '0');
    sysctl(ns, 'net.ipv6.conf.default.dad_transmits', '0');
    ip('-n', this.bridgeNs, 'link', 'add', 'name', spec.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('-n', this.bridgeNs, 'link', 'set', 'dev', spec.name, 'master', 'br0', 'up');
    if (spec.mac) ip('-n', ns, 'link', 'set', 'eth0', 'address', spec.mac);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    if (spec.ipv4) ip('-n', ns, 'addr', 'add', spec.ipv4, 'dev', 'eth0');
    if (spec.ipv6) ip('-n', ns, 'addr', 'add', spec.ipv6, 'dev', 'eth0', 'nodad');
    return host;
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`lab: no host ${name}`);
    return h;
  }

  /** Runs a command inside a host's namespace and returns stdout (throws on non-zero exit). */
  exec(host: string, argv: readonly string[], timeoutMs = 10_000): string {
    return execFileSync('ip', ['netns', 'exec', this.host(host).ns, ...argv], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Like exec but never throws: returns status and output. */
  tryExec(host: string, argv: readonly string[], timeoutMs = 10_000): { status: number; stdout: string; stderr: string } {
    try {
      return { status: 0, stdout: this.exec(host, argv, timeoutMs), stderr: '' };
    } catch (e) {
      const err = e as { status?: number; stdout?: string; stderr?: string };
      return { status: err.status ?? 1, stdout: String(err.stdout ?? ''), stderr: String(err.stderr ?? '') };
    }
  }

  /** Starts a long-running process inside a host's namespace; it is killed (by PID) at cleanup. */
  spawn(host: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.host(host).ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Sets a host's eth0 down/up from the bridge side (carrier loss) or inside (admin). */
  setLink(host: string, up: boolean, side: 'host' | 'bridge' = 'host'): void {
    if (side === 'host') ip('-n', this.host(host).ns, 'link', 'set', 'eth0', up ? 'up' : 'down');
    else ip('-n', this.bridgeNs, 'link', 'set', 'dev', host, up ? 'up' : 'down');
  }

  cleanup(): void {
    if (this.#cleaned) return;
    this.#cleaned = true;
    process.removeListener('exit', this.#onExit);
    process.removeListener('SIGINT', this.#onSignal);
    process.removeListener('SIGTERM', this.#onSignal);
    for (const child of this.#children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    // A process started with `ip netns exec` keeps the namespace busy but not
    // alive; kill whatever still runs inside our namespaces (by PID, from `ip netns pids`).
    for (const ns of [...[...this.hosts.values()].map((h) => h.ns), this.bridgeNs]) {
      killNamespacePids(ns);
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
  }
}

function killNamespacePids(ns: string): void {
  let pids: string[] = [];
  try { pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean); } catch { return; }
  for (const pid of pids) {
    try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
  }
}

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
}

function sysctl(ns: string, key: string, value: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${key}=${value}`], { stdio: 'ignore' });
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000, stepMs = 20): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
