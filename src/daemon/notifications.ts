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
import { resolveIds } from './users.ts';

const NOTIFY_TIMEOUT_MS = 30_000;

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
  readonly #defaultUser: string | null;

  constructor(config: Config, log: Logger, limiter: Limiter) {
    this.#log = log;
    this.#defaultUser = config.global.scriptUser;
    this.#runner = new NotifyScriptRunner({
      limiter, timeoutMs: NOTIFY_TIMEOUT_MS, stopTimeoutMs: 1000, maxQueuePerKey: 64,
      onResult: (r) => {
        if (r.outcome.kind !== 'exit' || r.outcome.code !== 0) log.warn(`notify script ${r.job.argv.join(' ')} for ${r.key}: ${JSON.stringify(r.outcome)}`);
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
        // keepalived: a FIFO with no user of its own belongs to the default script user
        // (get_default_script_user), so a reader running as that user can open it at 0600.
        const ids = fifo.user ? resolveIds(fifo.user, fifo.group) : resolveIds(this.#defaultUser, config.global.scriptGroup);
        const script = fifo.script ? { argv: fifo.script.argv, ...resolveIds(fifo.script.user ?? this.#defaultUser, fifo.script.group) } : undefined;
        this.#fifos.push(NotifyFifo.open({ path: fifo.path, ...ids, ...(script ? { script } : {}) }));
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
    if (plan.commands.length > 0) {
      this.#runner.submit(key, plan.commands.map((c) => ({
        argv: c.argv,
        ...resolveIds(c.user ?? this.#defaultUser, c.group ?? null),
        ...(c.state === 'STOP' ? { stop: true } : {}),
      })));
    }
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
