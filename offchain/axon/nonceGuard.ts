/**
 * Freshness and replay protection for request nonces (see protocol/nonce.ts for the nonce layout).
 *
 * - Fresh: the nonce's timestamp is within ±skewMs of the axon's clock (stale / future-dated otherwise).
 * - Not replayed: each caller has a high-water mark. A nonce above it is accepted; a nonce at most
 *   `reorderMs` below it is accepted once (requests of one validator travel on several keep-alive sockets
 *   and may arrive out of order); anything older, or seen before, is a replay. With reorderMs = 0 the
 *   rule is plain "strictly newer than the caller's last nonce".
 * Memory per caller is bounded by the nonces accepted within the reorder window (and by `maxPerCaller`).
 *
 * Across restarts, one of two rules (the axon picks):
 * - with a nonce store (the miner's data dir, nonceLedger.ts): `floor(caller)` is the caller's highest nonce
 *   accepted by earlier processes (or by this one, for a caller whose state was evicted); a nonce at or below it
 *   is a replay. `notBeforeMs` is only the store's first start plus the skew, so a restart refuses nothing new.
 * - without one: `notBeforeMs` is this start plus the skew. A validator's clock may run up to `skewMs` ahead, so
 *   any nonce an earlier process on this hotkey could have accepted is dated before that, and is refused
 *   ("beforeStart"); the price is that nobody is answered during the first `skewMs` after every start.
 */
import { NONCE_PER_MS } from "../protocol/constants.js";
import { nonceTimeMs } from "../protocol/nonce.js";

export interface NonceGuardOptions {
  skewMs: number;
  reorderMs: number;
  /** Nonces with an earlier timestamp are refused ("beforeStart") whatever the skew. Default 0. */
  notBeforeMs?: number;
  /** A caller's nonces at or below this are replays, whatever this process holds (the persisted watermark). */
  floor?: (caller: string) => number;
  maxCallers?: number;
  maxPerCaller?: number;
}

interface CallerState {
  /** Highest nonce accepted. */
  high: number;
  /** Nonces at or below this are refused even inside the reorder window (raised when memory is capped). */
  floor: number;
  /** Accepted nonces above `high - window` (and, until the next prune, some at or below it). */
  recent: Set<number>;
  /** Size of `recent` that triggers the next prune: twice what the last one left, so pruning is amortised O(1). */
  pruneAt: number;
}

const MIN_PRUNE_AT = 64;

/** "beforeStart": within the skew of the clock, but dated before `notBeforeMs`. */
export type Freshness = "fresh" | "stale" | "future" | "beforeStart";

export class NonceGuard {
  readonly #callers = new Map<string, CallerState>();
  readonly #skewMs: number;
  readonly #notBeforeMs: number;
  readonly #window: number;
  readonly #maxCallers: number;
  readonly #maxPerCaller: number;
  readonly #floorOf: ((caller: string) => number) | undefined;

  constructor(o: NonceGuardOptions) {
    this.#skewMs = o.skewMs;
    this.#notBeforeMs = o.notBeforeMs ?? 0;
    this.#window = o.reorderMs * NONCE_PER_MS;
    this.#maxCallers = o.maxCallers ?? 4096;
    this.#maxPerCaller = o.maxPerCaller ?? 8192;
    this.#floorOf = o.floor;
  }

  /** Nonces dated before this are refused. */
  get notBeforeMs(): number {
    return this.#notBeforeMs;
  }

  freshness(nonce: number, nowMs: number): Freshness {
    const t = nonceTimeMs(nonce);
    if (t < nowMs - this.#skewMs) return "stale";
    if (t > nowMs + this.#skewMs) return "future";
    if (t < this.#notBeforeMs) return "beforeStart";
    return "fresh";
  }

  /** Records the nonce for the caller; false when it is a replay (seen, or older than the reorder window). */
  commit(caller: string, nonce: number): boolean {
    let st = this.#callers.get(caller);
    if (st === undefined) {
      // First nonce of this caller in this process (or since its state was evicted): above its stored floor only.
      const floor = this.#floorOf?.(caller) ?? 0;
      if (nonce <= floor) return false;
      st = { high: nonce, floor, recent: new Set([nonce]), pruneAt: MIN_PRUNE_AT };
      this.#callers.set(caller, st);
      if (this.#callers.size > this.#maxCallers) {
        // The map is kept in order of last use (below), so its first key is the least recently used caller:
        // a validator that is active now is never the one forgotten (it would lose its replay window).
        const oldest = this.#callers.keys().next().value;
        if (oldest !== undefined && oldest !== caller) this.#callers.delete(oldest);
      }
      return true;
    }
    // Most recently used last (a Map iterates in insertion order).
    this.#callers.delete(caller);
    this.#callers.set(caller, st);
    if (nonce > st.high) {
      st.high = nonce;
      if (this.#window > 0) {
        st.recent.add(nonce);
        if (st.recent.size > st.pruneAt) this.#prune(st);
      }
      return true;
    }
    if (this.#window === 0 || nonce <= Math.max(st.floor, st.high - this.#window) || st.recent.has(nonce)) return false;
    st.recent.add(nonce);
    if (st.recent.size > this.#maxPerCaller) this.#prune(st);
    return true;
  }

  #prune(st: CallerState): void {
    const floor = Math.max(st.floor, st.high - this.#window);
    for (const n of st.recent) if (n <= floor) st.recent.delete(n);
    // Still too many (a caller far above the rate the window was sized for): keep the newest half and
    // refuse everything older, so forgetting a nonce can never re-admit it.
    if (st.recent.size > this.#maxPerCaller) {
      const sorted = [...st.recent].sort((a, b) => a - b);
      const keepFrom = sorted[Math.floor(sorted.length / 2)] ?? st.high;
      st.floor = keepFrom - 1;
      for (const n of sorted) if (n < keepFrom) st.recent.delete(n);
    }
    // Entries at or below the floor are refused by `commit` whether or not they are still in the set, so
    // when the prune runs never changes an answer, only memory (at most twice the window, capped).
    st.pruneAt = Math.min(this.#maxPerCaller, Math.max(MIN_PRUNE_AT, 2 * st.recent.size));
  }
}
