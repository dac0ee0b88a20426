// Subscriber to transitions (STYLE rule 12): runs keepalived's notify
// scripts, writes the notify FIFOs, and keeps sync-group notifications. The
// formats are decided by notify/events.ts; this only routes them.
import type { Config, NotifyScripts } from '../config/model.ts';
import type { Logger } from '../observe/logger.ts';
import { groupNotify, instanceNotify, type InstanceNotifyConfig, type NotifyPlan, type NotifyState } from '../notify/events.ts';
import { NotifyFifo } from '../notify/fifo.ts';
import { NotifyScriptRunner } from '../notify/script.ts';
import { Limiter } from '../track/limiter.ts';
import type { TransitionRecord } from './execute.ts';
import type { ScriptPlan } from '../config/validate-scripts.ts';
import { describeRefusal } from '../track/spawn-group.ts';
import { nss } from '../net/nss.ts';

/**
 * keepalived never times out notify scripts (a long notify_master hook runs
 * to its end); the next script of the same instance waits this long for the
 * previous one before starting beside it (notify/script.ts).
 */
const NOTIFY_ORDER_WAIT_MS = 30_000;
/** keepalived 2.2.7 never kills a notify script for taking long (measured); STOP ones: 1 s. */
export const NOTIFY_TIMEOUT_MS = null;

/** The FIFO's own owner (for chown only): NSS, and no chown when a name does not resolve. */
function fifoOwner(user: string | null, group: string | null, log: Logger): { uid?: number; gid?: number } {
  try {
    const n = nss();
    const pw = user ? n.user(user) : null;
    const gid = group ? n.group(group) : pw?.gid ?? null;
    if ((user && !pw) || (group && gid === null)) log.warn(`Invalid user/group for notify fifo - not changing its owner`);
    return { ...(pw ? { uid: pw.uid } : {}), ...(gid !== null ? { gid } : {}) };
  } catch (err) {
    log.warn(`notify fifo owner: ${(err as Error).message}`);
    return {};
  }
}

function notifyConfig(n: NotifyScripts, priorityChanges: boolean): InstanceNotifyConfig {
  return { master: n.master, backup: n.backup, fault: n.fault, stop: n.stop, deleted: n.deleted, any: n.any, masterRxLowerPri: n.masterRxLowerPri, priorityChanges };
}

export class Notifications {
  readonly #log: Logger;
  readonly #runner: NotifyScriptRunner;
  readonly #fifos: NotifyFifo[] = [];
  readonly #instances = new Map<string, InstanceNotifyConfig>();
  readonly #groups = new Map<string, { cfg: InstanceNotifyConfig; members: readonly string[]; state: NotifyState | null }>();
  readonly #groupOf = new Map<string, string>();
  readonly #plan: ScriptPlan;

  /** `plan`: who runs each script, and which may run at all (config/validate-scripts.ts). */
  constructor(config: Config, plan: ScriptPlan, log: Logger, limiter: Limiter) {
    this.#log = log;
    this.#plan = plan;
    this.#runner = new NotifyScriptRunner({
      limiter, timeoutMs: NOTIFY_TIMEOUT_MS, stopTimeoutMs: 1000, orderWaitMs: NOTIFY_ORDER_WAIT_MS, maxQueuePerKey: 64,
      onResult: (r) => {
        if (r.outcome.kind === 'refused') log.error(describeRefusal(r.outcome, r.job.argv[0]!));
        else if (r.outcome.kind !== 'exit' || r.outcome.code !== 0) log.warn(`notify script ${r.job.argv.join(' ')} for ${r.key}: ${JSON.stringify(r.outcome)}`);
      },
      onDrop: (key, job, why) => log.warn(`notify script ${job.argv.join(' ')} for ${key} not run: ${why}`),
    });
    for (const i of config.instances) this.#instances.set(i.name, notifyConfig(i.notify, i.notifyPriorityChanges));
    for (const g of config.syncGroups) {
      this.#groups.set(g.name, { cfg: notifyConfig(g.notify, false), members: g.members, state: null });
      for (const m of g.members) this.#groupOf.set(m, g.name);
    }
    for (const fifo of [config.global.notifyFifo, config.global.vrrpNotifyFifo]) {
      if (!fifo) continue;
      try {
        // A script the check disabled (unknown user, insecure ...) is not started; the FIFO still is.
        const script = plan.get(fifo.script);
        // keepalived: a FIFO with no user of its own belongs to the default script user
        // (get_default_script_user), so a reader running as that user can open it at 0600.
        const owner = fifo.user ? fifoOwner(fifo.user, fifo.group, log) : plan.defaultIds ? { uid: plan.defaultIds.uid, gid: plan.defaultIds.gid } : {};
        this.#fifos.push(NotifyFifo.open({ path: fifo.path, ...owner, ...(script ? { script } : {}) }));
      } catch (err) {
        log.error({ err }, (err as Error).message);
      }
    }
  }

  onTransition(t: TransitionRecord): void {
    if (t.from === t.to) return;
    const state = t.to === 'INIT' ? null : (t.to as NotifyState);
    if (state === null) return;
    const cfg = this.#instances.get(t.instance);
    if (cfg) this.#run(t.instance, instanceNotify(cfg, t.instance, state, t.priority));
    const groupName = this.#groupOf.get(t.instance);
    const group = groupName ? this.#groups.get(groupName) : undefined;
    if (groupName && group && group.state !== state) {
      group.state = state;
      this.#run(groupName, groupNotify(group.cfg, groupName, state as Exclude<NotifyState, 'DELETED'>));
    }
  }

  #run(key: string, plan: NotifyPlan): void {
    const jobs = plan.commands.flatMap((c) => {
      // Only scripts the security check passed run, as the user it resolved.
      const run = this.#plan.get(c.source);
      return run === null ? [] : [{ argv: [...run.argv, ...c.argv.slice(c.source.argv.length)], ids: run.ids, ...(c.state === 'STOP' ? { stop: true } : {}) }];
    });
    if (jobs.length > 0) this.#runner.submit(key, jobs);
    if (plan.fifoLine !== null) for (const f of this.#fifos) f.write(plan.fifoLine);
  }

  /** Waits for queued scripts (STOP notifications get 1 s, as keepalived). */
  async stop(): Promise<void> {
    try {
      // STOP notifications get their second (keepalived's 1 s); nothing waits longer.
      await Promise.race([this.#runner.idle().catch(() => undefined), new Promise((r) => setTimeout(r, 800))]);
      await Promise.race([this.#runner.stop(), new Promise((r) => setTimeout(r, 100))]);
    } finally {
      // Always: unlink the FIFOs we made and stop their reader scripts.
      for (const f of this.#fifos) f.close();
    }
  }
}
