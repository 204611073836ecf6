/**
 * Admission control: at most `maxConcurrent` requests run; up to `queueSize` wait, highest priority (stake)
 * first and first-come within equal stake. When the queue is full a newcomer that outranks the lowest
 * waiting request takes its place (that one gets 503 `evicted`); otherwise the newcomer gets 503 `overloaded`.
 * So under saturation higher-stake validators are served first, and memory stays bounded.
 *
 * Stake ordering alone does not protect anyone: running work is never pre-empted, so one permitted caller
 * (whatever its stake) that sends more requests than there are slots, each held until its deadline, would keep
 * every slot busy and every other validator would time out. Hence `maxPerKey`: each caller (validator hotkey) may
 * have at most that many requests running plus queued; beyond it, 429 `rate_limited`. And a waiter whose deadline
 * has passed is dropped (408) instead of being given a slot it can no longer use.
 */
export type Release = () => void;

export class AdmissionRejected extends Error {
  constructor(
    readonly code: "overloaded" | "evicted" | "rate_limited" | "deadline_exceeded",
    readonly reason: string,
  ) {
    super(reason);
    this.name = "AdmissionRejected";
  }
}

interface Waiter {
  priority: bigint;
  seq: number;
  key: string;
  deadline: number;
  resolve: (r: Release) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

export interface AdmissionOptions {
  maxConcurrent: number;
  queueSize: number;
  /** Requests one key may have running plus queued. Default: no limit. */
  maxPerKey?: number;
  /** Clock the deadlines are read against (epoch ms). Default Date.now. */
  now?: () => number;
}

export interface AcquireOptions {
  /** Aborting it leaves the queue (the promise rejects with `signal.reason`). */
  signal?: AbortSignal;
  /** Who asks: counted against `maxPerKey`. */
  key?: string;
  /** Epoch ms after which a slot is useless to the caller: refused, or dropped from the queue, past it. */
  deadline?: number;
}

export class Admission {
  readonly #max: number;
  readonly #queueSize: number;
  readonly #maxPerKey: number;
  readonly #now: () => number;
  /** Waiters sorted by priority descending, then seq ascending. */
  readonly #queue: Waiter[] = [];
  /** Requests running or queued per key (entries removed at 0, so the map is bounded by running + queued). */
  readonly #perKey = new Map<string, number>();
  #active = 0;
  #seq = 0;

  constructor(o: AdmissionOptions) {
    if (!Number.isInteger(o.maxConcurrent) || o.maxConcurrent < 1)
      throw new Error(`maxConcurrent=${o.maxConcurrent} must be an integer >= 1`);
    if (!Number.isInteger(o.queueSize) || o.queueSize < 0)
      throw new Error(`queueSize=${o.queueSize} must be an integer >= 0`);
    if (o.maxPerKey !== undefined && (!Number.isInteger(o.maxPerKey) || o.maxPerKey < 1))
      throw new Error(`maxPerKey=${o.maxPerKey} must be an integer >= 1`);
    this.#max = o.maxConcurrent;
    this.#queueSize = o.queueSize;
    this.#maxPerKey = o.maxPerKey ?? Number.POSITIVE_INFINITY;
    this.#now = o.now ?? Date.now;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Requests of `key` running or queued. */
  holding(key: string): number {
    return this.#perKey.get(key) ?? 0;
  }

  /** A slot now, or a place in the queue. Rejects with AdmissionRejected, or with `signal.reason` on abort. */
  acquire(priority: bigint, o: AcquireOptions = {}): Promise<Release> {
    const { signal, key = "", deadline = Number.POSITIVE_INFINITY } = o;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (deadline <= this.#now()) {
      return Promise.reject(
        new AdmissionRejected("deadline_exceeded", "the caller's deadline passed before a slot was free"),
      );
    }
    this.#dropExpired(); // before counting: an expired waiter no longer holds a place
    const held = this.holding(key);
    if (held >= this.#maxPerKey) {
      return Promise.reject(
        new AdmissionRejected(
          "rate_limited",
          `${key || "this caller"} already has ${held} requests running or queued here, the most one validator may (maxPerValidator ${this.#maxPerKey}): wait for one to finish`,
        ),
      );
    }
    if (this.#active < this.#max && this.#queue.length === 0) {
      this.#active++;
      this.#hold(key);
      return Promise.resolve(this.#releaser(key));
    }
    if (this.#queue.length >= this.#queueSize) {
      const lowest = this.#queue[this.#queue.length - 1];
      if (lowest === undefined || lowest.priority >= priority) {
        return Promise.reject(
          new AdmissionRejected(
            "overloaded",
            `all ${this.#max} slots busy and ${this.#queueSize} requests queued: retry later`,
          ),
        );
      }
      this.#queue.pop();
      this.#leave(lowest);
      lowest.reject(
        new AdmissionRejected("evicted", "queued request displaced by a validator with more stake: retry later"),
      );
    }
    this.#hold(key);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { priority, seq: this.#seq++, key, deadline, resolve, reject, cleanup: () => {} };
      if (signal !== undefined) {
        const onAbort = (): void => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) {
            this.#queue.splice(i, 1);
            this.#leave(waiter);
          }
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.cleanup = () => signal.removeEventListener("abort", onAbort);
      }
      this.#insert(waiter);
    });
  }

  #hold(key: string): void {
    this.#perKey.set(key, this.holding(key) + 1);
  }

  #unhold(key: string): void {
    const n = this.holding(key) - 1;
    if (n > 0) this.#perKey.set(key, n);
    else this.#perKey.delete(key);
  }

  /** A waiter taken out of the queue without a slot: its listener and its count go. */
  #leave(w: Waiter): void {
    w.cleanup();
    this.#unhold(w.key);
  }

  /**
   * Refuses waiters whose deadline has passed. Their abort timers normally take them out first; this covers a
   * timer that has not fired yet (timers run late under load), so no slot ever goes to a request already late.
   */
  #dropExpired(): void {
    const t = this.#now();
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const w = this.#queue[i]!;
      if (w.deadline > t) continue;
      this.#queue.splice(i, 1);
      this.#leave(w);
      w.reject(new AdmissionRejected("deadline_exceeded", "the caller's deadline passed while it waited for a slot"));
    }
  }

  #insert(w: Waiter): void {
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = this.#queue[mid]!;
      if (q.priority > w.priority || (q.priority === w.priority && q.seq < w.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, w);
  }

  #releaser(key: string): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#active--;
      this.#unhold(key);
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#active < this.#max) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      next.cleanup();
      if (next.deadline <= this.#now()) {
        this.#unhold(next.key);
        next.reject(
          new AdmissionRejected("deadline_exceeded", "the caller's deadline passed while it waited for a slot"),
        );
        continue;
      }
      this.#active++;
      next.resolve(this.#releaser(next.key));
    }
  }
}
