// One VRRP instance as a pure state machine: events and `now` in, actions
// out. It never reads a clock. All state changes go through #transition(),
// whose moves are listed in transitions.ts. Receive-side rules follow
// RFC 9568 §6.4 (v3) / RFC 3768 §6.4 (v2) and keepalived 2.2.7 where the RFCs
// are silent; the keepalived behaviours we reproduce are named in comments.
import type { Millis } from '../base/units.ts';
import { assert, assertNever } from '../base/assert.ts';
import type { Advert, DropReason } from './advert.ts';
import type { Action, InstanceConfig, InstanceEvent, InstanceStats, Resume, SyncStart, TransitionReason, VrrpState } from './types.ts';
import { TimerTable } from './timers.ts';
import type { TimerSlot } from './timers.ts';
import { masterDownIntervalMs, remoteWins, skewTimeMs } from './election.ts';
import { checkAddresses, checkHeader, receiveContext } from './receive-checks.ts';
import type { CheckFailure, ReceiveContext } from './receive-checks.ts';
import { isListedTransition } from './transitions.ts';
import { checkInstanceInvariants } from './invariants.ts';
import { buildAdvert } from './advert-out.ts';
import { effectivePriority, PRIORITY_OWNER } from './priority.ts';
import { garpOnLowerPriority, garpOnMasterEntry, garpOnTimer } from './garp.ts';

/** Lets a sync group hold a member back (keepalived's vrrp_sync_can_goto_master and num_member_fault). */
export interface SyncGate {
  canGoMaster(member: Instance): boolean;
  canLeaveFault(member: Instance): boolean;
}

type DownReason = Extract<TransitionReason, 'masterDown' | 'priorityZero' | 'preempt'>;

export class Instance {
  readonly config: InstanceConfig;
  #ctx: ReceiveContext;
  readonly #timers = new TimerTable();
  readonly #trackerUp = new Map<string, boolean | number>();
  readonly #stats: InstanceStats = {
    masterTransitions: 0,
    advertisementsReceived: 0,
    advertisementsSent: 0,
    priorityZeroReceived: 0,
    priorityZeroSent: 0,
    drops: {},
  };
  #state: VrrpState = 'INIT';
  #priority: number;
  #faultBy: string | null = null;
  #interfaceUp = true;
  /** keepalived drops an owner to 254 when another owner shows up ("CONFIGURATION ERROR"). */
  #ownerDemoted = false;
  #masterAdverIntervalMs: Millis;
  #downReason: DownReason = 'masterDown';
  #preemptDelayDone = false;
  /** Source of the last advert accepted as the master's (skip_check_adv_addr compares with it). */
  #masterSrc: string | null = null;
  /**
   * BACKUP: the router whose advert last set Master_Down (RFC 9568 §6.1: the
   * Master), its priority and when we heard it. Another router's advert that
   * does not beat it may push the deadline later but never earlier, and
   * teaches no interval. Null until a first advert (or after priority 0).
   */
  #downSetBy: { readonly src: string; readonly priority: number; readonly at: Millis } | null = null;
  /** keepalived's wantstate == MASTER: our Master_Down expired and no better advert has arrived since. */
  #wantsMaster: boolean;
  #gate: SyncGate | null = null;
  #advertCache: Advert | null = null;
  #out: Action[] = [];
  #lastNow = Number.NEGATIVE_INFINITY;
  /** A reload resumes MASTER without announcing addresses it already announced. */
  #silentGarp = false;
  /** Lower-priority adverts heard as MASTER: each shows a second master (the sync group re-announces). */
  #secondMasters = 0;
  /** The edge is reading a batch of inputs (Router.readBatch): expired timers wait for its timeout. */
  #timersHeld = false;

  constructor(config: InstanceConfig) {
    assert(config.vrid >= 1 && config.vrid <= 255, `${config.name}: vrid out of range`);
    assert(config.priority >= 1 && config.priority <= 255, `${config.name}: priority out of range`);
    assert(config.advertIntervalMs > 0, `${config.name}: advert interval must be positive`);
    assert(config.downTimerAdverts >= 1, `${config.name}: down_timer_adverts must be >= 1`);
    this.config = config;
    this.#ctx = receiveContext(config);
    this.#masterAdverIntervalMs = config.advertIntervalMs;
    this.#wantsMaster = config.initialState === 'MASTER';
    this.#priority = this.#derivePriority();
  }

  get state(): VrrpState { return this.#state; }
  get effectivePriority(): number { return this.#priority; }
  /** The address we advertise from and tie-break with (config, or learned from the interface later). */
  get primaryAddress(): string { return this.#ctx.primaryAddress; }
  get masterAdverIntervalMs(): Millis { return this.#masterAdverIntervalMs; }
  get stats(): Readonly<InstanceStats> { return this.#stats; }
  /** Router/sync-group use: Master_Down expired and no better master heard since. */
  get wantsMaster(): boolean { return this.#wantsMaster; }
  /** Router/sync-group use: this instance's own fault (interface or weight-0 tracker), not the group's. */
  get ownFault(): boolean { return this.#faultBy !== null || (!this.#interfaceUp && !this.config.dontTrackPrimary); }
  /** Router/sync-group use: how many lower-priority adverts this instance has heard as MASTER. */
  get secondMastersSeen(): number { return this.#secondMasters; }
  /** Deadline of one named timer slot (tests, status dumps). */
  deadline(slot: TimerSlot): Millis | null { return this.#timers.get(slot); }
  nextDeadline(): Millis | null { return this.#timers.next(); }
  setSyncGate(gate: SyncGate | null): void { this.#gate = gate; }
  /** Router use (readBatch): while held, only a `timeout` event fires expired timers. */
  holdTimers(held: boolean): void { this.#timersHeld = held; }

  handle(event: InstanceEvent, now: Millis): Action[] {
    if (!(now >= this.#lastNow)) assert(false, `${this.config.name}: time went backwards (${now} < ${this.#lastNow})`);
    this.#lastNow = now;
    const out: Action[] = [];
    this.#out = out;
    // Read first, then decide (keepalived reads a readable socket before it acts
    // on a timeout): `now` is when the edge read the event, and after an
    // event-loop stall the master's adverts queued meanwhile are read at a
    // `now` past our Master_Down deadline. Applying the event before the
    // timers it finds expired lets such an advert reset Master_Down instead
    // of losing the race to it (a takeover, a GARP burst, a step-down).
    // preempt_delay is a point in time (keepalived's preempt_time), so it is
    // settled first: a lower advert read after it is discarded.
    this.#settlePreemptDelay(now);
    switch (event.type) {
      case 'start':
        this.#start(now, event.resume, event.group);
        break;
      case 'advert':
        this.#receive(event.advert, event.src, now);
        break;
      case 'timeout':
        break; // the timers below
      case 'tracker':
        this.#trackerUp.set(event.id, event.up);
        this.#reevaluate(now);
        break;
      case 'address':
        this.#ctx = receiveContext({ ...this.config, primaryAddress: event.primary });
        break;
      case 'trackerValue':
        this.#trackerUp.set(event.id, event.value);
        this.#reevaluate(now);
        break;
      case 'interface':
        this.#interfaceUp = event.up;
        this.#reevaluate(now);
        break;
      case 'shutdown':
        if (this.#state !== 'STOP') this.#transition('STOP', 'shutdown', now);
        break;
      default:
        assertNever(event);
    }
    // While the edge reads a batch (the socket held several datagrams), an
    // expired deadline waits for the batch's end: the first advert read may
    // be a lower one that resets nothing, with the master's queued behind it.
    if (event.type === 'timeout' || !this.#timersHeld) this.#fireTimers(now);
    this.#checkInvariants(now);
    return out;
  }

  /**
   * Sync group use: move with the group (reason 'syncGroup'). A no-op when
   * already there or not running. `siblingYielded`: the group leaves MASTER
   * because a member heard a better advert; a MASTER member with
   * higher_prio_send_advert then sends its last advert too, as the sibling
   * did, so that the peer's master for this VRID (which may have been cut
   * off and never heard us) learns of the overlap and re-announces its VIPs.
   */
  syncTo(to: 'MASTER' | 'BACKUP' | 'FAULT', now: Millis, siblingYielded = false): Action[] {
    assert(now >= this.#lastNow, `${this.config.name}: time went backwards`);
    this.#lastNow = now;
    const out: Action[] = [];
    this.#out = out;
    const from = this.#state;
    const running = from === 'BACKUP' || from === 'MASTER' || from === 'FAULT';
    const ownFaultBlocks = to !== 'FAULT' && this.ownFault;
    if (running && from !== to && !ownFaultBlocks && isListedTransition(from, to, 'syncGroup')) {
      if (to === 'MASTER') this.#wantsMaster = true;
      if (from === 'MASTER' && to === 'BACKUP' && siblingYielded && this.config.higherPrioSendAdvert) this.#sendAdvert(now);
      this.#transition(to, 'syncGroup', now);
    }
    this.#checkInvariants(now);
    return out;
  }

  /**
   * Sync group use: a sibling heard a lower-priority advert, so another router
   * is MASTER too; a MASTER member announces its VIPs as if it had heard it
   * (keepalived's vrrp_state_master_rx: garp_lower_prio_repeat now and again
   * garp_lower_prio_delay later).
   */
  announceSecondMaster(now: Millis): Action[] {
    assert(now >= this.#lastNow, `${this.config.name}: time went backwards`);
    const out: Action[] = [];
    if (this.#state !== 'MASTER') return out; // its VIPs are not ours to announce; its timers are not touched
    this.#lastNow = now;
    this.#out = out;
    garpOnLowerPriority(this.config.garp, this.#timers, now, out);
    // After a stall this member's own slots may have expired too: fire them, as handle() does after its event.
    if (!this.#timersHeld) this.#fireTimers(now);
    this.#checkInvariants(now);
    return out;
  }

  // ---- events ----

  /** `group`: the sync group's start state (keepalived starts every member from it). */
  #start(now: Millis, resume?: Resume, group?: SyncStart): void {
    assert(this.#state === 'INIT', `${this.config.name}: start in state ${this.#state}`);
    if (this.ownFault) {
      this.#transition('FAULT', 'fault', now);
    } else if (group === 'FAULT') {
      this.#transition('FAULT', 'syncGroup', now);
    } else if (resume !== undefined) {
      // keepalived's reload_master: a MASTER carries on (advert now, VIPs kept), no Master_Down wait.
      this.#silentGarp = !resume.announce;
      this.#transition(resume.state, 'reload', now);
      this.#silentGarp = false;
    } else if (this.#isOwner() && this.config.initialState === 'MASTER' && group !== 'BACKUP') {
      // keepalived: an owner with state MASTER times out of BACKUP after 1 µs, i.e. at once
      // (in a sync group only when every member is such an owner).
      this.#transition('MASTER', 'owner', now);
    } else {
      // keepalived 2.2.7, measured: a non-owner with `state MASTER` logs "Entering BACKUP
      // STATE (init)" and takes over only after a full Master_Down_Interval (3.60 s at
      // advert_int 1, v2 and v3), exactly like `state BACKUP`.
      this.#transition('BACKUP', 'startup', now);
    }
  }

  #receive(advert: Advert, src: string, now: Millis): void {
    switch (this.#state) {
      case 'BACKUP':
        this.#backupReceive(advert, src, now);
        return;
      case 'MASTER':
        this.#masterReceive(advert, src, now);
        return;
      case 'INIT':
      case 'FAULT':
      case 'STOP':
        // keepalived only reads adverts in BACKUP and MASTER ("In dispatcher_read with state").
        this.#log('debug', `(${this.config.name}) ignoring advert from ${src} in ${this.#state} state`);
        return;
      default:
        assertNever(this.#state);
    }
  }

  /** RFC 9568 §6.4.2 with keepalived's vrrp_state_backup. */
  #backupReceive(advert: Advert, src: string, now: Millis): void {
    const checkVips = !this.config.skipCheckAdvAddr || src !== this.#masterSrc;
    if (this.#rejected(checkHeader(this.#ctx, advert, src) ?? checkAddresses(this.#ctx, advert, src, checkVips), src)) return;
    this.#stats.advertisementsReceived++;
    const name = this.config.name;
    const fromMaster = this.#isMastersAdvert(advert.priority, src, now);
    if (advert.priority === 0) {
      this.#stats.priorityZeroReceived++;
      if (!fromMaster) {
        // A router that is not our master is leaving: the master we hear is still there.
        this.#log('debug', `(${name}) Backup ignoring priority 0 advertisement from ${src}, not the master (${this.#downSetBy!.src})`);
        return;
      }
      this.#log('debug', `(${name}) Backup received priority 0 advertisement`);
      this.#timers.set('masterDown', (now + this.#skewMs()) as Millis);
      this.#downReason = 'priorityZero';
      this.#downSetBy = null; // the master has gone: whoever advertises next is the master
      return;
    }
    const holdForDelay = this.config.preemptDelayMs > 0 && !this.#preemptDelayDone;
    if (!this.config.preempt || advert.priority >= this.#priority || holdForDelay) {
      if (fromMaster) {
        if (this.config.version === 3) this.#masterAdverIntervalMs = (advert.advertIntervalCs * 10) as Millis;
        this.#timers.set('masterDown', (now + this.#masterDownMs()) as Millis);
        this.#downSetBy = { src, priority: advert.priority, at: now };
      } else {
        // Alive too, but not the master: its interval is not Master_Adver_Interval,
        // and it may not bring our takeover forward (a stale short-interval advert
        // would make us time a slow master with a fast timer: a flap, for ever).
        const at = (now + this.#masterDownMs()) as Millis;
        if (at > (this.#timers.get('masterDown') ?? Number.NEGATIVE_INFINITY)) this.#timers.set('masterDown', at);
      }
      this.#downReason = 'masterDown';
      this.#masterSrc = src;
      this.#wantsMaster = false;
      this.#trackPreemptDelay(advert.priority, now);
      return;
    }
    // Preempt: ignore the lower-priority master and let Master_Down run out (RFC 9568 "Discard").
    this.#log('info', `(${name}) received lower priority (${advert.priority}) advert from ${src} - discarding`);
    this.#masterSrc = src;
    // A master that already said goodbye (priority 0) is why we take over, whatever else we hear.
    if (this.#downReason !== 'priorityZero') this.#downReason = 'preempt';
  }

  /**
   * Whether an advert we would accept comes from the master (RFC 9568 §6.1):
   * the router that last set Master_Down, one that beats it, or anyone once
   * that router has been silent for a whole Master_Down_Interval (it has gone,
   * and the sender is its successor) or has sent priority 0.
   */
  #isMastersAdvert(priority: number, src: string, now: Millis): boolean {
    const m = this.#downSetBy;
    if (m === null || src === m.src) return true;
    if (now >= m.at + this.#masterDownMs()) return true;
    return priority !== 0 && remoteWins(priority, src, m.priority, m.src);
  }

  /** keepalived's preempt_delay starts at the first lower-priority advert and stops at a better one. */
  #trackPreemptDelay(remotePriority: number, now: Millis): void {
    if (this.config.preemptDelayMs <= 0 || !this.config.preempt) return;
    if (remotePriority >= this.#priority) {
      this.#timers.clear('preemptDelay');
      this.#preemptDelayDone = false;
    } else if (!this.#timers.armed('preemptDelay') && !this.#preemptDelayDone) {
      this.#log('debug', `(${this.config.name}) start preempt delay (${this.config.preemptDelayMs / 1000})`);
      this.#timers.set('preemptDelay', (now + this.config.preemptDelayMs) as Millis);
    }
  }

  /** RFC 9568 §6.4.3 with keepalived's vrrp_state_master_rx (dual-master recovery, issue #166). */
  #masterReceive(advert: Advert, src: string, now: Millis): void {
    if (this.#rejected(checkHeader(this.#ctx, advert, src) ?? checkAddresses(this.#ctx, advert, src, true), src)) return;
    this.#stats.advertisementsReceived++;
    const name = this.config.name;
    if (advert.priority === 0) {
      this.#stats.priorityZeroReceived++;
      this.#log('debug', `(${name}) Master received priority 0 message`);
      this.#sendAdvert(now);
      return;
    }
    if (advert.priority === PRIORITY_OWNER && this.#priority === PRIORITY_OWNER) {
      this.#log('warn', `(${name}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`);
      this.#ownerDemoted = true;
      this.#priority = this.#derivePriority();
    }
    const remoteBetter = remoteWins(advert.priority, src, this.#priority, this.#ctx.primaryAddress);
    if (!remoteBetter) {
      const forcing = this.config.lowerPrioNoAdvert ? '' : ', forcing new election';
      this.#log('info', `(${name}) Received advert from ${src} with lower priority ${advert.priority}, ours ${this.#priority}${forcing}`);
      if (!this.config.lowerPrioNoAdvert) this.#sendAdvert(now);
      garpOnLowerPriority(this.config.garp, this.#timers, now, this.#out);
      this.#secondMasters++;
      return;
    }
    if (this.config.higherPrioSendAdvert) this.#sendAdvert(now);
    const what = advert.priority > this.#priority
      ? `with higher priority ${advert.priority}, ours ${this.#priority}`
      : `with same priority ${advert.priority} but higher IP address than ours`;
    this.#log('info', `(${name}) Master received advert from ${src} ${what}`);
    if (this.config.version === 3) this.#masterAdverIntervalMs = (advert.advertIntervalCs * 10) as Millis;
    this.#masterSrc = src;
    this.#wantsMaster = false;
    this.#transition('BACKUP', 'higherPriorityAdvert', now);
    this.#downSetBy = { src, priority: advert.priority, at: now };
  }

  #rejected(failure: CheckFailure | null, src: string): boolean {
    if (failure === null) return false;
    this.#drop(failure.reason, src, failure.msg);
    return true;
  }

  /** Counts the drop; its words travel with it (not as a log action) so the edge can rate-limit them. */
  #drop(reason: DropReason, src: string, msg: string): void {
    this.#stats.drops[reason] = (this.#stats.drops[reason] ?? 0) + 1;
    this.#out.push({ type: 'drop', reason, src, msg });
  }

  #settlePreemptDelay(now: Millis): void {
    if (!this.#timers.due('preemptDelay', now)) return;
    this.#timers.clear('preemptDelay');
    this.#preemptDelayDone = true;
  }

  #fireTimers(now: Millis): void {
    const t = this.#timers;
    this.#settlePreemptDelay(now);
    if (t.due('masterDown', now)) {
      t.clear('masterDown');
      this.#masterDownExpired(now);
    }
    if (t.due('advert', now)) this.#sendAdvert(now);
    garpOnTimer(this.config.garp, t, now, this.#out);
  }

  #masterDownExpired(now: Millis): void {
    if (this.#state !== 'BACKUP') assert(false, `${this.config.name}: masterDown fired in ${this.#state}`);
    this.#wantsMaster = true;
    if (this.#gate !== null && !this.#gate.canGoMaster(this)) {
      // keepalived: "Only sync to master if everyone wants to, i.e. prefer backup state to avoid thrashing".
      this.#log('debug', `(${this.config.name}) sync group not ready for MASTER, staying BACKUP`);
      this.#timers.set('masterDown', (now + this.#masterDownMs()) as Millis);
      return;
    }
    this.#transition('MASTER', this.#downReason, now);
  }

  /** Trackers or the interface changed: recompute priority and fault from scratch. */
  #reevaluate(now: Millis): void {
    const old = this.#priority;
    this.#priority = this.#derivePriority();
    if (old !== this.#priority) {
      this.#log('info', `(${this.config.name}) Changing effective priority from ${old} to ${this.#priority}`);
      this.#advertCache = null;
      const md = this.#timers.get('masterDown');
      if (this.#state === 'BACKUP' && md !== null) {
        // keepalived shifts the running down timer by the change in skew.
        const shift = skewTimeMs(this.config.version, this.#priority, this.#masterAdverIntervalMs) -
          skewTimeMs(this.config.version, old, this.#masterAdverIntervalMs);
        this.#timers.set('masterDown', Math.max(now, md + shift) as Millis);
      }
    }
    const fault = this.ownFault;
    const s = this.#state;
    if (fault && (s === 'BACKUP' || s === 'MASTER')) {
      const why = this.#faultBy !== null ? `tracker ${this.#faultBy} failed` : `interface ${this.config.ifname} down`;
      this.#log('info', `(${this.config.name}) entering FAULT state (${why})`);
      this.#transition('FAULT', 'fault', now);
    } else if (!fault && s === 'FAULT') {
      if (this.#gate !== null && !this.#gate.canLeaveFault(this)) return;
      // keepalived try_up_instance: an owner with state MASTER goes straight back to MASTER.
      if (this.#isOwner() && this.config.initialState === 'MASTER') this.#transition('MASTER', 'owner', now);
      else this.#transition('BACKUP', 'faultCleared', now);
    }
  }

  // ---- the one place that changes state ----

  #transition(to: VrrpState, reason: TransitionReason, now: Millis, masterDownMs?: Millis): void {
    const from = this.#state;
    if (!isListedTransition(from, to, reason)) assert(false, `${this.config.name}: unlisted transition ${from} -> ${to} (${reason})`);
    this.#exit(from, to, now);
    this.#state = to;
    this.#out.push({ type: 'transition', from, to, reason, priority: this.#priority });
    switch (to) {
      case 'MASTER':
        this.#stats.masterTransitions++;
        this.#wantsMaster = true;
        this.#masterAdverIntervalMs = this.config.advertIntervalMs;
        // keepalived sends the advert before adding VIPs, so the old master releases first.
        this.#sendAdvert(now);
        this.#out.push({ type: 'addVips' });
        if (!this.#silentGarp) garpOnMasterEntry(this.config.garp, this.#timers, now, this.#out);
        return;
      case 'BACKUP':
        if (from === 'FAULT' || from === 'INIT') this.#masterAdverIntervalMs = this.config.advertIntervalMs;
        this.#preemptDelayDone = false;
        this.#downSetBy = null;
        this.#downReason = 'masterDown';
        this.#timers.set('masterDown', (now + (masterDownMs ?? this.#masterDownMs())) as Millis);
        return;
      case 'FAULT':
        this.#masterAdverIntervalMs = this.config.advertIntervalMs;
        this.#wantsMaster = false; // keepalived: wantstate = FAULT (down_instance, vrrp_sync_fault)
        return;
      case 'STOP':
      case 'INIT':
        return;
      default:
        assertNever(to);
    }
  }

  #exit(from: VrrpState, to: VrrpState, now: Millis): void {
    if (from === 'MASTER') {
      // RFC 9568 §6.4.3 shutdown, and keepalived on MASTER -> FAULT: priority 0 tells the backups to hurry.
      if (to === 'STOP' || to === 'FAULT') this.#sendAdvert(now, 0);
      this.#out.push({ type: 'removeVips' });
    }
    this.#timers.clearAll();
    if (to !== 'BACKUP') this.#preemptDelayDone = false;
  }

  // ---- helpers ----

  #sendAdvert(now: Millis, priority = this.#priority): void {
    let advert = this.#advertCache;
    if (advert === null || advert.priority !== priority) {
      advert = buildAdvert(this.config, this.#ctx, priority);
      if (priority === this.#priority) this.#advertCache = advert;
    }
    this.#stats.advertisementsSent++;
    if (priority === 0) this.#stats.priorityZeroSent++;
    this.#out.push({ type: 'send', advert });
    if (this.#state === 'MASTER') this.#timers.set('advert', (now + this.config.advertIntervalMs) as Millis);
  }

  #checkInvariants(now: Millis): void {
    checkInstanceInvariants(this.config.name, this.#state, this.#timers, this.#priority, this.#isOwner(), now, this.#timersHeld);
  }

  #isOwner(): boolean {
    return this.config.priority === PRIORITY_OWNER && !this.#ownerDemoted;
  }

  #derivePriority(): number {
    const base = this.#ownerDemoted ? PRIORITY_OWNER - 1 : this.config.priority;
    const r = effectivePriority(base, this.config.trackers, this.#trackerUp, this.config.initFail);
    this.#faultBy = r.faultBy;
    return r.priority;
  }

  #skewMs(): Millis {
    return skewTimeMs(this.config.version, this.#priority, this.#masterAdverIntervalMs);
  }

  #masterDownMs(): Millis {
    return masterDownIntervalMs(this.config.version, this.#priority, this.#masterAdverIntervalMs, this.config.downTimerAdverts);
  }

  #log(level: 'info' | 'warn' | 'debug', msg: string): void {
    this.#out.push({ type: 'log', level, msg });
  }
}
