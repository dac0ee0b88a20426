// The AH sequence number of one instance, with keepalived 2.2.7's rules
// (its `ipsecah_counter`): ONE counter per instance serves both directions.
// - Sending increments it first, so a fresh instance sends 1, 2, 3 ...
// - Receiving accepts only a number above it, and then takes that number, so
//   a backup that becomes master carries on above the old master's numbers
//   and the other routers accept its first advert.
// - At 0xFFFFFFFE it stops counting ("cycled"); the next time the instance
//   becomes MASTER it starts again from 0, and any accepted advert clears the
//   flag. At one advert a second that is 136 years away; kept for fidelity.
// Not persisted: a restarted router starts at 0 and its first adverts are
// refused as replays by peers that saw higher numbers, until it has heard an
// advert (keepalived refuses `state MASTER` with AH for this reason).
const SEQ_LAST = 0xfffffffd;

export type AhSeqVerdict = { readonly ok: true } | { readonly ok: false; readonly last: number };

export class AhSequence {
  #seq: number;
  #cycled = false;

  /** `start`: a value carried over a reload (keepalived keeps it), else 0. */
  constructor(start = 0) {
    this.#seq = start >>> 0;
  }

  get value(): number {
    return this.#seq;
  }

  /** The number for the next advert sent. */
  next(): number {
    if (this.#seq > SEQ_LAST) this.#cycled = true;
    else this.#seq++;
    return this.#seq;
  }

  /** A received advert's number (after its ICV passed): accepted if above ours, which it then becomes. */
  accept(seq: number): AhSeqVerdict {
    if (seq <= this.#seq) return { ok: false, last: this.#seq };
    this.#seq = seq;
    this.#cycled = false;
    return { ok: true };
  }

  /** The instance became MASTER: a cycled counter starts again (keepalived vrrp_state_goto_master). */
  becameMaster(): void {
    if (!this.#cycled) return;
    this.#cycled = false;
    this.#seq = 0;
  }
}
