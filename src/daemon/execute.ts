// Turns the core's actions into effects. Decisions were made by the core;
// this file only performs them, in order, per instance. Netlink work is
// asynchronous, so each instance has a queue: an announce issued after an
// addVips goes out only once the addresses exist, and a removeVips never
// overtakes the add before it.
import type { Logger } from '../observe/logger.ts';
import type { Advert } from '../vrrp/advert.ts';
import type { TaggedAction } from '../vrrp/router.ts';
import type { TransitionReason, VrrpState } from '../vrrp/types.ts';
import { assertNever } from '../base/assert.ts';

/** What the daemon can do for one instance; built by assemble.ts from the adapters. */
export interface InstanceEffects {
  sendAdvert(advert: Advert): void;
  addVips(): Promise<void>;
  removeVips(): Promise<void>;
  announce(count: number): Promise<void>;
  /** Drops GARP/NA still waiting to go out (synchronous: before the queue moves on). */
  cancelAnnounce(): void;
}

export interface TransitionRecord {
  readonly instance: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: TransitionReason;
  readonly priority: number;
}

export interface ExecutorOptions {
  readonly log: Logger;
  readonly effects: (instance: string) => InstanceEffects | undefined;
  /** Subscribers to transitions: notify scripts, FIFO, status, sd_notify. */
  readonly onTransition: (t: TransitionRecord) => void;
  /** `words`: the core's line for the drop (keepalived's), to be logged rate-limited. */
  readonly onDrop: (instance: string, reason: string, src: string, words: string | undefined) => void;
}

const STATE_WORDS: Record<VrrpState, string> = { INIT: 'INIT', BACKUP: 'BACKUP', MASTER: 'MASTER', FAULT: 'FAULT', STOP: 'STOP' };

export class Executor {
  readonly #opts: ExecutorOptions;
  readonly #queues = new Map<string, Promise<void>>();

  constructor(opts: ExecutorOptions) {
    this.#opts = opts;
  }

  run(actions: readonly TaggedAction[]): void {
    for (const tagged of actions) this.#runOne(tagged);
  }

  /** Resolves once every queued netlink/announce effect has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.#queues.values()]);
  }

  #enqueue(instance: string, work: () => Promise<void>, what: string): void {
    const prev = this.#queues.get(instance) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => {
      this.#opts.log.error({ err, instance }, `(${instance}) ${what} failed: ${(err as Error).message}`);
    });
    this.#queues.set(instance, next);
  }

  #runOne({ instance, action }: TaggedAction): void {
    const log = this.#opts.log;
    switch (action.type) {
      case 'send': {
        const fx = this.#opts.effects(instance);
        if (!fx) return;
        try {
          fx.sendAdvert(action.advert);
        } catch (err) {
          log.warn({ err, instance }, `(${instance}) error sending advert: ${(err as Error).message}`);
        }
        return;
      }
      case 'addVips': {
        const fx = this.#opts.effects(instance);
        if (fx) this.#enqueue(instance, () => fx.addVips(), 'adding VIPs');
        return;
      }
      case 'removeVips': {
        const fx = this.#opts.effects(instance);
        fx?.cancelAnnounce();
        if (fx) this.#enqueue(instance, () => fx.removeVips(), 'removing VIPs');
        return;
      }
      case 'announce': {
        const fx = this.#opts.effects(instance);
        if (fx) this.#enqueue(instance, () => fx.announce(action.count), 'sending gratuitous ARP/NA');
        return;
      }
      case 'transition':
        // A reload carries the state over: keepalived says nothing and runs no
        // notify script then (the state did not change for the outside world).
        if (action.reason === 'reload') return;
        if (action.to !== action.from) {
          // keepalived's exact words, "(init)" included, so operators' greps keep working.
          const init = action.reason === 'startup' && action.to === 'BACKUP' ? ' (init)' : '';
          log.info({ instance, from: action.from, to: action.to, reason: action.reason, priority: action.priority }, `(${instance}) Entering ${STATE_WORDS[action.to]} STATE${init}`);
        }
        {
          // Notify scripts run after the effects queued before them (keepalived adds the
          // VIPs, then notifies), so a notify_master finds its VIPs in place.
          const t: TransitionRecord = { instance, from: action.from, to: action.to, reason: action.reason, priority: action.priority };
          this.#enqueue(instance, async () => this.#opts.onTransition(t), 'notifying');
        }
        return;
      case 'drop':
        this.#opts.onDrop(instance, action.reason, action.src, action.msg);
        return;
      case 'log':
        log[action.level]({ instance }, action.msg);
        return;
      default:
        assertNever(action);
    }
  }
}
