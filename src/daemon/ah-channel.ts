// One instance's IPsec AH (auth_type AH, VRRPv2 over IPv4) at the edge: its
// key, its sequence counter and the IP id it stamps, with Node's HMAC-MD5
// given to the pure codec (src/vrrp/ah.ts). The core never sees AH: an
// advert reaches it only once the ICV, SPI and sequence number passed, in
// keepalived's order (vrrp_in_chk_ipsecah), and every refusal is a drop
// reason with keepalived's log words (drop-log.ts).
import { ahIcvValid, ahKey, encodeAhPacket, formatSpi, type AhSplit } from '../vrrp/ah.ts';
import { AhSequence } from '../vrrp/ah-sequence.ts';
import type { DropReason } from '../vrrp/advert.ts';
import { hmacMd5 } from '../net/hmac-md5.ts';

export type AhVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: DropReason; readonly detail: string };

export class AhChannel {
  readonly #key: Uint8Array;
  readonly #unicast: boolean;
  readonly seq: AhSequence;
  #ipId = 0;

  /** `seq`: the counter a reload carries over (keepalived keeps it), else 0. */
  constructor(password: string, unicast: boolean, seq = 0) {
    this.#key = ahKey(password);
    this.#unicast = unicast;
    this.seq = new AhSequence(seq);
  }

  /**
   * One advert, framed for each destination: the sequence number and IP id
   * advance once per advert, not per unicast peer (keepalived does the same);
   * the ICV differs per destination address.
   */
  frame(vrrp: Uint8Array, src: string, dsts: readonly string[], ttl: number): Uint8Array[] {
    const seq = this.seq.next();
    // keepalived: "kernel will fill in ID if left to 0, so we overflow to 1".
    this.#ipId = this.#ipId === 0xffff ? 1 : this.#ipId + 1;
    return dsts.map((dst) => encodeAhPacket(vrrp, { src, dst, ttl, ipId: this.#ipId, seq, unicast: this.#unicast }, this.#key, hmacMd5));
  }

  /** ICV, then SPI, then the sequence number (which advances only for a packet that passed the first two). */
  check(ip: Uint8Array, split: AhSplit): AhVerdict {
    if (!ahIcvValid(ip, this.#key, this.#unicast, hmacMd5)) return { ok: false, reason: 'ahIcvInvalid', detail: '' };
    if (!split.spiMatchesSource) return { ok: false, reason: 'ahSpiInvalid', detail: formatSpi(split.spi) };
    const v = this.seq.accept(split.seq);
    if (!v.ok) return { ok: false, reason: 'ahSeqReplayed', detail: `${split.seq} already processed. Packet dropped. Local(${v.last})` };
    return { ok: true };
  }
}
