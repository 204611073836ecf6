/**
 * Durable replay state: each validator's highest accepted nonce, kept in a store across restarts (the miner's
 * `<data dir>/miner.db`, offchain/store/minerStore.ts), so a restarted axon refuses a request captured before the
 * restart as a replay instead of refusing every nonce for a clock skew after its start.
 *
 * Rule: no work is done for a request until its nonce is on disk. The guard accepts a nonce in memory; the
 * ledger marks the validator's new high and returns a promise that resolves once it is written (fsynced); the
 * axon awaits it before the request takes a generation slot. So whatever the axon has worked on or answered is
 * at or below a stored watermark, and after a crash at any point a replay of it is refused. A request whose
 * nonce never reached the disk got no work and no answer, so taking it after a restart is no replay.
 *
 * Writes are grouped (group commit): every nonce accepted before the next turn of the event loop goes to disk
 * in one transaction, one fsync, however many requests arrive together; the requests share its latency (an
 * fsync, usually well under a millisecond) instead of paying one each. The write is synchronous
 * (node:sqlite), so a disk that stalls stalls the axon's event loop for as long.
 */

/** The domain a validator's request signature covers: a watermark applies in its own scope only. */
export interface NonceScope {
  chainId: number;
  netuid: number;
  /** The miner's hotkey. */
  miner: string;
}

export interface OpenedNonceScope {
  /**
   * Nonces dated before this (unix ms) are refused: the first start of this scope with this store plus the clock
   * skew, since a process without the store may have accepted anything dated earlier.
   */
  notBeforeMs: number;
  /** This start created the scope in the store (a first start: the refusal above is still running). */
  created: boolean;
  /** Highest accepted nonce per validator hotkey (lowercase), from earlier processes. */
  watermarks: Map<string, number>;
}

/** What the ledger needs from a store (MinerStore implements it). */
export interface NonceStore {
  /** The file, for log lines. */
  readonly file: string;
  /** Reads the scope, creating it with `notBeforeMsIfNew` when this store has never served it. */
  openNonceScope(scope: NonceScope, notBeforeMsIfNew: number): OpenedNonceScope;
  /** Raises (never lowers) validators' watermarks in one transaction, durable when it returns; throws on failure. */
  raiseNonceWatermarks(scope: NonceScope, marks: ReadonlyMap<string, number>): void;
}

export interface NonceLedgerOptions {
  /** Called with each failed write (the requests waiting on it are refused; the marks are retried next time). */
  onError?: (err: unknown) => void;
  /** Schedules the next group write; default setImmediate (after the I/O of this turn of the event loop). */
  schedule?: (fn: () => void) => void;
}

interface Batch {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class NonceLedger {
  readonly scope: NonceScope;
  readonly notBeforeMs: number;
  readonly created: boolean;
  readonly #store: NonceStore;
  /** Stored or pending high per validator: the floor for a validator the guard does not (or no longer) hold. */
  readonly #known: Map<string, number>;
  readonly #dirty = new Map<string, number>();
  readonly #onError: (err: unknown) => void;
  readonly #schedule: (fn: () => void) => void;
  #batch: Batch | undefined;
  #writes = 0;
  #failures = 0;

  constructor(store: NonceStore, scope: NonceScope, notBeforeMsIfNew: number, o: NonceLedgerOptions = {}) {
    this.#store = store;
    this.scope = { ...scope, miner: scope.miner.toLowerCase() };
    const opened = store.openNonceScope(this.scope, notBeforeMsIfNew);
    this.notBeforeMs = opened.notBeforeMs;
    this.created = opened.created;
    this.#known = opened.watermarks;
    this.#onError = o.onError ?? (() => {});
    this.#schedule = o.schedule ?? ((fn) => void setImmediate(fn));
  }

  get file(): string {
    return this.#store.file;
  }

  /** Validators with a watermark from an earlier process or this one. */
  get validators(): number {
    return this.#known.size;
  }

  /** Group writes done, and failed. */
  get stats(): { writes: number; failures: number } {
    return { writes: this.#writes, failures: this.#failures };
  }

  /** The highest nonce of `validator` (lowercase) stored or about to be: anything at or below it is a replay. */
  floor(validator: string): number {
    return this.#known.get(validator) ?? 0;
  }

  /**
   * Records a nonce the guard accepted. Resolves once it is on disk (with every nonce accepted in the same turn),
   * rejects when that write fails. The returned promise never goes unhandled: a caller may drop it.
   */
  record(validator: string, nonce: number): Promise<void> {
    if (nonce > (this.#known.get(validator) ?? 0)) this.#known.set(validator, nonce);
    if (nonce > (this.#dirty.get(validator) ?? 0)) this.#dirty.set(validator, nonce);
    if (this.#batch === undefined) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => {});
      this.#batch = { promise, resolve, reject };
      this.#schedule(() => this.flush());
    }
    return this.#batch.promise;
  }

  /** Writes every pending mark now (synchronously); a no-op when nothing is pending. */
  flush(): void {
    const batch = this.#batch;
    this.#batch = undefined;
    if (this.#dirty.size === 0) {
      batch?.resolve();
      return;
    }
    const marks = new Map(this.#dirty);
    this.#dirty.clear();
    try {
      this.#store.raiseNonceWatermarks(this.scope, marks);
      this.#writes++;
    } catch (err) {
      this.#failures++;
      // Keep the marks for the next write: a later request's write carries them too.
      for (const [v, n] of marks) if (n > (this.#dirty.get(v) ?? 0)) this.#dirty.set(v, n);
      this.#onError(err);
      batch?.reject(err);
      return;
    }
    batch?.resolve();
  }
}
