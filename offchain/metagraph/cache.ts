/**
 * MetagraphCache: the latest snapshot of one subnet, refreshed on a timer from an injected source.
 * Lookups are O(1) map reads; a failed refresh keeps the previous snapshot (and is logged), so a flaky RPC
 * never takes the axon down. `maxStaleMs` optionally turns a snapshot that is too old into "unavailable".
 */
import type { Logger } from "../log.js";
import { silentLogger } from "../log.js";
import {
  snapshotSchema,
  type MetagraphSnapshot,
  type MetagraphSource,
  type MetagraphView,
  type NeuronInfo,
} from "./types.js";

export interface MetagraphCacheOptions {
  source: MetagraphSource;
  netuid: number;
  /** Refresh period. Default 60 s (five slots). */
  refreshMs?: number;
  /** A snapshot older than this is treated as absent (`available()` false, lookups undefined). 0 = never. Default 0. */
  maxStaleMs?: number;
  logger?: Logger;
  now?: () => number;
}

export class MetagraphCache implements MetagraphView {
  readonly #source: MetagraphSource;
  readonly #netuid: number;
  readonly #refreshMs: number;
  readonly #maxStaleMs: number;
  readonly #log: Logger;
  readonly #now: () => number;
  #byHotkey = new Map<string, NeuronInfo>();
  #snapshot: MetagraphSnapshot | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<boolean> | undefined;
  /** Refresh outcomes, for metrics. */
  readonly stats = { refreshes: 0, failures: 0 };

  constructor(options: MetagraphCacheOptions) {
    this.#source = options.source;
    this.#netuid = options.netuid;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#maxStaleMs = options.maxStaleMs ?? 0;
    this.#log = (options.logger ?? silentLogger()).child({ component: "metagraph" });
    this.#now = options.now ?? Date.now;
    if (!(this.#refreshMs >= 100)) throw new Error(`metagraph refreshMs=${this.#refreshMs} must be at least 100 ms`);
  }

  /** Loads the first snapshot (throws when it cannot: an axon must not start blind) and starts the timer. */
  async start(): Promise<void> {
    if (!(await this.refresh())) {
      throw new Error(
        `could not load the metagraph of subnet ${this.#netuid}: check the chain RPC (see the log for the cause)`,
      );
    }
    this.#timer ??= setInterval(() => void this.refresh(), this.#refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Fetches and swaps in a new snapshot; false (old snapshot kept) when the source fails or is invalid. */
  refresh(): Promise<boolean> {
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #refresh(): Promise<boolean> {
    try {
      const raw = await this.#source();
      const parsed = snapshotSchema.safeParse(raw);
      if (!parsed.success)
        throw new Error(
          `invalid snapshot: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`,
        );
      const snap = raw;
      if (snap.netuid !== this.#netuid)
        throw new Error(`snapshot is of subnet ${snap.netuid}, expected ${this.#netuid}`);
      const byHotkey = new Map<string, NeuronInfo>();
      for (const n of snap.neurons) {
        const key = n.hotkey.toLowerCase();
        if (byHotkey.has(key)) throw new Error(`hotkey ${n.hotkey} appears twice in the snapshot`);
        byHotkey.set(key, n);
      }
      this.#snapshot = snap;
      this.#byHotkey = byHotkey;
      this.#fetchedAt = this.#now();
      this.stats.refreshes++;
      this.#log.debug({ neurons: snap.neurons.length, slot: snap.slot?.toString() }, "metagraph refreshed");
      return true;
    } catch (err) {
      this.stats.failures++;
      this.#log.warn(
        { err: (err as Error).message, ageMs: this.ageMs() },
        "metagraph refresh failed; keeping the previous snapshot",
      );
      return false;
    }
  }

  lookup(hotkey: string): NeuronInfo | undefined {
    if (!this.available()) return undefined;
    return this.#byHotkey.get(hotkey.toLowerCase());
  }

  available(): boolean {
    const age = this.ageMs();
    return age !== Number.POSITIVE_INFINITY && !(this.#maxStaleMs > 0 && age > this.#maxStaleMs);
  }

  ageMs(): number {
    return this.#now() - this.#fetchedAt;
  }

  get size(): number {
    return this.#byHotkey.size;
  }

  get snapshot(): MetagraphSnapshot | undefined {
    return this.#snapshot;
  }

  /** Neurons holding a validator permit, highest stake first. */
  validators(): NeuronInfo[] {
    return [...this.#byHotkey.values()]
      .filter((n) => n.validatorPermit)
      .sort((a, b) => (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : a.uid - b.uid));
  }

  /** Neurons that published an axon endpoint. */
  axons(): NeuronInfo[] {
    return [...this.#byHotkey.values()].filter((n) => n.axon !== undefined).sort((a, b) => a.uid - b.uid);
  }
}

/** A fixed metagraph, for tests, benches and local tools. */
export class StaticMetagraph implements MetagraphView {
  readonly #byHotkey: Map<string, NeuronInfo>;
  constructor(neurons: NeuronInfo[]) {
    this.#byHotkey = new Map(neurons.map((n) => [n.hotkey.toLowerCase(), n]));
  }
  lookup(hotkey: string): NeuronInfo | undefined {
    return this.#byHotkey.get(hotkey.toLowerCase());
  }
  ageMs(): number {
    return 0;
  }
  available(): boolean {
    return true;
  }
  get size(): number {
    return this.#byHotkey.size;
  }
  set(neuron: NeuronInfo): void {
    this.#byHotkey.set(neuron.hotkey.toLowerCase(), neuron);
  }
}
