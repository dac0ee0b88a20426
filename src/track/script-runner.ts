// vrrp_script at the edge: runs each script every `interval`, kills it (and
// its whole process group) after `timeout`, feeds exit statuses to the pure
// rise/fall counter and reports only up/down changes.
//
// keepalived's behaviour kept: the first check runs at start-up; a check
// whose previous run has not finished is skipped, never overlapped; timeout
// 0 means "the interval"; exit status 0 is success, anything else (another
// status, a signal, a timeout) is failure.
// Differences, on purpose: deadlines are start + k*interval on a monotonic
// clock (keepalived re-arms from the time the timer ran, so it drifts); all
// scripts share one Limiter; a script that cannot be started at all (ENOENT,
// EACCES, or ENOEXEC for a file without a #! line, which keepalived 2.2.7
// counts as a success) counts as a failure, and so does a script that exits
// only after the SIGTERM of its timeout. A timed-out group gets SIGTERM, then
// SIGKILL 2 s later, as in keepalived (spawn-group.ts).
import type { Millis } from '../base/units.ts';
import { carryOverHysteresis, initialHysteresis, statusOf, stepHysteresis, type HysteresisOptions, type HysteresisState, type TrackerStatus } from './hysteresis.ts';
import type { Limiter } from './limiter.ts';
import { runInGroup, type GroupRun, type GroupRunOutcome, type RunIds } from './spawn-group.ts';

export interface CarriedScript {
  readonly state: HysteresisState;
  readonly hysteresis: HysteresisOptions;
}

export interface ScriptCheck {
  /** The tracker id the core knows, e.g. 'script:chk_haproxy'. */
  readonly id: string;
  readonly argv: readonly string[];
  readonly intervalMs: Millis;
  /** 0 = use the interval, as keepalived does. */
  readonly timeoutMs: Millis;
  readonly hysteresis: HysteresisOptions;
  /** The counter a reload carries over from the previous configuration's script of that name. */
  readonly carried?: CarriedScript;
  /** Who it runs as (config/validate-scripts.ts); never defaulted here. */
  readonly ids: RunIds;
}

export interface TrackerChange { readonly id: string; readonly up: boolean }

export interface ScriptResult {
  readonly id: string;
  readonly outcome: GroupRunOutcome;
  readonly success: boolean;
  readonly durationMs: number;
}

export interface ScriptRunnerOptions {
  /** Monotonic milliseconds (daemon/clock.ts). */
  readonly now: () => Millis;
  readonly limiter: Limiter;
  readonly onChange: (change: TrackerChange) => void;
  /** Every finished run, for logs ("Script `x` now returning 1") and metrics. */
  readonly onResult?: (result: ScriptResult) => void;
  /** A check that did not run: still running, or no room in the limiter's queue. */
  readonly onSkip?: (id: string, reason: 'running' | 'queueFull') => void;
}

interface Slot {
  readonly check: ScriptCheck;
  state: HysteresisState;
  anchorMs: number;
  nextMs: number;
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
  run: GroupRun | undefined;
}

export class ScriptRunner {
  readonly #opts: ScriptRunnerOptions;
  readonly #slots = new Map<string, Slot>();
  readonly #inFlight = new Set<Promise<void>>();
  #started = false;
  #stopped = false;

  constructor(opts: ScriptRunnerOptions) {
    this.#opts = opts;
  }

  add(check: ScriptCheck): void {
    if (this.#slots.has(check.id)) throw new Error(`script tracker ${check.id} added twice`);
    if (!(check.intervalMs > 0)) throw new RangeError(`${check.id}: interval must be > 0`);
    if (check.argv.length === 0) throw new RangeError(`${check.id}: empty command`);
    const state = check.carried === undefined ? initialHysteresis(check.hysteresis) : carryOverHysteresis(check.carried.state, check.carried.hysteresis, check.hysteresis);
    const slot: Slot = { check, state, anchorMs: 0, nextMs: 0, timer: undefined, busy: false, run: undefined };
    this.#slots.set(check.id, slot);
    if (this.#started) this.#begin(slot);
  }

  /** What a reload carries over for the script `id`. */
  carry(id: string): CarriedScript | undefined {
    const s = this.#slots.get(id);
    return s ? { state: s.state, hysteresis: s.check.hysteresis } : undefined;
  }

  status(id: string): TrackerStatus | undefined {
    const s = this.#slots.get(id);
    return s ? statusOf(s.state, s.check.hysteresis) : undefined;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const slot of this.#slots.values()) this.#begin(slot);
  }

  /** Stops scheduling, kills every running group, and waits for them to be reaped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const slot of this.#slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.run?.killGroup('SIGKILL');
    }
    await Promise.all([...this.#inFlight]);
  }

  #begin(slot: Slot): void {
    slot.anchorMs = this.#opts.now();
    slot.nextMs = slot.anchorMs;
    this.#tick(slot);
  }

  #arm(slot: Slot): void {
    const now = this.#opts.now();
    const interval = slot.check.intervalMs;
    // Next multiple of the interval after the last deadline that is still ahead:
    // a stalled loop skips missed checks instead of bursting them.
    const k = Math.max(1, Math.floor((now - slot.anchorMs) / interval) + 1);
    slot.nextMs = slot.anchorMs + k * interval;
    slot.timer = setTimeout(() => this.#tick(slot), Math.max(0, slot.nextMs - now));
  }

  #tick(slot: Slot): void {
    slot.timer = undefined;
    if (this.#stopped) return;
    const now = this.#opts.now();
    if (now < slot.nextMs) {
      // Node's timer clock and ours can disagree by a millisecond.
      slot.timer = setTimeout(() => this.#tick(slot), slot.nextMs - now);
      return;
    }
    this.#arm(slot);
    if (slot.busy) {
      this.#opts.onSkip?.(slot.check.id, 'running');
      return;
    }
    const slotWait = this.#opts.limiter.acquire();
    if (slotWait === null) {
      this.#opts.onSkip?.(slot.check.id, 'queueFull');
      return;
    }
    slot.busy = true;
    const p = this.#execute(slot, slotWait).finally(() => {
      slot.busy = false;
      this.#inFlight.delete(p);
    });
    this.#inFlight.add(p);
  }

  async #spawn(slot: Slot): Promise<GroupRunOutcome> {
    const c = slot.check;
    try {
      slot.run = runInGroup({ argv: c.argv, ids: c.ids, timeoutMs: c.timeoutMs > 0 ? c.timeoutMs : c.intervalMs });
      return await slot.run.done;
    } catch (error) {
      return { kind: 'error', error: error as Error };
    } finally {
      slot.run = undefined;
    }
  }

  async #execute(slot: Slot, slotWait: Promise<() => void>): Promise<void> {
    const release = await slotWait;
    try {
      if (this.#stopped) return;
      const c = slot.check;
      const startMs = this.#opts.now();
      const outcome = await this.#spawn(slot);
      if (this.#stopped) return;
      const success = outcome.kind === 'exit' && outcome.code === 0;
      this.#opts.onResult?.({ id: c.id, outcome, success, durationMs: this.#opts.now() - startMs });
      const step = stepHysteresis(slot.state, c.hysteresis, success);
      slot.state = step.state;
      if (step.changed !== null) this.#opts.onChange({ id: c.id, up: step.changed });
    } finally {
      release();
    }
  }
}
