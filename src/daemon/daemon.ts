// The daemon: builds the core from the config, connects the adapters, owns
// the one timer, and turns every input into router events and every action
// into effects. The only place that knows every module (DESIGN.md).
import { DiagnosticSink } from '../config/diagnostics.ts';
import { scriptHost } from '../config/load.ts';
import { planScripts } from '../config/validate-scripts.ts';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Config } from '../config/model.ts';
import type { Logger } from '../observe/logger.ts';
import type { Millis } from '../base/units.ts';
import { Router, type TaggedAction } from '../vrrp/router.ts';
import type { Resume } from '../vrrp/types.ts';
import { Rtnl, RtnlEvents } from '../net/netlink.ts';
import { LinkTable, isUp } from '../net/links.ts';
import { VipWatcher, cleanupStaleVips } from '../net/addresses.ts';
import { Announcer } from '../net/announcer.ts';
import { VmacManager } from '../net/vmac.ts';
import type { VrrpPacket } from '../net/vrrp-socket.ts';
import { Limiter } from '../track/limiter.ts';
import { assembleInstance, assembleSyncGroups, identityOf, interfaceOf, sourceAddress, trackerId, vipKey, type AssembledInstance } from './assemble.ts';
import type { Clock } from './clock.ts';
import { Driver } from './driver.ts';
import { Executor } from './execute.ts';
import { InstanceIo, allVipSpecs } from './instance-io.ts';
import { Notifications } from './notifications.ts';
import { SocketTable } from './sockets.ts';
import { Trackers } from './trackers.ts';
import { DropLog } from './drop-log.ts';
import { ReceiveRoutes } from './receive-route.ts';
import { AhTable, canUseAh } from './ah-receive.ts';
import type { Handover, ReloadCarry } from './reload.ts';
import { warnUnsupported } from './unsupported.ts';

export interface DaemonOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  /** -V/--dont-release-vrrp: leave VIPs in place on stop. */
  readonly releaseOnStop: boolean;
  /** Set when this daemon replaces another on a reload (SIGHUP): what carries over. */
  readonly carried?: ReloadCarry;
}

export class Daemon {
  readonly #o: DaemonOptions;
  readonly #log: Logger;
  readonly #instances = new Map<string, AssembledInstance>();
  readonly #io = new Map<string, InstanceIo>();
  #rtnl!: Rtnl;
  #events!: RtnlEvents;
  #links!: LinkTable;
  #watcher!: VipWatcher;
  #announcer!: Announcer;
  #vmacs!: VmacManager;
  #router!: Router;
  #driver!: Driver;
  #executor!: Executor;
  #notifications!: Notifications;
  #trackers!: Trackers;
  #sockets!: SocketTable;
  #routes!: ReceiveRoutes;
  #ah!: AhTable;
  #loopDelay: IntervalHistogram | null = null;
  readonly #drops: DropLog;
  readonly #limiter = new Limiter(16, 256);
  #stopping = false;
  #endStartupDelay: (() => void) | null = null;
  #sourcesRefresh: Promise<void> | null = null;
  #sourcesAgain = false;

  constructor(o: DaemonOptions) {
    this.#o = o;
    this.#log = o.log;
    this.#drops = new DropLog(o.log, o.clock);
  }

  get router(): Router {
    return this.#router;
  }

  async start(): Promise<void> {
    const { config, clock } = this.#o;
    this.#rtnl = Rtnl.open();
    this.#events = RtnlEvents.open();
    // A netlink receive error must be logged, never thrown into the event loop.
    this.#events.on('error', (err: Error) => this.#log.warn(`netlink events: ${err.message}`));
    this.#links = await LinkTable.open(this.#rtnl, this.#events);
    this.#vmacs = new VmacManager(this.#rtnl);
    this.#watcher = new VipWatcher(this.#rtnl, this.#events);
    this.#announcer = new Announcer({ garpIntervalMs: config.global.garpIntervalMs, gnaIntervalMs: config.global.gnaIntervalMs });
    this.#announcer.on('sendError', (e) => this.#log.warn(`gratuitous ARP/NA: ${e.message}`));
    this.#sockets = new SocketTable({
      packet: (ifname, p) => this.#onPacket(ifname, p),
      drop: (ifname, d) => this.#drops.record(ifname, d.reason, d.src, d.detail),
      error: (ifname, what, err) => this.#log.warn(`VRRP socket ${what} error on ${ifname}: ${err.message}`),
      // A poll wake-up's datagrams are one batch: an expired timer waits for the driver, which reads every socket first.
      batch: (read) => (this.#router === undefined ? read() : this.#router.readBatch(read)),
    });

    await this.#createVmacs();
    // Twice: once to know our VIPs, then, after removing those a crashed run
    // left behind, again, so that no stale VIP is taken for the advert source.
    await this.#assemble();
    await this.#removeStaleVips();
    await this.#assemble();
    this.#router = new Router([...this.#instances.values()].map((a) => a.core), assembleSyncGroups(config));
    this.#routes = new ReceiveRoutes(this.#instances.values());
    this.#ah = new AhTable(this.#instances.values(), this.#o.carried?.ahSeq);
    // Who runs each script, decided afresh at every start and reload (the
    // config check logged its findings a moment ago, with file:line).
    const scripts = planScripts(config, scriptHost(), new DiagnosticSink());
    this.#notifications = new Notifications(config, scripts, this.#log, this.#limiter);
    this.#executor = new Executor({
      log: this.#log,
      effects: (name) => this.#io.get(name),
      onTransition: (t) => this.#notifications.onTransition(t),
      onDrop: (instance, reason, src, words) => this.#drops.record(instance || 'vrrp', reason, src, '', words),
    });
    for (const a of this.#instances.values()) this.#io.set(a.core.name, this.#buildIo(a));
    await this.#warm();
    this.#driver = new Driver(clock, {
      nextDeadline: () => this.#router.nextDeadline(),
      nextPreciseDeadline: () => this.#router.nextTakeoverDeadline(),
      read: () => this.#sockets.drainAll(),
      holdTimers: (read) => this.#router.readBatch(read),
      fire: (now) => this.#run(this.#router.timeout(now)),
      late: (lateMs) => this.#onLate(lateMs),
    });
    this.#trackers = new Trackers(config, scripts, this.#log, this.#limiter, () => clock.now(), {
      up: (id, up) => this.#input(() => this.#router.tracker(id, up, clock.now())),
      value: (id, value) => this.#input(() => this.#router.trackerValue(id, value, clock.now())),
    }, this.#o.carried?.scripts);
    this.#watchLinks();
    this.#watcher.on('removed', (spec) => {
      for (const io of this.#io.values()) void io.restore(spec).catch(() => undefined);
    });
    this.#loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.#loopDelay.enable();

    const delayMs = config.global.vrrpStartupDelayMs;
    if (delayMs > 0 && this.#o.carried === undefined) { // not on a reload (keepalived: `if (!reload)`)
      // keepalived's vrrp_startup_delay: no VRRP until the delay is over
      // (boot-time links that pass traffic, then pause). Cut short by stop.
      this.#log.info(`Delaying startup for ${delayMs / 1000} seconds`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delayMs);
        this.#endStartupDelay = () => { clearTimeout(t); resolve(); };
      });
      this.#endStartupDelay = null;
    }

    this.#openSockets();
    // Interface and tracker states first, so an instance starts straight in
    // FAULT when it should (keepalived does), not BACKUP then FAULT.
    this.#trackers.start();
    this.#reportLinks();
    this.#run(this.#router.start(clock.now(), (name) => this.#resumeOf(name)));
    warnUnsupported(this.#o.config, this.#log);
  }

  async #assemble(): Promise<void> {
    const config = this.#o.config;
    const factsOf = new Map<string, Awaited<ReturnType<LinkTable['facts']>>>();
    for (const inst of config.instances) {
      const base = interfaceOf(inst, config);
      if (!factsOf.has(base)) factsOf.set(base, await this.#links.facts(base));
      this.#instances.set(inst.name, assembleInstance(inst, config, factsOf.get(base) ?? undefined));
    }
  }

  async #createVmacs(): Promise<void> {
    for (const inst of this.#o.config.instances) {
      if (!inst.useVmac) continue;
      const base = interfaceOf(inst, this.#o.config);
      if (!this.#links.byName(base)) continue;
      try {
        await this.#vmacs.ensure({ baseIfname: base, vrid: inst.vrid, family: inst.family, name: inst.useVmac.ifname, mac: inst.useVmac.mac });
      } catch (err) {
        this.#log.error({ err }, `(${inst.name}) cannot create VMAC on ${base}: ${(err as Error).message}`);
      }
    }
    await this.#links.refresh();
  }

  async #removeVmacs(carriedOn: ReadonlyMap<string, unknown> = new Map()): Promise<void> {
    for (const inst of this.#o.config.instances) {
      if (!inst.useVmac || carriedOn.has(inst.name)) continue; // a reload keeps the VMAC of an instance that carries on
      const spec = { baseIfname: interfaceOf(inst, this.#o.config), vrid: inst.vrid, family: inst.family, name: inst.useVmac.ifname, mac: inst.useVmac.mac };
      await this.#vmacs.remove(spec).catch((err: unknown) => this.#log.warn(`(${inst.name}) cannot remove VMAC: ${(err as Error).message}`));
    }
    await this.#vmacs.close();
  }

  /** One instance per (family, version) runs the takeover path once; see InstanceIo.warm. */
  async #warm(): Promise<void> {
    const done = new Set<string>();
    for (const io of this.#io.values()) {
      const c = io.core;
      const key = `${c.family}/${c.version}`;
      if (done.has(key)) continue;
      done.add(key);
      const a = this.#instances.get(c.name);
      const carriesMaster = a !== undefined && this.#carriedOf(a)?.state === 'MASTER';
      try { await io.warm(!carriesMaster); } catch (err) { this.#log.debug(`warm-up: ${(err as Error).message}`); }
    }
  }

  /** keepalived removes, at start-up, the VIPs a crashed previous run left behind. */
  async #removeStaleVips(): Promise<void> {
    // After a reload, the VIPs a carried-over MASTER holds are live, not stale.
    const live = (a: AssembledInstance) => this.#carriedOf(a)?.vips ?? new Set<string>();
    const specs = [...this.#instances.values()].flatMap((a) => allVipSpecs(a).map((v) => v.spec).filter((spec) => !live(a).has(vipKey(spec))));
    try {
      const removed = await cleanupStaleVips(this.#rtnl, specs);
      for (const s of removed) this.#log.info(`removed stale VIP ${s.address}/${s.prefixLength} from ${s.dev} left by a previous run`);
    } catch (err) {
      this.#log.warn(`start-up VIP cleanup failed: ${(err as Error).message}`);
    }
  }

  #buildIo(a: AssembledInstance): InstanceIo {
    return new InstanceIo(a, {
      log: this.#log, rtnl: this.#rtnl, watcher: this.#watcher, announcer: this.#announcer,
      releaseOnStop: true,
      sendSocket: () => this.#sockets.get(a.ifname, a.family, this.#ah.channel(a.core.name) ? 51 : 112),
      ah: this.#ah.channel(a.core.name),
      source: () => this.#router.instance(a.core.name)?.primaryAddress ?? a.core.primaryAddress,
      linkIndex: (name) => this.#links.byName(name)?.index,
      linkInfo: (name) => {
        const l = this.#links.byName(name);
        return l && l.mac ? { index: l.index, mac: l.mac } : undefined;
      },
    });
  }

  /** Opens the sockets every instance needs on the interfaces that exist now; idempotent. */
  #openSockets(): void {
    for (const a of this.#instances.values()) {
      const base = this.#links.byName(a.baseIfname);
      const send = this.#links.byName(a.ifname);
      const unicast = a.core.unicastPeers.length > 0;
      try {
        if (base) this.#sockets.ensure({ ifname: a.baseIfname, ifindex: base.index, family: a.family, receive: true, group: unicast ? null : a.mcastGroup });
        if (send && a.ifname !== a.baseIfname) this.#sockets.ensure({ ifname: a.ifname, ifindex: send.index, family: a.family, receive: false, group: null });
        // Every VRRPv2/IPv4 instance also listens for AH, so that a peer whose
        // auth type differs is reported, not unheard; an AH instance sends there.
        if (base && canUseAh(a)) this.#sockets.ensure({ ifname: a.baseIfname, ifindex: base.index, family: 4, receive: true, group: unicast ? null : a.mcastGroup, protocol: 51 });
        if (send && a.ifname !== a.baseIfname && this.#ah.channel(a.core.name)) {
          this.#sockets.ensure({ ifname: a.ifname, ifindex: send.index, family: 4, receive: false, group: null, protocol: 51 });
        }
      } catch (err) {
        this.#log.error({ err }, `(${a.core.name}) cannot open VRRP socket on ${a.ifname}: ${(err as Error).message}`);
      }
    }
  }

  /** Tells the core the state of every instance's interface and tracked interface. */
  #reportLinks(): void {
    const now = this.#o.clock.now();
    const seen = new Set<string>();
    for (const a of this.#instances.values()) {
      if (seen.has(a.ifname)) continue;
      seen.add(a.ifname);
      this.#input(() => this.#router.interface(a.ifname, this.#ifUp(a.ifname, a.baseIfname), now));
    }
    for (const name of this.#trackers.trackedInterfaces()) {
      const l = this.#links.byName(name);
      this.#input(() => this.#router.tracker(trackerId('interface', name), l !== undefined && isUp(l), now));
    }
  }

  #ifUp(ifname: string, baseIfname: string): boolean {
    const l = this.#links.byName(ifname);
    const b = this.#links.byName(baseIfname);
    return l !== undefined && isUp(l) && b !== undefined && isUp(b);
  }

  /** Learns advert source addresses that were missing or changed (an interface configured after start-up). */
  /** Coalesced: a burst of address events (our own VIPs, 1000 of them at start) costs one or two passes. */
  #refreshSources(): Promise<void> {
    if (this.#sourcesRefresh) {
      this.#sourcesAgain = true;
      return this.#sourcesRefresh;
    }
    this.#sourcesRefresh = (async () => {
      do {
        this.#sourcesAgain = false;
        await this.#refreshSourcesOnce();
      } while (this.#sourcesAgain && !this.#stopping);
    })().finally(() => { this.#sourcesRefresh = null; });
    return this.#sourcesRefresh;
  }

  async #refreshSourcesOnce(): Promise<void> {
    const factsOf = new Map<string, Awaited<ReturnType<LinkTable['facts']>>>();
    for (const a of this.#instances.values()) {
      const inst = this.#router.instance(a.core.name);
      if (!inst || a.model.unicastSrcIp || a.model.mcastSrcIp) continue;
      if (!factsOf.has(a.baseIfname)) factsOf.set(a.baseIfname, await this.#links.facts(a.baseIfname));
      const facts = factsOf.get(a.baseIfname) ?? undefined;
      const src = sourceAddress(a.model, facts);
      // Only a source that was missing is learned: once known it stays, so our
      // own link-local VIP, added later, can never become the advert source.
      const unknown = inst.primaryAddress === '0.0.0.0' || inst.primaryAddress === '::';
      if (unknown && src !== null && src !== inst.primaryAddress && !this.#stopping) {
        this.#log.info(`(${a.core.name}) advert source address is now ${src}`);
        this.#input(() => this.#router.address(a.core.name, src, this.#o.clock.now()));
      }
    }
  }

  #watchLinks(): void {
    const changed = (why: string) => (l: { name: string }) => {
      if (this.#stopping) return;
      this.#log.debug(`link ${l.name} ${why}`);
      if (why === 'added' || why === 'up') this.#openSockets();
      void this.#refreshSources().catch(() => undefined).then(() => { if (!this.#stopping) this.#reportLinks(); });
    };
    this.#events.on('address', (ev) => {
      if (!this.#stopping && ev.op === 'new') void this.#refreshSources().catch(() => undefined);
    });
    this.#links.on('up', changed('up'));
    this.#links.on('down', changed('down'));
    this.#links.on('added', changed('added'));
    this.#links.on('removed', changed('removed'));
  }

  #onPacket(ifname: string, p: VrrpPacket): void {
    if (this.#stopping) return;
    const received = this.#ah.receive(ifname, p, this.#routes);
    if (!received.ok) {
      this.#drops.record(received.where, received.reason, p.src, received.detail);
      return;
    }
    const vrid = received.advert.vrid;
    if (!p.multicast) {
      const ttl = this.#routes.checkTtl(ifname, p.family, vrid, p.src, p.dst, p.ttl);
      if (!ttl.ok) {
        this.#drops.record(ifname, ttl.reason, p.src, ttl.detail);
        return;
      }
    }
    const target = this.#routes.target(ifname, p.family, vrid);
    this.#run(this.#router.receive(target, p.family, received.advert, p.src, this.#o.clock.now()));
  }

  /**
   * A tracker, link or address input: applied with the core's timers held, so
   * only the driver fires an expired timer, and it reads the VRRP sockets
   * first (after a stall such an input can be handled before the sockets are).
   */
  #input(event: () => TaggedAction[]): void {
    this.#run(this.#router.readBatch(event));
  }

  #run(actions: readonly TaggedAction[]): void {
    for (const t of actions) this.#ah.observe(t.instance, t.action);
    if (actions.length > 0) this.#executor.run(actions);
    this.#driver?.rearm();
  }

  #onLate(lateMs: number): void {
    let minIntervalMs = Infinity;
    for (const a of this.#instances.values()) minIntervalMs = Math.min(minIntervalMs, a.core.advertIntervalMs);
    if (lateMs > minIntervalMs / 4) {
      const h = this.#loopDelay;
      const p99 = h ? (h.percentile(99) / 1e6).toFixed(1) : '?';
      const max = h ? (h.max / 1e6).toFixed(1) : '?';
      this.#log.warn(`VRRP timer fired ${lateMs.toFixed(1)} ms late (over a quarter of the ${minIntervalMs} ms advert interval); event-loop delay p99 ${p99} ms, max ${max} ms: a late timer can cause a false takeover`);
    }
  }

  /** Instance states and counters, for SIGUSR1/SIGUSR2 dumps. */
  snapshot(): unknown {
    return {
      instances: this.#router.instances().map((i) => ({
        name: i.config.name, state: i.state, priority: i.config.priority, effectivePriority: i.effectivePriority,
        vrid: i.config.vrid, ifname: i.config.ifname, family: i.config.family, stats: i.stats,
      })),
      sockets: this.#sockets.stats(),
      drops: this.#drops.counts(),
    };
  }

  /** Graceful stop: priority-0 adverts, VIPs released (unless -V), everything closed. */
  /** Things keepalived does that this build parses but does not do: said once, at start. */
  #carriedOf(a: AssembledInstance): { state: 'MASTER' | 'BACKUP'; vips: ReadonlySet<string> } | undefined {
    return this.#o.carried?.instances.get(identityOf(a));
  }

  /** The core's resume for an instance a reload carries over; it announces only if it gained VIPs. */
  #resumeOf(name: string): Resume | undefined {
    const a = this.#instances.get(name);
    const was = a && this.#carriedOf(a);
    if (!a || !was) return undefined;
    const announce = was.state === 'MASTER' && [...(this.#io.get(name)?.vipKeys() ?? [])].some((k) => !was.vips.has(k));
    return { state: was.state, announce };
  }

  /** What a reload carries over to the daemon that replaces this one. */
  carry(): ReloadCarry {
    const instances = new Map<string, { state: 'MASTER' | 'BACKUP'; vips: ReadonlySet<string> }>();
    for (const inst of this.#router?.instances() ?? []) {
      const a = this.#instances.get(inst.config.name);
      const io = this.#io.get(inst.config.name);
      if (!a || !io || (inst.state !== 'MASTER' && inst.state !== 'BACKUP')) continue;
      instances.set(identityOf(a), { state: inst.state, vips: inst.state === 'MASTER' && io.holding ? io.vipKeys() : new Set() });
    }
    return { instances, scripts: this.#trackers?.scriptStates() ?? new Map(), ahSeq: this.#ah?.carry() };
  }

  /** A stop asked for during vrrp_startup_delay ends the delay now (start() then returns, and the stop runs). */
  cutStartupDelay(): void {
    this.#endStartupDelay?.();
  }

  /**
   * Graceful stop: priority-0 adverts, VIPs released (unless -V), everything
   * closed. Safe after a start that failed half way: each resource is closed
   * only if it was made.
   */
  async stop(handover?: Handover): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#driver?.stop();
    // On a reload, instances the new configuration carries on are left as
    // they are (no priority 0, VIPs kept but for those no longer configured).
    const carriedOn = new Map<string, { vips: ReadonlySet<string>; routes: ReadonlySet<string> }>();
    for (const a of this.#instances.values()) {
      const next = handover?.get(identityOf(a));
      if (next) carriedOn.set(a.core.name, next);
    }
    if (this.#router && this.#executor) {
      const actions = this.#router.shutdownSome(this.#o.clock.now(), (name) => !carriedOn.has(name));
      this.#executor.run(this.#o.releaseOnStop ? actions : actions.filter((t) => t.action.type !== 'removeVips'));
      await Promise.race([this.#executor.settled(), sleep(900)]);
      for (const [name, next] of carriedOn) await this.#io.get(name)?.releaseExcept(next.vips, next.routes);
    }
    await Promise.race([Promise.all([this.#trackers?.stop(), this.#notifications?.stop()]), sleep(1000)]);
    this.#sockets?.closeAll();
    this.#announcer?.close();
    this.#watcher?.close();
    this.#links?.close();
    if (this.#o.releaseOnStop && this.#vmacs) await Promise.race([this.#removeVmacs(carriedOn), sleep(300)]).catch(() => undefined);
    this.#loopDelay?.disable();
    this.#events?.close();
    this.#rtnl?.close();
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type { Millis };
