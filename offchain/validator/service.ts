/**
 * The validator process for one or more subnets: each step, per subnet, syncs the metagraph, runs a scoring
 * round, then asks the schedule what is due and does it. Every chain write that leaves something to finish
 * later is recorded in the store first (write-ahead), so a restart resumes where the crash left off: the
 * schedule sees the store's state and emits recoverCommit / confirmCommit / reveal / confirmReveal / settle.
 * One failing action is logged and retried on a later step, and one failing subnet is logged with its netuid
 * while the others go on; neither stops the loop.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { kindWeights } from "../scoring/mix.js";
import { weightInput } from "../scoring/weights.js";
import type { CommitRow, ValidatorStore } from "../store/validatorStore.js";
import type { ValidatorConfig } from "./config.js";
import { subnetSettings } from "./config.js";
import type { Metagraph } from "./metagraph.js";
import {
  NotYetError,
  type ChainPort,
  type FittedWeights,
  type Hex,
  type SettlementPort,
  type SubnetChainState,
  type WeightsCodec,
} from "./ports.js";
import { runRound, type OpenModel, type QueryFn, type RoundResult } from "./round.js";
import { decide, type Action, type Refusal, type Schedule } from "./schedule.js";
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
  /** Per netuid, the epoch before which the store was last pruned (pruning runs once per epoch). */
  private readonly prunedBefore = new Map<number, number>();
  /** Slot at which this process last sent a coinbase: the confirmed read of lastMintedSlot lags it. */
  private coinbaseSlot = Number.NEGATIVE_INFINITY;
  /**
   * Per netuid, the life and slot of this process's last commit or setWeights: the confirmed read of lastUpdate
   * lags it (a second setWeights in the same epoch would otherwise follow, with a rate limit of 0).
   */
  private readonly ownUpdate = new Map<number, { life: number; slot: number }>();
  /** Per netuid, the epoch of the last step and the refusals (`refusalKey`) standing at it. */
  private readonly refusalsWarned = new Map<number, { epoch: number; keys: Set<string> }>();

  constructor(private readonly deps: ServiceDeps) {}

  /**
   * One scoring round on `netuid` (fresh metagraph). When `signal` aborts (the validator is stopping), the
   * queries still in flight are dropped as unscored: their miners' EMAs are left as they are.
   */
  async round(netuid: number, slot: number, signal?: AbortSignal): Promise<RoundResult> {
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
      openPrompts: config.openPrompts,
      maxOpenAnswerChars: config.maxOpenAnswerChars,
      promptFloorMargin: config.promptFloorMargin,
      concurrency: config.concurrency,
      alpha: s.emaAlpha,
      ...(signal ? { signal } : {}),
      ...(this.deps.logger ? { logger: this.deps.logger } : {}),
    });
  }

  /**
   * Decides what is due on `netuid` and does it. The slot is read from the chain when the tick starts (a round
   * before it may have taken up to its timeout), unless `slot` is given. No action is started once `signal`
   * has aborted.
   */
  async tick(netuid: number, slot?: number, signal?: AbortSignal): Promise<TickResult> {
    const { chain, store, config, hotkey, codec } = this.deps;
    const now = slot ?? (await chain.currentSlot());
    const state = await chain.subnetState(netuid, hotkey, now);
    this.enterLife(netuid, state.life, now);
    const metagraph = this.metagraphs.get(netuid) ?? (await chain.metagraph(netuid));
    this.metagraphs.set(netuid, metagraph);
    const w = this.weights(netuid, metagraph);
    const fitted = codec.fit(w.uids, w.scores, state.rules);
    const own = this.ownUpdate.get(netuid);
    const lastUpdate =
      own !== undefined && own.life === state.life && own.slot > (state.lastUpdate ?? 0) ? own.slot : state.lastUpdate;
    const schedule = decide({
      netuid,
      slot: now,
      epoch: state.epoch,
      commitReveal: state.commitReveal,
      revealPeriod: state.revealPeriod,
      rateLimit: state.rateLimit,
      ...(lastUpdate !== undefined ? { lastUpdate } : {}),
      versionKey: state.versionKey,
      permit: state.permit,
      hasWeights: w.uids.length > 0,
      ...(fitted.ok ? {} : { weightsProblem: fitted.reason }),
      commits: store.commits(netuid),
      settlements: this.deps.settlement ? store.settlements(netuid) : [],
      firstEpoch: this.deps.settlement ? state.firstEpoch : state.epoch.epoch,
      // Our own coinbase may not be at the confirmed depth yet: never send a second one for it.
      lastMintedSlot: Math.max(await chain.lastMintedSlot(), this.coinbaseSlot),
      options: {
        commitAfterSlots: config.commitAfterSlots,
        commitGuardSlots: config.commitGuardSlots,
        maxBacklog: config.maxSettleBacklog,
        coinbaseInterval: config.coinbaseIntervalSlots,
      },
    });
    this.logRefusals(netuid, state.epoch.epoch, schedule.refused);
    const outcomes: ActionOutcome[] = [];
    const ctx: ExecuteContext = { state, fitted, slot: now };
    for (const action of schedule.due) {
      if (signal?.aborted) break;
      try {
        const detail = await this.execute(action, ctx);
        outcomes.push({ action, ok: true, detail });
        // A commit that expired unrevealed cost the epoch's weights: worth more than an info line.
        if (action.kind === "expire") this.deps.logger?.warn({ netuid, action: action.kind, detail }, "commit expired");
        else this.deps.logger?.info({ netuid, action: action.kind, detail }, "action done");
      } catch (e) {
        const detail = errText(e);
        outcomes.push({ action, ok: false, detail });
        if (e instanceof NotYetError) this.deps.logger?.info({ netuid, action, detail }, "waiting for the chain");
        else this.deps.logger?.error({ netuid, action, err: detail }, "action failed; will retry");
      }
    }
    store.setLastSlot(netuid, now);
    await this.prune(netuid, state.epoch.epoch);
    return { netuid, slot: now, schedule, outcomes };
  }

  /**
   * A refusal is a warning when it comes up: the first step of an epoch it stands in, or a step after one
   * without it. While it stands (every step, until miners answer or the permit comes) it is repeated at debug
   * level only. Refusals are told apart by action, reason and what the fix depends on (registered or not, stake
   * short or enough, which weights problem), not by figures that move every step.
   */
  private logRefusals(netuid: number, epoch: number, refused: readonly Refusal[]): void {
    const before = this.refusalsWarned.get(netuid);
    const keys = new Set<string>();
    for (const r of refused) {
      const key = refusalKey(r);
      keys.add(key);
      const standing = before?.epoch === epoch && before.keys.has(key);
      this.deps.logger?.[standing ? "debug" : "warn"]({ netuid, reason: r.reason }, r.message);
    }
    this.refusalsWarned.set(netuid, { epoch, keys });
  }

  /**
   * Once per epoch: the store drops finished rows older than `keepEpochs` epochs (see ValidatorStore.prune), and
   * the settlement port the results and tree dumps of the claimed epochs among them (every leaf claimed: no proof
   * is needed any more). A failure to delete files is logged; the rows go regardless and the files stay.
   */
  private async prune(netuid: number, epoch: number): Promise<void> {
    const before = epoch - this.deps.config.keepEpochs;
    if (before <= 0 || this.prunedBefore.get(netuid) === before) return;
    const { store, settlement, logger } = this.deps;
    const claimed = store.settlements(netuid).filter((s) => s.status === "claimed" && s.epoch < before);
    const deleted = store.prune(netuid, before);
    this.prunedBefore.set(netuid, before);
    if (deleted.commits + deleted.settlements + deleted.bonds > 0) {
      logger?.info({ netuid, beforeEpoch: before, deleted }, "store: pruned finished rows");
    }
    if (claimed.length === 0 || settlement?.forget === undefined) return;
    const epochs = claimed.map((s) => s.epoch);
    try {
      const files = await settlement.forget(netuid, epochs);
      if (files > 0) logger?.info({ netuid, beforeEpoch: before, files }, "results: deleted claimed epochs' files");
    } catch (e) {
      logger?.warn(
        { netuid, epochs, err: errText(e) },
        `could not delete the results of claimed epochs ${epochs.join(", ")} of netuid ${netuid}; they stay on disk`,
      );
    }
  }

  /**
   * Follows the netuid into its current life: when the subnet was dissolved and created again (its epochs count
   * from 0 again), the store drops the old life's rows and the cached metagraph goes.
   */
  private enterLife(netuid: number, life: number, slot: number): void {
    const change = this.deps.store.enterLife(netuid, life, slot);
    if (!change) return;
    this.metagraphs.delete(netuid);
    this.deps.logger?.warn(
      { netuid, from: change.from, to: change.to, fromSinceSlot: change.fromSinceSlot, slot, dropped: change.dropped },
      `subnet ${netuid} was dissolved and created again (life ${change.from}, validated here since slot ` +
        `${change.fromSinceSlot}, -> life ${change.to} at slot ${slot}): starting afresh on it`,
    );
  }

  /**
   * A round and a tick on every configured subnet. Only an unreadable chain (the first slot read) fails the
   * step; a subnet whose round or tick fails is logged with its netuid and the other subnets go on. Once
   * `signal` aborts, no further round or tick starts.
   */
  async step(signal?: AbortSignal): Promise<TickResult[]> {
    const out: TickResult[] = [];
    const slot = await this.deps.chain.currentSlot();
    for (const netuid of this.deps.config.netuids) {
      if (signal?.aborted) break;
      try {
        // Before the round: its scores must land in the subnet's current life.
        this.enterLife(netuid, await this.deps.chain.subnetLife(netuid), slot);
        // Not `onRound?.(await this.round(…))`: an optional call skips its arguments, and so the round.
        const r = await this.round(netuid, slot, signal);
        this.deps.onRound?.(r);
      } catch (e) {
        this.deps.logger?.error({ netuid, err: errText(e) }, `round failed on netuid ${netuid}${hint(netuid, e)}`);
      }
      if (signal?.aborted) break;
      try {
        out.push(await this.tick(netuid, undefined, signal));
      } catch (e) {
        this.deps.logger?.error(
          { netuid, err: errText(e) },
          `tick failed on netuid ${netuid}; the other subnets go on${hint(netuid, e)}`,
        );
      }
    }
    return out;
  }

  /** Configured netuids that do not exist on chain (throws only when the chain cannot be read). */
  async missingSubnets(): Promise<number[]> {
    const missing: number[] = [];
    for (const netuid of this.deps.config.netuids) {
      if (!(await this.deps.chain.subnetExists(netuid))) missing.push(netuid);
    }
    return missing;
  }

  /** Refuses (throws) when a configured netuid does not exist on chain; for a caller that wants to stop early. */
  async assertSubnetsExist(): Promise<void> {
    const missing = await this.missingSubnets();
    if (missing.length > 0) throw new Error(missingMessage(missing, this.deps.config.netuids));
  }

  /**
   * Steps until `signal` aborts, pausing `roundIntervalMs` between steps. At the start it flags (logs) configured
   * netuids that do not exist on chain. A step fails as a whole only when the chain cannot be read (the RPC
   * client has already retried): then the pause backs off (`nextStepDelay`) until a step succeeds again.
   *
   * Stopping: abort `signal` and await this promise before closing the dendrites. The round in flight drops its
   * in-flight queries as unscored at once (no EMA update), and no transaction is started after the abort; a
   * transaction already sent finishes its receipt wait.
   */
  async run(signal: AbortSignal, opts: RunOptions = {}): Promise<void> {
    const pause = opts.sleep ?? sleep;
    try {
      const missing = await this.missingSubnets();
      if (missing.length > 0) this.deps.logger?.error({ missing }, missingMessage(missing, this.deps.config.netuids));
    } catch (e) {
      this.deps.logger?.warn({ err: errText(e) }, "could not check that the configured subnets exist");
    }
    let failures = 0;
    while (!signal.aborted) {
      try {
        const results = await this.step(signal);
        failures = 0;
        opts.onStep?.(results);
      } catch (e) {
        failures++;
        opts.onStepFailure?.(e);
        this.deps.logger?.error(
          {
            err: errText(e),
            failures,
            retryInMs: nextStepDelay(failures, this.deps.config.roundIntervalMs),
          },
          "step failed",
        );
      }
      if (signal.aborted) break;
      const delay = nextStepDelay(failures, this.deps.config.roundIntervalMs);
      const every = this.deps.config.tickIntervalMs;
      if (failures > 0 || every === 0 || delay <= every) {
        await pause(delay, signal);
        continue;
      }
      // A long pause between rounds: the schedule still runs every `tickIntervalMs` (commit and reveal windows
      // are an epoch or less), without a round.
      for (let left = delay; left > 0 && !signal.aborted;) {
        const d = Math.min(left, every);
        await pause(d, signal);
        left -= d;
        if (left > 0 && !signal.aborted) await this.tickAll(signal);
      }
    }
  }

  /** A tick on every configured subnet (no round); a failing one is logged and the others go on. */
  private async tickAll(signal: AbortSignal): Promise<void> {
    for (const netuid of this.deps.config.netuids) {
      if (signal.aborted) return;
      try {
        await this.tick(netuid, undefined, signal); // it follows the netuid's life itself
      } catch (e) {
        this.deps.logger?.warn({ netuid, err: errText(e) }, `tick between rounds failed on netuid ${netuid}`);
      }
    }
  }

  /**
   * The weight input of `netuid`. When its rounds send open prompts (the mix has an open share and the validator
   * has a model: the same test `round` draws its tasks with), each uid's weight is its open average gated by its
   * verifiable one (τ = `verifiableGate`); otherwise its verifiable average (scoring/weights.ts). A mix with an
   * open share but no model to score it is refused by the config; given no `open` model here anyway, the rounds
   * draw verifiable tasks only and the weights follow them, rather than zeroing every uid on an open average that
   * nothing updates.
   */
  private weights(netuid: number, metagraph: Metagraph) {
    const s = subnetSettings(this.deps.config, netuid);
    const openEnabled = s.openEnabled && this.deps.open !== undefined;
    const open = openEnabled && s.taskMix.open > 0 && (kindWeights(s.taskMix, { openEnabled }).open ?? 0) > 0;
    return weightInput(metagraph.neurons, this.deps.store.scores(netuid), {
      selfHotkey: this.deps.hotkey,
      rule: { open, gate: this.deps.config.verifiableGate },
    });
  }

  /**
   * Where the commit stands in the chain's queue: the oldest live entry with its hash (the one a reveal
   * consumes) and its commit epoch, or the newest expired one, or neither.
   */
  private async onChain(
    netuid: number,
    hash: Hex,
    state: SubnetChainState,
  ): Promise<{ live?: number; expired?: number }> {
    const epochs = await this.deps.chain.pendingCommitEpochs(netuid, this.deps.hotkey, hash);
    const live = epochs.find((e) => e + state.revealPeriod >= state.epoch.epoch);
    if (live !== undefined) return { live };
    return epochs.length > 0 ? { expired: epochs[epochs.length - 1] as number } : {};
  }

  /** Marks the commit committed in the epoch the chain recorded it in. */
  private committed(c: CommitRow, landed: number, ctx: ExecuteContext, how: string): string {
    const { state } = ctx;
    this.deps.store.markCommitted(c.id, undefined, landed);
    if (landed === state.epoch.epoch && c.epoch !== landed) {
      ctx.commitBusy = `the commit made for epoch ${c.epoch} landed in this one`;
    }
    const late = landed !== c.epoch ? ` (made for epoch ${c.epoch}, it landed in epoch ${landed})` : "";
    return `commit ${c.hash} ${how}${late}; it reveals in epoch ${landed + state.revealPeriod}`;
  }

  private async resend(c: CommitRow, netuid: number): Promise<Hex> {
    const { chain, store } = this.deps;
    let recorded = false;
    const tx = await chain.commitWeights(netuid, c.hash as Hex, (sent, nonce) => {
      store.markCommitSent(c.id, sent, nonce);
      recorded = true;
    });
    if (!recorded) store.markCommitSent(c.id, tx);
    return tx;
  }

  private async execute(a: Action, ctx: ExecuteContext): Promise<string> {
    const { chain, store, codec, hotkey } = this.deps;
    const { state, fitted } = ctx;
    switch (a.kind) {
      case "commit": {
        if (!fitted.ok) return `nothing to commit: ${fitted.reason}`;
        // An earlier epoch's commit is still in flight or has just landed in this one: a second would make two
        // commits in one epoch (revealed together, the later one's weights replacing the other's).
        if (ctx.commitBusy !== undefined) return `no commit for epoch ${a.epoch}: ${ctx.commitBusy}`;
        const { uids, values } = fitted;
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
        // The tx hash is on disk before the receipt wait: a timeout or a crash leaves a tx to look up.
        const tx = await this.resend(row, a.netuid);
        this.ownUpdate.set(a.netuid, { life: state.life, slot: ctx.slot });
        return `commit ${row.hash} for epoch ${a.epoch} sent in ${tx}${fitNote(fitted)}`;
      }
      case "recoverCommit": {
        const c = this.commitRow(a.commitId);
        const found = await this.onChain(a.netuid, c.hash as Hex, state);
        if (found.live !== undefined) return this.committed(c, found.live, ctx, "found on chain");
        if (found.expired !== undefined) {
          store.markExpired(c.id);
          return `commit ${c.hash} landed in epoch ${found.expired} but its reveal window has passed`;
        }
        // An intent holds no tx hash: the tx was never signed and recorded, so never broadcast (a store written
        // by an older validator, which recorded the hash after the broadcast, could hold one broadcast unseen).
        if (a.resendable && ctx.commitBusy !== undefined) return `commit ${c.hash} not resent: ${ctx.commitBusy}`;
        if (a.resendable) return `commit ${c.hash} resent in ${await this.resend(c, a.netuid)} (same salt)`;
        if (a.epochOver) {
          store.markExpired(c.id);
          return `commit ${c.hash} of epoch ${c.epoch} never landed; its epoch is over`;
        }
        return notResent(c, ctx.slot, state, this.landedHere(c, state.epoch.epoch));
      }
      case "confirmCommit": {
        const c = this.commitRow(a.commitId);
        const status = await chain.txStatus(c.commitTx as Hex);
        if (status === "pending") {
          ctx.commitBusy = `commit tx ${c.commitTx} (epoch ${c.epoch}) is not yet confirmed`;
          return `commit tx ${c.commitTx} not yet confirmed`;
        }
        const found = await this.onChain(a.netuid, c.hash as Hex, state);
        if (found.live !== undefined) return this.committed(c, found.live, ctx, "confirmed");
        if (found.expired !== undefined || status === "confirmed") {
          store.markExpired(c.id);
          return found.expired !== undefined
            ? `commit ${c.hash} landed in epoch ${found.expired} but its reveal window has passed`
            : `commit tx ${c.commitTx} confirmed but the commit is no longer in the chain's queue (expired and dropped)`;
        }
        if (a.resendable && ctx.commitBusy !== undefined)
          return `commit tx ${c.commitTx} ${status}; not resent: ${ctx.commitBusy}`;
        if (a.resendable)
          return `commit tx ${c.commitTx} ${status}; resent in ${await this.resend(c, a.netuid)} (same salt)`;
        if (a.epochOver) {
          // Unknown to the node is not gone: a tx dropped here can still be mined from another node's pool until
          // a tx of ours takes its nonce (the next one we send does: it gets the same nonce).
          if (status === "unknown" && c.commitNonce !== null && !(await chain.nonceUsed(c.commitNonce))) {
            return (
              `commit tx ${c.commitTx} is unknown to the node, but its nonce ${c.commitNonce} is not used yet: it ` +
              `could still land, so the commit is kept until this hotkey's next transaction takes that nonce`
            );
          }
          store.markExpired(c.id);
          return `commit tx ${c.commitTx} ${status} and epoch ${c.epoch} is over`;
        }
        return `commit tx ${c.commitTx} ${status}; ${notResent(c, ctx.slot, state, this.landedHere(c, state.epoch.epoch))}`;
      }
      case "reveal": {
        const c = this.commitRow(a.commitId);
        const found = await this.onChain(a.netuid, c.hash as Hex, state);
        if (found.live === undefined) {
          if (found.expired !== undefined) {
            store.markExpired(c.id);
            return `commit ${c.hash} (epoch ${found.expired}) expired on chain before its reveal`;
          }
          // Committed (confirmed) but no longer in the queue: an earlier reveal went through.
          store.markRevealed(c.id);
          return `commit ${c.hash} already revealed`;
        }
        const revealEpoch = found.live + state.revealPeriod;
        if (revealEpoch !== state.epoch.epoch) {
          if (c.commitEpoch !== found.live) store.markCommitted(c.id, undefined, found.live);
          return `commit ${c.hash} is recorded on chain in epoch ${found.live}: it reveals in epoch ${revealEpoch}, not now (epoch ${state.epoch.epoch})`;
        }
        const { uids, values } = codec.unpack(c.weights);
        // The reveal tx hash is on disk before the receipt wait: a timeout or a crash leaves it to look up.
        let recorded = false;
        const reveal = { uids, values, salt: c.salt as Hex, versionKey: c.versionKey };
        const tx = await chain.revealWeights(a.netuid, reveal, (sent) => {
          store.markRevealing(c.id, sent);
          recorded = true;
        });
        if (!recorded) store.markRevealing(c.id, tx);
        return `reveal of epoch ${found.live} sent in ${tx}`;
      }
      case "confirmReveal": {
        const c = this.commitRow(a.commitId);
        const status = await chain.txStatus(c.revealTx as Hex);
        if (status === "pending") return `reveal tx ${c.revealTx} not yet confirmed`;
        const found = status === "confirmed" ? {} : await this.onChain(a.netuid, c.hash as Hex, state);
        if (found.live === undefined && found.expired === undefined) {
          store.markRevealed(c.id);
          return `reveal of epoch ${c.commitEpoch ?? c.epoch} confirmed`;
        }
        if (found.live === undefined) {
          store.markExpired(c.id);
          return `reveal tx ${c.revealTx} ${status} and the commit expired on chain`;
        }
        store.markCommitted(c.id); // reveal again on the next tick, while the window is open
        return `reveal tx ${c.revealTx} ${status}; will reveal again`;
      }
      case "expire": {
        store.markExpired(a.commitId);
        return a.reason;
      }
      case "setWeights": {
        if (!fitted.ok) return `nothing to set: ${fitted.reason}`;
        // Remembered once signed: a receipt wait that times out must not lead to a second one this epoch.
        const mine = () => this.ownUpdate.set(a.netuid, { life: state.life, slot: ctx.slot });
        const weights = { uids: fitted.uids, values: fitted.values, versionKey: state.versionKey };
        const tx = await chain.setWeights(a.netuid, weights, mine);
        mine();
        return `weights set in ${tx}${fitNote(fitted)}`;
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
        // The zero hash: nothing to vote (already final or rolled over, voted before, no permit); still followed.
        return /^0x0+$/.test(tx)
          ? `root ${row.root} of epoch ${a.epoch} not voted: nothing to vote (final, rolled over, voted, or no permit)`
          : `root ${row.root} of epoch ${a.epoch} submitted in ${tx}`;
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
        const tx = await chain.coinbase();
        // The next subnet's tick (and the next step) counts it as minted before the confirmed read shows it.
        this.coinbaseSlot = Math.max(this.coinbaseSlot, ctx.slot);
        return `coinbase in ${tx}`;
      }
    }
  }

  /** Another commit of the netuid that the chain recorded in `epoch`, if any. */
  private landedHere(c: CommitRow, epoch: number): CommitRow | undefined {
    return this.deps.store.commits(c.netuid).find((o) => o.id !== c.id && o.commitEpoch === epoch);
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

interface ExecuteContext {
  state: SubnetChainState;
  /** This tick's weight vector, fitted to the subnet's rules. */
  fitted: FittedWeights;
  /** The slot the tick decided at. */
  slot: number;
  /** Set by this tick's confirmations: why no new commit may go out now (an earlier one in flight, or just landed). */
  commitBusy?: string;
}

/** What tells one standing refusal from another (see `logRefusals`). */
function refusalKey(r: Refusal): string {
  switch (r.reason) {
    case "no-permit":
      return `${r.action}:no-permit:${r.registered ? (r.stake >= r.stakeNeeded ? "enough" : "short") : "unregistered"}`;
    case "invalid-weights":
      return `${r.action}:invalid-weights:${r.message}`;
    default:
      return `${r.action}:${r.reason}`;
  }
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function hint(netuid: number, e: unknown): string {
  return /SubnetNotFound/.test(errText(e))
    ? `: netuid ${netuid} does not exist on chain (dissolved, or a typo in netuids); remove it from the config`
    : "";
}

function missingMessage(missing: readonly number[], configured: readonly number[]): string {
  return (
    `netuid${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of the configured [${configured.join(", ")}] ` +
    `do${missing.length > 1 ? "" : "es"} not exist on chain (SubnetRegistry.subnetExists is false): check --netuid / ` +
    `netuids in the config (a typo, or a dissolved subnet) and remove ${missing.length > 1 ? "them" : "it"}`
  );
}

/** Why a commit that is not on chain is not resent now (resendable is false, its epoch not over). */
function notResent(c: CommitRow, slot: number, state: SubnetChainState, landed?: CommitRow): string {
  if (landed !== undefined) {
    return (
      `commit ${c.hash} of epoch ${c.epoch} is not on chain and the commit made for epoch ${landed.epoch} landed in ` +
      `this one: not resent (two commits in one epoch); it expires once the epoch is over`
    );
  }
  if (!state.commitReveal) {
    return `commit ${c.hash} of epoch ${c.epoch} is not on chain and commit-reveal is off: not resent; it expires once the epoch is over`;
  }
  if (c.versionKey < state.versionKey) {
    return (
      `commit ${c.hash} of epoch ${c.epoch} is not on chain and was made with version key ${c.versionKey}, below ` +
      `the subnet's ${state.versionKey}: not resent; it expires once the epoch is over`
    );
  }
  return (
    `commit ${c.hash} of epoch ${c.epoch} is not on chain and slot ${slot} is within commitGuardSlots of the ` +
    `epoch's end (slot ${state.epoch.close}): a resend could land in epoch ${c.epoch + 1}; it expires once the epoch is over`
  );
}

function fitNote(f: FittedWeights): string {
  if (!f.ok) return "";
  const notes: string[] = [];
  if (f.clipped) notes.push("top scores clipped to the subnet's maxWeightLimit");
  if (f.padded.length > 0)
    notes.push(`padded with zero-weight uid(s) ${f.padded.join(", ")} to reach the subnet's minAllowedWeights`);
  return notes.length > 0 ? ` (${notes.join("; ")})` : "";
}
