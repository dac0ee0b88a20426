// Wires the trackers to the core: vrrp_script runners, track_interface from
// link events, and track_file values. Each reports (id, state) and the
// daemon feeds router.tracker(); the core derives the priority (STYLE rule 7).
import type { Config } from '../config/model.ts';
import type { Logger } from '../observe/logger.ts';
import type { Millis } from '../base/units.ts';
import { ScriptRunner, type CarriedScript } from '../track/script-runner.ts';
import { describeRefusal } from '../track/spawn-group.ts';
import { carryOverHysteresis, statusOf } from '../track/hysteresis.ts';
import type { Limiter } from '../track/limiter.ts';
import { FileTracker, initTrackFile } from '../track/file-tracker.ts';
import { ProcessTracker } from '../track/process-tracker.ts';

/** How often /proc is rescanned for vrrp_track_process (see process-tracker.ts). */
const PROCESS_SCAN_MS = 500;
import { trackerId } from './assemble.ts';
import type { ScriptPlan } from '../config/validate-scripts.ts';

export interface TrackerSink {
  /** A boolean tracker (script, interface) changed. */
  up(id: string, up: boolean): void;
  /** A track_file's value changed. */
  value(id: string, value: number): void;
}

/** Names of trackers actually referenced by an instance or a sync group: only those run. */
function referenced(config: Config, kind: 'script' | 'file' | 'interface' | 'process'): Set<string> {
  const names = new Set<string>();
  for (const i of config.instances) for (const t of i.tracks) if (t.kind === kind) names.add(t.name);
  for (const g of config.syncGroups) for (const t of g.tracks) if (t.kind === kind) names.add(t.name);
  return names;
}

export class Trackers {
  readonly #scripts: ScriptRunner;
  readonly #files: FileTracker[] = [];
  /** Reported before the first check: init_fail scripts down, as keepalived starts them; after a reload, the carried state. */
  readonly #initial: Array<[string, boolean]> = [];
  #processes: ProcessTracker | null = null;
  readonly #config: Config;
  readonly #log: Logger;
  readonly #sink: TrackerSink;

  /** `carried`: script states from the configuration a reload replaces (id → up). */
  /** `plan`: who runs each script, and which may run at all (config/validate-scripts.ts). */
  constructor(config: Config, plan: ScriptPlan, log: Logger, limiter: Limiter, now: () => Millis, sink: TrackerSink, carried: ReadonlyMap<string, CarriedScript> = new Map()) {
    this.#config = config;
    this.#log = log;
    this.#sink = sink;
    this.#scripts = new ScriptRunner({
      now, limiter,
      onChange: (c) => {
        const name = c.id.slice('script:'.length);
        log.info(`VRRP_Script(${name}) ${c.up ? 'succeeded' : 'failed'}`);
        sink.up(c.id, c.up);
      },
      onSkip: (id, reason) => log.debug(`${id}: check skipped (${reason})`),
      onResult: (r) => {
        if (r.outcome.kind === 'refused') log.error(describeRefusal(r.outcome, argvOf.get(r.id) ?? r.id));
      },
    });
    const argvOf = new Map<string, string>();
    const wanted = referenced(config, 'script');
    for (const s of config.scripts) {
      if (!wanted.has(s.name) || !s.script) continue;
      // Unresolvable user, not found, not executable or insecure: the check said
      // so (with file:line) a moment ago; such a script never runs, as anyone.
      const run = plan.get(s.script);
      if (run === null) {
        log.warn(`VRRP_Script(${s.name}) disabled: not run`);
        continue;
      }
      const id = trackerId('script', s.name);
      argvOf.set(id, run.argv[0]!);
      const hysteresis = { rise: s.rise, fall: s.fall, initFail: s.initFail };
      const was = carried.get(id);
      const status = was === undefined ? null : statusOf(carryOverHysteresis(was.state, was.hysteresis, hysteresis), hysteresis);
      if (status === 'up' || status === 'down') this.#initial.push([id, status === 'up']);
      else if (was === undefined && s.initFail) this.#initial.push([id, false]);
      this.#scripts.add({
        id,
        ...(was === undefined ? {} : { carried: was }),
        argv: run.argv,
        ids: run.ids,
        intervalMs: s.intervalMs,
        timeoutMs: s.timeoutMs,
        hysteresis,
      });
    }
  }

  /** Each script's counter, for a reload to carry over (keepalived keeps a script's result by name). */
  scriptStates(): Map<string, CarriedScript> {
    const out = new Map<string, CarriedScript>();
    for (const s of this.#config.scripts) {
      const c = this.#scripts.carry(trackerId('script', s.name));
      if (c !== undefined) out.set(trackerId('script', s.name), c);
    }
    return out;
  }

  /** Interfaces named by track_interface: the daemon reports their link state. */
  trackedInterfaces(): Set<string> {
    return referenced(this.#config, 'interface');
  }

  start(): void {
    for (const [id, up] of this.#initial) this.#sink.up(id, up);
    this.#scripts.start();
    this.#startProcesses();
    const wanted = referenced(this.#config, 'file');
    for (const f of this.#config.trackFiles) {
      if (!wanted.has(f.name) || !f.file) continue;
      const id = trackerId('file', f.name);
      try {
        if (f.initValue !== null) initTrackFile(f.file, f.initValue, f.initOverwrite);
        const tracker = new FileTracker({ id, path: f.file, rereadMs: 1000 }, (c) => {
          this.#log.info(`Track file ${f.name} value now ${c.value}`);
          this.#sink.value(c.id, c.value);
        });
        this.#files.push(tracker);
        this.#sink.value(id, tracker.start());
      } catch (err) {
        this.#log.error({ err }, `track_file ${f.name}: ${(err as Error).message}`);
      }
    }
  }

  #startProcesses(): void {
    const wanted = referenced(this.#config, 'process');
    const tracked = this.#config.trackProcesses.filter((p) => wanted.has(p.name) && p.process.length > 0).map((p) => {
      const params = p.process.slice(1);
      return {
        id: trackerId('process', p.name),
        // keepalived: no parameters given means any parameters match.
        spec: { name: p.process[0]!, params, paramMatch: params.length === 0 ? 'none' as const : p.paramMatch, fullCommand: p.fullCommand, quorum: p.quorum, quorumMax: p.quorumMax },
        forkDelayMs: p.forkDelayMs,
        terminateDelayMs: p.terminateDelayMs,
      };
    });
    if (tracked.length === 0) return;
    this.#processes = new ProcessTracker(tracked, PROCESS_SCAN_MS, (c) => {
      this.#log.info(`Quorum ${c.up ? 'gained' : 'lost'} for tracked process ${c.id.slice('process:'.length)}`);
      this.#sink.up(c.id, c.up);
    });
    this.#processes.start();
  }

  async stop(): Promise<void> {
    this.#processes?.stop();
    for (const f of this.#files) f.stop();
    await this.#scripts.stop();
  }
}
