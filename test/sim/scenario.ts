// A small vocabulary for the named scenarios: build routers from instance
// specs, start them, script faults at given times, and ask who is master.
// Every scenario runs under the same Checker as the random swarm.
import { World, type NodeSpec, type TransitionRecord } from './world.ts';
import { Checker } from './checkers.ts';
import { instanceConfig, type InstanceSpec } from './config.ts';
import { CLEAN_PATH, type PathParams } from './lan.ts';
import type { SyncGroupConfig } from '../../src/vrrp/router.ts';

export interface RouterSpec {
  readonly instances: ReadonlyArray<Omit<InstanceSpec, 'router'>>;
  readonly groups?: readonly SyncGroupConfig[];
  readonly clockRate?: number;
}

export interface ScenarioOptions {
  readonly seed?: number;
  readonly path?: PathParams;
}

export class Scenario {
  readonly world: World;
  readonly checker: Checker;

  constructor(routers: readonly RouterSpec[], o: ScenarioOptions = {}) {
    const nodes: NodeSpec[] = routers.map((r, i) => ({
      instances: r.instances.map((s) => instanceConfig({ ...s, router: i })),
      groups: r.groups ?? [],
      clockRate: r.clockRate ?? 1,
    }));
    this.world = new World({ seed: o.seed ?? 1, nodes, path: o.path ?? CLEAN_PATH, traceSize: 400 });
    this.checker = new Checker(this.world);
  }

  /** Schedules `fn` at atMs (global simulated time). */
  at(atMs: number, label: string, fn: (w: World) => void): this {
    this.world.at(atMs, label, () => fn(this.world));
    return this;
  }

  startAll(atMs = 0, staggerMs = 0): this {
    this.world.nodes.forEach((n, i) => this.at(atMs + i * staggerMs, `start ${n.name}`, (w) => w.start(i)));
    return this;
  }

  /** Runs to atMs; a violated invariant throws with the recent trace attached. */
  runUntil(atMs: number): this {
    try {
      this.world.runUntil(atMs);
    } catch (e) {
      if (e instanceof Error) e.message += `\n\nlast events:\n${this.world.trace.format(80)}`;
      throw e;
    }
    return this;
  }

  /** Names of the routers that are MASTER for vrid, e.g. ['r2']. */
  masters(vrid: number): string[] {
    return this.world.mastersOf(vrid).map((n) => n.name);
  }

  /** Which router the host would send traffic for vip to, by MAC. */
  hostSendsTo(vip: string): string | null {
    const mac = this.world.host.macFor(vip);
    return this.world.nodes.find((n) => n.mac === mac)?.name ?? null;
  }

  transitions(filter: Partial<TransitionRecord> = {}): TransitionRecord[] {
    return this.world.transitions.filter((t) => Object.entries(filter).every(([k, v]) => t[k as keyof TransitionRecord] === v));
  }

  /** The first time `node` became MASTER at or after fromMs, or null. */
  becameMasterAt(node: string, fromMs = 0): number | null {
    return this.world.transitions.find((t) => t.node === node && t.to === 'MASTER' && t.atMs >= fromMs)?.atMs ?? null;
  }
}
