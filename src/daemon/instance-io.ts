// What one instance does to the world: send its adverts, add and remove its
// VIPs, eVIPs, routes and rules, and announce its addresses. Built per
// instance from the adapters; the core decided when, this only does it.
import type { Logger } from '../observe/logger.ts';
import type { Advert } from '../vrrp/advert.ts';
import { encodeAdvert } from '../vrrp/packet.ts';
import type { VirtualAddress, RouteOrRule } from '../config/model.ts';
import { addVip, removeVip, type VipSpec, type VipWatcher } from '../net/addresses.ts';
import { addRoute, removeRoute, addRule, removeRule, parseRoute, parseRule } from '../net/routes.ts';
import type { Announcer } from '../net/announcer.ts';
import { buildGarp } from '../net/arp.ts';
import { buildUnsolicitedNa } from '../net/ndisc.ts';
import { ipv6Forwarding } from '../net/ipv6-forwarding.ts';
import { centis } from '../base/units.ts';
import type { Rtnl } from '../net/netlink.ts';
import type { VrrpSocket } from '../net/vrrp-socket.ts';
import { vipKey, type AssembledInstance } from './assemble.ts';
import type { InstanceEffects } from './execute.ts';
import type { AhChannel } from './ah-channel.ts';

export interface InstanceIoDeps {
  readonly log: Logger;
  readonly rtnl: Rtnl;
  readonly watcher: VipWatcher;
  readonly announcer: Announcer;
  /** The socket adverts leave by, and the interface facts, once the interface exists. */
  readonly sendSocket: () => VrrpSocket | undefined;
  /** A link's index and MAC by name, from the daemon's link table. */
  readonly linkInfo: (name: string) => { index: number; mac: string } | undefined;
  /** The kernel index of a link by name, from the daemon's link table (no netlink round trip). */
  readonly linkIndex: (name: string) => number | undefined;
  /** The current advert source (it can be learned after start-up). */
  readonly source: () => string;
  readonly releaseOnStop: boolean;
  /** auth_type AH: adverts leave as whole IPv4 datagrams with an AH header, by the AH socket (sendSocket). */
  readonly ah?: AhChannel | undefined;
}

export function vipSpec(v: VirtualAddress, defaultDev: string): VipSpec {
  return {
    address: v.address, family: v.family, prefixLength: v.prefixLength, dev: v.dev ?? defaultDev,
    broadcast: v.broadcast, scope: v.scope, label: v.label, peer: v.peer, noDad: v.noDad,
    noPrefixRoute: v.noPrefixRoute, home: v.home, preferredLft: v.preferredLft,
  };
}

export function allVipSpecs(inst: AssembledInstance): Array<{ spec: VipSpec; noTrack: boolean }> {
  return [...inst.model.virtualAddresses, ...inst.model.excludedAddresses].map((v) => ({ spec: vipSpec(v, inst.ifname), noTrack: v.noTrack }));
}

function macBytes(mac: string): Uint8Array {
  return Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));
}

export class InstanceIo implements InstanceEffects {
  readonly #inst: AssembledInstance;
  readonly #deps: InstanceIoDeps;
  readonly #vips: Array<{ spec: VipSpec; noTrack: boolean }>;
  #holding = false;
  /** Routes and rules are added after the addresses (the GARP must not wait for them). */
  #routesDone: Promise<void> = Promise.resolve();

  constructor(inst: AssembledInstance, deps: InstanceIoDeps) {
    this.#inst = inst;
    this.#deps = deps;
    this.#vips = allVipSpecs(inst);
  }

  get core(): AssembledInstance['core'] {
    return this.#inst.core;
  }

  get holding(): boolean {
    return this.#holding;
  }

  sendAdvert(advert: Advert): void {
    const socket = this.#deps.sendSocket();
    if (!socket) return; // interface gone: the core is (or will be) in FAULT
    const c = this.#inst.core;
    const src = this.#deps.source();
    if (src === '0.0.0.0' || src === '::') return; // no address yet: nothing valid to send from
    const ah = this.#deps.ah;
    if (ah) {
      const dsts = c.unicastPeers.length > 0 ? c.unicastPeers : [this.#inst.mcastGroup];
      const ttl = c.unicastPeers.length > 0 ? this.#inst.model.unicastTtl : 255;
      const frames = ah.frame(encodeAdvert(advert, { src, dst: dsts[0]! }), src, dsts, ttl);
      frames.forEach((frame, i) => socket.send(frame, { src, dst: dsts[i]! }));
      return;
    }
    if (c.unicastPeers.length > 0) {
      for (const peer of c.unicastPeers) {
        socket.send(encodeAdvert(advert, { src, dst: peer }), { src, dst: peer, ttl: this.#inst.model.unicastTtl });
      }
      return;
    }
    const dst = this.#inst.mcastGroup;
    socket.send(encodeAdvert(advert, { src, dst }), { src, dst, ttl: 255 });
  }

  async addVips(): Promise<void> {
    const name = this.#inst.core.name;
    this.#holding = true;
    this.#deps.log.info({ instance: name }, `(${name}) setting VIPs.`);
    for (const { spec, noTrack } of this.#vips) {
      const index = this.#deps.linkIndex(spec.dev);
      await this.#addOne(spec, index);
      if (!noTrack && index !== undefined) this.#deps.watcher.track(spec, index);
    }
    // Not awaited: the announce queued behind this add goes out as soon as the
    // addresses exist; removeVips waits for the routes before undoing them.
    this.#routesDone = this.#routes('add', this.#inst.model.virtualRoutes, this.#inst.model.virtualRules);
  }

  async #addOne(spec: VipSpec, index = this.#deps.linkIndex(spec.dev)): Promise<void> {
    try {
      await addVip(this.#deps.rtnl, spec, index);
    } catch (err) {
      this.#deps.log.error({ err }, `(${this.#inst.core.name}) cannot add ${spec.address}/${spec.prefixLength} on ${spec.dev}: ${(err as Error).message}`);
    }
  }

  /** A VIP vanished behind our back while we hold it: put it back (keepalived does, unless no_track). */
  async restore(spec: VipSpec): Promise<void> {
    const ours = this.#vips.some((v) => !v.noTrack && v.spec.address === spec.address && v.spec.dev === spec.dev);
    if (!this.#holding || !ours) return;
    this.#deps.log.warn(`(${this.#inst.core.name}) VIP ${spec.address} was removed from ${spec.dev}; restoring it`);
    await this.#addOne(spec);
  }

  /**
   * GARP/NA still queued behind vrrp_garp_interval must not go out for VIPs
   * we give up: they would pull clients back to a router that no longer
   * answers. Called as soon as the core decides to leave MASTER, not after
   * the queue (which would wait for the whole train).
   */
  cancelAnnounce(): void {
    const name = this.#inst.core.name;
    const dropped = this.#deps.announcer.cancel(name);
    if (dropped > 0) this.#deps.log.info({ instance: name }, `(${name}) ${dropped} queued gratuitous ARP/NA cancelled`);
  }

  async removeVips(): Promise<void> {
    const name = this.#inst.core.name;
    this.#holding = false;
    if (!this.#deps.releaseOnStop) return;
    this.#deps.log.info({ instance: name }, `(${name}) removing VIPs.`);
    await this.#routesDone;
    await this.#routes('remove', this.#inst.model.virtualRoutes, this.#inst.model.virtualRules);
    for (const { spec } of this.#vips) {
      const index = this.#deps.linkIndex(spec.dev);
      if (index !== undefined) this.#deps.watcher.untrack(spec, index);
      try {
        await removeVip(this.#deps.rtnl, spec, index);
      } catch (err) {
        this.#deps.log.error({ err }, `(${name}) cannot remove ${spec.address} from ${spec.dev}: ${(err as Error).message}`);
      }
    }
  }

  /** Keys of every VIP and eVIP (assemble.ts vipKey), for a reload to compare. */
  vipKeys(): Set<string> {
    return new Set(this.#vips.map(({ spec }) => vipKey(spec)));
  }

  /**
   * A reload hands this MASTER over to the new configuration's instance,
   * which carries on: only what the new one does not have is removed (VIPs,
   * eVIPs, routes, rules by key), nothing is announced or stopped.
   */
  async releaseExcept(keepVips: ReadonlySet<string>, keepRoutes: ReadonlySet<string>): Promise<void> {
    const name = this.#inst.core.name;
    const wasHolding = this.#holding;
    this.#holding = false;
    for (const { spec } of this.#vips) {
      const index = this.#deps.linkIndex(spec.dev);
      if (index !== undefined) this.#deps.watcher.untrack(spec, index);
    }
    if (!wasHolding || !this.#deps.releaseOnStop) return;
    await this.#routesDone;
    const m = this.#inst.model;
    const gone = (prefix: string) => (r: RouteOrRule) => !keepRoutes.has(`${prefix} ${r.words.join(' ')}`);
    await this.#routes('remove', m.virtualRoutes.filter(gone('route')), m.virtualRules.filter(gone('rule')));
    for (const { spec } of this.#vips) {
      if (keepVips.has(vipKey(spec))) continue;
      this.#deps.log.info({ instance: name }, `(${name}) reload: removing ${spec.address}/${spec.prefixLength} from ${spec.dev}, no longer configured`);
      try {
        await removeVip(this.#deps.rtnl, spec, this.#deps.linkIndex(spec.dev));
      } catch (err) {
        this.#deps.log.error({ err }, `(${name}) cannot remove ${spec.address} from ${spec.dev}: ${(err as Error).message}`);
      }
    }
  }

  async #routes(op: 'add' | 'remove', routes: readonly RouteOrRule[], rules: readonly RouteOrRule[]): Promise<void> {
    const fam = this.#inst.family;
    for (const r of routes) {
      try {
        const spec = parseRoute(r.words, r.family ?? fam);
        await (op === 'add' ? addRoute(this.#deps.rtnl, spec) : removeRoute(this.#deps.rtnl, spec));
      } catch (err) {
        this.#deps.log.error({ err }, `(${this.#inst.core.name}) cannot ${op} route "${r.words.join(' ')}": ${(err as Error).message}`);
      }
    }
    for (const r of rules) {
      try {
        const spec = parseRule(r.words, r.family ?? fam);
        await (op === 'add' ? addRule(this.#deps.rtnl, spec) : removeRule(this.#deps.rtnl, spec));
      } catch (err) {
        this.#deps.log.error({ err }, `(${this.#inst.core.name}) cannot ${op} rule "${r.words.join(' ')}": ${(err as Error).message}`);
      }
    }
  }

  /**
   * Runs the takeover path once at start-up, harmlessly, so that V8 compiles it
   * then and not during the first failover: encode an advert, build the GARP/NA
   * frames, and ask netlink to delete a VIP the start-up cleanup already removed.
   */
  /** `probeRemove`: false when the instance carries on as MASTER after a reload (its first VIP is live). */
  async warm(probeRemove = true): Promise<void> {
    const c = this.#inst.core;
    const cs = c.version === 2 ? Math.max(100, Math.round(c.advertIntervalMs / 1000) * 100) : Math.min(4095, Math.max(1, Math.round(c.advertIntervalMs / 10)));
    const src = c.family === 4 ? '192.0.2.1' : 'fe80::1';
    encodeAdvert({
      version: c.version, family: c.family, vrid: c.vrid, priority: Math.min(254, c.priority), advertIntervalCs: centis(cs),
      addresses: c.advertAddresses, authType: c.auth.type === 'pass' ? 1 : 0, authData: c.auth.type === 'pass' ? c.auth.password : '',
    }, { src, dst: this.#inst.mcastGroup });
    const mac = new Uint8Array([2, 0, 0, 0, 0, 1]);
    for (const { spec } of this.#vips) {
      if (spec.family === 4) buildGarp(mac, spec.address); else buildUnsolicitedNa({ mac, target: spec.address, router: ipv6Forwarding(spec.dev) });
    }
    const first = this.#vips[0];
    if (first && probeRemove) await removeVip(this.#deps.rtnl, first.spec, this.#deps.linkIndex(first.spec.dev)).catch(() => undefined);
  }

  /** GARP/NA for every VIP on the interface that VIP lives on (a `dev X` VIP is announced on X). */
  async announce(count: number): Promise<void> {
    if (count <= 0) return;
    const byDev = new Map<string, string[]>();
    for (const { spec } of this.#vips) byDev.set(spec.dev, [...(byDev.get(spec.dev) ?? []), spec.address]);
    const sends: Promise<void>[] = [];
    for (const [dev, vips] of byDev) {
      const link = this.#deps.linkInfo(dev);
      if (!link) continue;
      this.#deps.log.info(`(${this.#inst.core.name}) Sending/queueing gratuitous ARPs on ${dev} for ${vips.join(', ')}`);
      const router = vips.some((a) => a.includes(':')) && ipv6Forwarding(dev);
      sends.push(this.#deps.announcer.announce({ ifindex: link.index, ifname: dev, mac: macBytes(link.mac), vips, router, owner: this.#inst.core.name }, count));
    }
    await Promise.all(sends);
  }

}
