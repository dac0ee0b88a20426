// Runs notify scripts at the edge, one at a time per instance or group, in
// the order they were submitted.
//
// keepalived 2.2.7 forks notify scripts and never times them out (measured:
// a 40 s notify_master hook runs to its end), except notify_stop and the
// generic notify of STOP, whose process group it SIGKILLs after 1 s. We do
// the same: `timeoutMs` null means never killed.
// keepalived does not wait for one script before the next, so two quick
// transitions can run notify_backup and notify_master at the same time, in
// either order. We keep per-key order instead: a script starts when the
// previous one for the same key has exited, or after `orderWaitMs` if it is
// still running (it is left running, never killed for that), so a long hook
// cannot hold back the notifications after it for ever. Each key's queue is
// bounded: when full, the newest submission is dropped and counted.
import type { Limiter } from '../track/limiter.ts';
import { runInGroup, type GroupRunOutcome, type RunIds } from '../track/spawn-group.ts';

export interface NotifyJob {
  readonly argv: readonly string[];
  /** Who it runs as (config/validate-scripts.ts); never defaulted here. */
  readonly ids: RunIds;
  /** A STOP notification: keepalived gives these 1 s. */
  readonly stop?: boolean;
}

export interface NotifyJobResult {
  readonly key: string;
  readonly job: NotifyJob;
  readonly outcome: GroupRunOutcome;
}

export interface NotifyRunnerOptions {
  readonly limiter: Limiter;
  /** Kill (SIGTERM, then SIGKILL) after this long; null = never, as keepalived. */
  readonly timeoutMs: number | null;
  /** STOP notifications: SIGKILL to the group after this long. keepalived: 1000. */
  readonly stopTimeoutMs: number;
  /** How long the next script of a key waits for the previous one; null = until it exits. */
  readonly orderWaitMs?: number | null;
  readonly maxQueuePerKey: number;
  readonly onResult?: (r: NotifyJobResult) => void;
  readonly onDrop?: (key: string, job: NotifyJob, why: 'queueFull' | 'limiterFull' | 'stopped') => void;
}

interface Lane { readonly queue: NotifyJob[]; running: Promise<void> | null }

export class NotifyScriptRunner {
  readonly #opts: NotifyRunnerOptions;
  readonly #lanes = new Map<string, Lane>();
  /** Scripts still running, also those a lane stopped waiting for. */
  readonly #scripts = new Set<Promise<void>>();
  #stopped = false;
  dropped = 0;

  constructor(opts: NotifyRunnerOptions) {
    if (!(opts.maxQueuePerKey >= 1)) throw new RangeError('maxQueuePerKey must be >= 1');
    this.#opts = opts;
  }

  /** Queues `jobs` for `key` (an instance or group name), after anything already queued. */
  submit(key: string, jobs: readonly NotifyJob[]): void {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { queue: [], running: null };
      this.#lanes.set(key, lane);
    }
    for (const job of jobs) {
      if (this.#stopped) this.#drop(key, job, 'stopped');
      else if (lane.queue.length >= this.#opts.maxQueuePerKey) this.#drop(key, job, 'queueFull');
      else lane.queue.push(job);
    }
    if (!lane.running && lane.queue.length > 0) lane.running = this.#drain(key, lane);
  }

  /** Resolves when every queue is empty and nothing runs. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.#lanes.values()].map((l) => l.running).filter((p): p is Promise<void> => p !== null);
      running.push(...this.#scripts);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Drops what is queued; waits for the running scripts (the caller bounds the wait). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const [key, lane] of this.#lanes) for (const job of lane.queue.splice(0)) this.#drop(key, job, 'stopped');
    await this.idle();
  }

  #drop(key: string, job: NotifyJob, why: 'queueFull' | 'limiterFull' | 'stopped'): void {
    this.dropped++;
    this.#opts.onDrop?.(key, job, why);
  }

  async #drain(key: string, lane: Lane): Promise<void> {
    try {
      for (let job = lane.queue.shift(); job !== undefined; job = lane.queue.shift()) {
        const wait = this.#opts.limiter.acquire();
        if (wait === null) {
          this.#drop(key, job, 'limiterFull');
          continue;
        }
        const release = await wait;
        const finished = this.#run(job).then((outcome) => this.#opts.onResult?.({ key, job, outcome })).finally(release);
        this.#scripts.add(finished);
        void finished.finally(() => this.#scripts.delete(finished));
        const patience = this.#opts.orderWaitMs ?? null;
        if (patience === null) await finished;
        else {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([finished, new Promise<void>((r) => { timer = setTimeout(r, patience); })]);
          clearTimeout(timer);
        }
      }
    } finally {
      lane.running = null;
    }
  }

  async #run(job: NotifyJob): Promise<GroupRunOutcome> {
    try {
      const run = job.stop
        ? runInGroup({ argv: job.argv, ids: job.ids, timeoutMs: this.#opts.stopTimeoutMs, killAtDeadline: true })
        : runInGroup({ argv: job.argv, ids: job.ids, timeoutMs: this.#opts.timeoutMs });
      return await run.done;
    } catch (error) {
      return { kind: 'error', error: error as Error };
    }
  }
}
