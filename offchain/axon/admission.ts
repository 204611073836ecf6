/**
 * Admission control: at most `maxConcurrent` requests run; up to `queueSize` wait, highest priority (stake)
 * first and first-come within equal stake. When the queue is full a newcomer that outranks the lowest
 * waiting request takes its place (that one gets 503 `evicted`); otherwise the newcomer gets 503 `overloaded`.
 * So under saturation higher-stake validators are served first, and memory stays bounded.
 */
export type Release = () => void;

export class AdmissionRejected extends Error {
  constructor(
    readonly code: "overloaded" | "evicted",
    readonly reason: string,
  ) {
    super(reason);
    this.name = "AdmissionRejected";
  }
}

interface Waiter {
  priority: bigint;
  seq: number;
  resolve: (r: Release) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

export interface AdmissionOptions {
  maxConcurrent: number;
  queueSize: number;
}

export class Admission {
  readonly #max: number;
  readonly #queueSize: number;
  /** Waiters sorted by priority descending, then seq ascending. */
  readonly #queue: Waiter[] = [];
  #active = 0;
  #seq = 0;

  constructor(o: AdmissionOptions) {
    if (!Number.isInteger(o.maxConcurrent) || o.maxConcurrent < 1)
      throw new Error(`maxConcurrent=${o.maxConcurrent} must be an integer >= 1`);
    if (!Number.isInteger(o.queueSize) || o.queueSize < 0)
      throw new Error(`queueSize=${o.queueSize} must be an integer >= 0`);
    this.#max = o.maxConcurrent;
    this.#queueSize = o.queueSize;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** A slot now, or a place in the queue. Rejects with AdmissionRejected, or with `signal.reason` on abort. */
  acquire(priority: bigint, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#max && this.#queue.length === 0) {
      this.#active++;
      return Promise.resolve(this.#releaser());
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
      lowest.cleanup();
      lowest.reject(
        new AdmissionRejected("evicted", "queued request displaced by a validator with more stake: retry later"),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { priority, seq: this.#seq++, resolve, reject, cleanup: () => {} };
      if (signal !== undefined) {
        const onAbort = (): void => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.cleanup = () => signal.removeEventListener("abort", onAbort);
      }
      this.#insert(waiter);
    });
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

  #releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#active--;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#active < this.#max) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      next.cleanup();
      this.#active++;
      next.resolve(this.#releaser());
    }
  }
}
