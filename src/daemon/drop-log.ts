// Counts every dropped advert by (instance or interface, reason) and logs it
// in keepalived's words, at most once per 10 s per key, with the number not
// logged since, so that a misconfigured peer at advert_int 0.01 (or anyone on
// the LAN) cannot flood the journal. keepalived logs one line per packet;
// every drop is still counted here (SIGUSR2 stats).
import type { Logger } from '../observe/logger.ts';
import type { Clock } from './clock.ts';

const LOG_EVERY_MS = 10_000;

const WORDS: Record<string, (src: string, detail: string) => string> = {
  authMismatch: () => 'received an invalid passwd!',
  authTypeMismatch: (_s, d) => `received an unexpected auth type${d ? ` (${d})` : ''}`,
  ttlNot255: (s, d) => `invalid TTL/HL from ${s}: ${d}, expected 255`,
  unicastTtlOutOfRange: (s, d) => `invalid TTL/HL from ${s}: ${d}`,
  versionMismatch: (s) => `wrong version in advert from ${s}`,
  intervalMismatch: (s) => `advertisement interval mismatch with ${s}`,
  intervalZero: (s) => `received an advert from ${s} with advertisement interval 0 - discarding`,
  addressListMismatch: (s) => `ip address associated with VRID not present in MASTER advert from ${s}`,
  unicastSrcUnknown: (s) => `unicast advert from ${s}, which is not a unicast_peer`,
  // IPsec AH: keepalived's words (vrrp_check_packet, vrrp_in_chk_ipsecah).
  ahMissing: () => 'No AH header but auth type is AH',
  ahUnexpected: () => 'Received AH header but auth type not AH',
  ahIcvInvalid: () => 'IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !',
  ahSpiInvalid: (s, d) => `IPSEC AH : invalid IPSEC SPI value. ${d} and expect ${s}`,
  ahSeqReplayed: (_s, d) => `IPSEC-AH : sequence number ${d}`,
};

/** Counted, never logged: normal traffic, not a fault (our own adverts; other IPsec AH on the host). */
const SILENT = new Set(['ownAdvert', 'ahNextHeader']);

export class DropLog {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #counts = new Map<string, number>();
  readonly #lastLogged = new Map<string, { at: number; countThen: number }>();

  constructor(log: Logger, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  /**
   * Counts a drop and logs it unless its key was logged less than 10 s ago.
   * `words`: the core's line for a per-instance drop, logged as is (info, as
   * keepalived); otherwise the line is built here from the reason (warn).
   */
  record(where: string, reason: string, src: string, detail: string, words?: string): void {
    const key = `${where}|${reason}`;
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (words === undefined && SILENT.has(reason)) return; // own adverts looped back, other IPsec AH: normal, counted only
    const now = this.#clock.now();
    const last = this.#lastLogged.get(key);
    if (last && now - last.at < LOG_EVERY_MS) return;
    const suppressed = last ? count - last.countThen - 1 : 0;
    this.#lastLogged.set(key, { at: now, countThen: count });
    const more = suppressed > 0 ? ` [${suppressed} more since last report]` : '';
    if (words !== undefined) {
      this.#log.info({ instance: where, drop: reason, src }, `${words}${more}`);
      return;
    }
    const line = WORDS[reason]?.(src, detail) ?? `dropped advert from ${src}: ${reason}${detail ? ` (${detail})` : ''}`;
    this.#log.warn({ drop: reason, src }, `(${where}) ${line}${more}`);
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
