// Runs notify scripts at the edge, one at a time per instance or group, in
// the order they were submitted.
//
// keepalived forks notify scripts and does not wait for them, so two quick
// transitions can run notify_backup and notify_master at the same time, in
// either order. We keep per-key order instead: a script starts only when the
// previous one for the same key has exited or been killed. To keep that
// from stalling, every script has a timeout (keepalived has none, except 1 s
// for notify_stop and the generic notify of STOP, which it kills with the
// process group; we do the same). Each key's queue is bounded: when full,
// the newest submission is dropped and counted.
import type { Limiter } from '../track/limiter.ts';
import { runInGroup, type GroupRunOutcome } from '../track/spawn-group.ts';

export interface NotifyJob {
  readonly argv: readonly string[];
  readonly uid?: number;
  readonly gid?: number;
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
  readonly timeoutMs: number;
  /** keepalived: 1000. */
  readonly stopTimeoutMs: number;
  readonly maxQueuePerKey: number;
  readonly onResult?: (r: NotifyJobResult) => void;
  readonly onDrop?: (key: string, job: NotifyJob, why: 'queueFull' | 'limiterFull' | 'stopped') => void;
}

interface Lane { readonly queue: NotifyJob[]; running: Promise<void> | null }

export class NotifyScriptRunner {
  readonly #opts: NotifyRunnerOptions;
  readonly #lanes = new Map<string, Lane>();
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
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Drops what is queued; lets the running scripts finish (each is bounded by its timeout). */
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
        try {
          const outcome = await this.#run(job);
          this.#opts.onResult?.({ key, job, outcome });
        } finally {
          release();
        }
      }
    } finally {
      lane.running = null;
    }
  }

  async #run(job: NotifyJob): Promise<GroupRunOutcome> {
    try {
      const run = runInGroup({
        argv: job.argv,
        timeoutMs: job.stop ? this.#opts.stopTimeoutMs : this.#opts.timeoutMs,
        ...(job.uid !== undefined ? { uid: job.uid } : {}),
        ...(job.gid !== undefined ? { gid: job.gid } : {}),
      });
      return await run.done;
    } catch (error) {
      return { kind: 'error', error: error as Error };
    }
  }
}
