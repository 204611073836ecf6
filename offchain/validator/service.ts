/**
 * The validator process for one or more subnets: each step, per subnet, syncs the metagraph, runs a scoring
 * round, then asks the schedule what is due and does it. Every chain write that leaves something to finish
 * later is recorded in the store first (write-ahead), so a restart resumes where the crash left off: the
 * schedule sees the store's state and emits recoverCommit / confirmCommit / reveal / confirmReveal / settle.
 * One failing action is logged and retried on a later step; it never stops the loop.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { kindWeights } from "../scoring/mix.js";
import { weightInput } from "../scoring/weights.js";
import type { ValidatorStore } from "../store/validatorStore.js";
import type { ValidatorConfig } from "./config.js";
import { subnetSettings } from "./config.js";
import type { Metagraph } from "./metagraph.js";
import type { ChainPort, Hex, SettlementPort, SubnetChainState, WeightsCodec } from "./ports.js";
import { runRound, type OpenModel, type QueryFn, type RoundResult } from "./round.js";
import { decide, type Action, type Schedule } from "./schedule.js";
import { sleep } from "../util/sleep.js";

export interface ServiceDeps {
  config: ValidatorConfig;
  store: ValidatorStore;
  chain: ChainPort;
  codec: WeightsCodec;
  query: QueryFn;
  hotkey: Hex;
  settlement?: SettlementPort;
  open?: OpenModel;
  logger?: Pick<Logger, "info" | "warn" | "debug" | "error">;
  /** Secret per-round seed (default: 128 random bits). */
  roundSeed?: () => string;
  /** Sees every finished round (metrics). */
  onRound?: (r: RoundResult) => void;
}

export interface ActionOutcome {
  action: Action;
  ok: boolean;
  /** What happened, e.g. "commit tx 0x… sent", "found on chain". */
  detail: string;
}

export interface TickResult {
  netuid: number;
  slot: number;
  schedule: Schedule;
  outcomes: ActionOutcome[];
}

export interface RunOptions {
  /** Called after every completed step with its results. */
  onStep?: (results: TickResult[]) => void;
  /** Called when a step fails as a whole. */
  onStepFailure?: (err: unknown) => void;
  /** The pause between steps (tests pass a recording one). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** First delay, and cap, of the backoff after failed steps. */
export const STEP_BACKOFF = { baseMs: 1_000, maxMs: 300_000 } as const;

/**
 * The pause before the next step: the round interval; after `failures` consecutive failed steps,
 * 1 s × 2^(failures − 1) capped at 5 min, and never less than the interval.
 */
export function nextStepDelay(failures: number, intervalMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.max(intervalMs, Math.min(STEP_BACKOFF.maxMs, STEP_BACKOFF.baseMs * 2 ** Math.min(30, failures - 1)));
}

export class ValidatorService {
  private readonly metagraphs = new Map<number, Metagraph>();

  constructor(private readonly deps: ServiceDeps) {}

  /** One scoring round on `netuid` (fresh metagraph). */
  async round(netuid: number, slot: number): Promise<RoundResult> {
    const { config, store, chain, query, open } = this.deps;
    const s = subnetSettings(config, netuid);
    const metagraph = await chain.metagraph(netuid);
    this.metagraphs.set(netuid, metagraph);
    return runRound({
      metagraph,
      sample: s.sample,
      seed: this.deps.roundSeed?.() ?? randomBytes(16).toString("hex"),
      query,
      timeoutMs: s.timeoutMs,
      store,
      slot,
      selfHotkey: this.deps.hotkey,
      kindWeights: kindWeights(s.taskMix, { openEnabled: s.openEnabled && open !== undefined }),
      ...(open ? { open } : {}),
      concurrency: config.concurrency,
      alpha: s.emaAlpha,
      ...(this.deps.logger ? { logger: this.deps.logger } : {}),
    });
  }

  /** Decides what is due on `netuid` at `slot` and does it. */
  async tick(netuid: number, slot: number): Promise<TickResult> {
    const { chain, store, config, hotkey } = this.deps;
    const state = await chain.subnetState(netuid, hotkey, slot);
    const metagraph = this.metagraphs.get(netuid) ?? (await chain.metagraph(netuid));
    this.metagraphs.set(netuid, metagraph);
    const schedule = decide({
      netuid,
      slot,
      epoch: state.epoch,
      commitReveal: state.commitReveal,
      revealPeriod: state.revealPeriod,
      rateLimit: state.rateLimit,
      ...(state.lastUpdate !== undefined ? { lastUpdate: state.lastUpdate } : {}),
      permit: state.permit,
      hasWeights: this.weights(netuid, metagraph).uids.length > 0,
      commits: store.commits(netuid),
      settlements: this.deps.settlement ? store.settlements(netuid) : [],
      firstEpoch: this.deps.settlement ? state.firstEpoch : state.epoch.epoch,
      lastMintedSlot: await chain.lastMintedSlot(),
      options: {
        commitAfterSlots: config.commitAfterSlots,
        commitGuardSlots: config.commitGuardSlots,
        maxBacklog: config.maxSettleBacklog,
        coinbaseInterval: config.coinbaseIntervalSlots,
      },
    });
    for (const r of schedule.refused) this.deps.logger?.warn({ netuid, reason: r.reason }, r.message);
    const outcomes: ActionOutcome[] = [];
    for (const action of schedule.due) {
      try {
        const detail = await this.execute(action, state, metagraph);
        outcomes.push({ action, ok: true, detail });
        this.deps.logger?.info({ netuid, action: action.kind, detail }, "action done");
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        outcomes.push({ action, ok: false, detail });
        this.deps.logger?.error({ netuid, action, err: detail }, "action failed; will retry");
      }
    }
    store.setLastSlot(netuid, slot);
    return { netuid, slot, schedule, outcomes };
  }

  /** A round and a tick on every configured subnet. */
  async step(): Promise<TickResult[]> {
    const out: TickResult[] = [];
    for (const netuid of this.deps.config.netuids) {
      const slot = await this.deps.chain.currentSlot();
      try {
        this.deps.onRound?.(await this.round(netuid, slot));
      } catch (e) {
        this.deps.logger?.error({ netuid, err: e instanceof Error ? e.message : String(e) }, "round failed");
      }
      out.push(await this.tick(netuid, slot));
    }
    return out;
  }

  /**
   * Steps until `signal` aborts, pausing `roundIntervalMs` between steps. A step fails as a whole only when
   * the chain cannot be read (the RPC client has already retried): then the pause backs off (`nextStepDelay`)
   * until a step succeeds again.
   */
  async run(signal: AbortSignal, opts: RunOptions = {}): Promise<void> {
    const pause = opts.sleep ?? sleep;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const results = await this.step();
        failures = 0;
        opts.onStep?.(results);
      } catch (e) {
        failures++;
        opts.onStepFailure?.(e);
        this.deps.logger?.error(
          {
            err: e instanceof Error ? e.message : String(e),
            failures,
            retryInMs: nextStepDelay(failures, this.deps.config.roundIntervalMs),
          },
          "step failed",
        );
      }
      await pause(nextStepDelay(failures, this.deps.config.roundIntervalMs), signal);
    }
  }

  private weights(netuid: number, metagraph: Metagraph) {
    return weightInput(metagraph.neurons, this.deps.store.scores(netuid), { selfHotkey: this.deps.hotkey });
  }

  private async execute(a: Action, state: SubnetChainState, metagraph: Metagraph): Promise<string> {
    const { chain, store, codec, hotkey } = this.deps;
    switch (a.kind) {
      case "commit": {
        const w = this.weights(a.netuid, metagraph);
        const { uids, values } = codec.normalise(w.uids, w.scores);
        if (uids.length === 0) return "nothing to commit";
        const salt = codec.randomSalt();
        const versionKey = state.versionKey;
        const hash = codec.commitHash({ hotkey, netuid: a.netuid, uids, values, salt, versionKey });
        // Write-ahead: the salt is on disk before the hash can be on chain.
        const row = store.recordCommitIntent({
          netuid: a.netuid,
          epoch: a.epoch,
          hotkey,
          hash,
          salt,
          weights: codec.pack(uids, values),
          versionKey,
        });
        const tx = await chain.commitWeights(a.netuid, row.hash as Hex);
        store.markCommitSent(row.id, tx);
        return `commit ${row.hash} for epoch ${a.epoch} sent in ${tx}`;
      }
      case "recoverCommit": {
        const c = this.commitRow(a.commitId);
        if (await chain.hasPendingCommit(a.netuid, hotkey, c.hash as Hex)) {
          store.markCommitted(c.id);
          return `commit ${c.hash} found on chain`;
        }
        if (!a.resendable) {
          store.markExpired(c.id);
          return `commit ${c.hash} of epoch ${c.epoch} never landed; its epoch is over`;
        }
        const tx = await chain.commitWeights(a.netuid, c.hash as Hex);
        store.markCommitSent(c.id, tx);
        return `commit ${c.hash} resent in ${tx} (same salt)`;
      }
      case "confirmCommit": {
        const c = this.commitRow(a.commitId);
        const status = await chain.txStatus(c.commitTx as Hex);
        if (status === "pending") return `commit tx ${c.commitTx} not yet confirmed`;
        if (status === "confirmed" || (await chain.hasPendingCommit(a.netuid, hotkey, c.hash as Hex))) {
          store.markCommitted(c.id);
          return `commit ${c.hash} confirmed`;
        }
        if (state.epoch.epoch === c.epoch) {
          const tx = await chain.commitWeights(a.netuid, c.hash as Hex);
          store.markCommitSent(c.id, tx);
          return `commit tx ${c.commitTx} ${status}; resent in ${tx}`;
        }
        store.markExpired(c.id);
        return `commit tx ${c.commitTx} ${status} and epoch ${c.epoch} is over`;
      }
      case "reveal": {
        const c = this.commitRow(a.commitId);
        if (!(await chain.hasPendingCommit(a.netuid, hotkey, c.hash as Hex))) {
          // Committed (confirmed) but no longer pending inside its window: an earlier reveal went through.
          store.markRevealed(c.id);
          return `commit ${c.hash} already revealed`;
        }
        const { uids, values } = codec.unpack(c.weights);
        const tx = await chain.revealWeights(a.netuid, { uids, values, salt: c.salt as Hex, versionKey: c.versionKey });
        store.markRevealing(c.id, tx);
        return `reveal of epoch ${c.epoch} sent in ${tx}`;
      }
      case "confirmReveal": {
        const c = this.commitRow(a.commitId);
        const status = await chain.txStatus(c.revealTx as Hex);
        if (status === "pending") return `reveal tx ${c.revealTx} not yet confirmed`;
        if (status === "confirmed" || !(await chain.hasPendingCommit(a.netuid, hotkey, c.hash as Hex))) {
          store.markRevealed(c.id);
          return `reveal of epoch ${c.epoch} confirmed`;
        }
        store.markCommitted(c.id); // reveal again on the next tick, while the window is open
        return `reveal tx ${c.revealTx} ${status}; will reveal again`;
      }
      case "expire": {
        store.markExpired(a.commitId);
        return a.reason;
      }
      case "setWeights": {
        const w = this.weights(a.netuid, metagraph);
        const { uids, values } = codec.normalise(w.uids, w.scores);
        if (uids.length === 0) return "nothing to set";
        const tx = await chain.setWeights(a.netuid, { uids, values, versionKey: state.versionKey });
        return `weights set in ${tx}`;
      }
      case "settle": {
        const settlement = this.settlementPort();
        let row = store.settlement(a.netuid, a.epoch);
        if (!row) {
          const { root, bonds } = await settlement.compute(a.netuid, a.epoch);
          row = store.transaction(() => {
            store.putBonds(a.netuid, a.epoch, bonds);
            return store.recordSettlement(a.netuid, a.epoch, root);
          });
        }
        const tx = await settlement.submit(a.netuid, a.epoch, row.root as Hex);
        store.markSettlementSubmitted(a.netuid, a.epoch, tx);
        return `root ${row.root} of epoch ${a.epoch} submitted in ${tx}`;
      }
      case "checkSettlement": {
        if ((await this.settlementPort().status(a.netuid, a.epoch)) !== "finalised")
          return `epoch ${a.epoch} not final yet`;
        store.markSettlementFinalised(a.netuid, a.epoch);
        return `epoch ${a.epoch} finalised`;
      }
      case "claim": {
        const tx = await this.settlementPort().claim(a.netuid, a.epoch);
        store.markSettlementClaimed(a.netuid, a.epoch, tx);
        return tx ? `epoch ${a.epoch} claimed in ${tx}` : `nothing to claim in epoch ${a.epoch}`;
      }
      case "coinbase": {
        return `coinbase in ${await chain.coinbase()}`;
      }
    }
  }

  private commitRow(id: number) {
    const c = this.deps.store.commit(id);
    if (!c) throw new Error(`commit ${id} vanished from the store`);
    return c;
  }

  private settlementPort(): SettlementPort {
    if (!this.deps.settlement) throw new Error("no settlement port configured");
    return this.deps.settlement;
  }
}
