/**
 * Request nonces: a millisecond timestamp scaled by NONCE_PER_MS plus a sequence, strictly increasing for
 * one source even when the wall clock stalls or steps back. The axon reads the timestamp part to reject
 * stale and future-dated requests, and the whole value to reject replays.
 */
import { NONCE_PER_MS } from "./constants.js";

export class NonceSource {
  #last = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The next nonce: `max(now_ms * NONCE_PER_MS, previous + 1)`. */
  next(): number {
    const candidate = Math.floor(this.#now()) * NONCE_PER_MS;
    this.#last = candidate > this.#last ? candidate : this.#last + 1;
    return this.#last;
  }
}

/** The wall-clock millisecond a nonce was issued at. */
export function nonceTimeMs(nonce: number): number {
  return Math.floor(nonce / NONCE_PER_MS);
}
