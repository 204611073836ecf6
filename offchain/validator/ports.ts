/**
 * The seams between the validator's logic and the modules built beside it. Each is a plain interface so the
 * validator runs against fakes in tests and against the real adapters (viem chain client, weights codec,
 * epoch worker, dendrite) in production; nothing here depends on how those are implemented.
 */
import type { EpochInfo, Permit } from "./schedule.js";
import type { Metagraph } from "./metagraph.js";

export type Hex = `0x${string}`;

/** What the validator reads about one subnet at one slot. */
export interface SubnetChainState {
  /**
   * The netuid's life (the registry's `generation`): it changes when the subnet is dissolved and the netuid is
   * created again, with epochs counted from 0 again.
   */
  life: number;
  epoch: EpochInfo;
  commitReveal: boolean;
  revealPeriod: number;
  rateLimit: number;
  versionKey: bigint;
  /** Slot of this hotkey's last commit / setWeights (undefined if never). */
  lastUpdate?: number;
  permit: Permit;
  /** First epoch worth settling (the one holding the subnet's emission start). */
  firstEpoch: number;
  /** What a weight vector must satisfy on this subnet (checked by the contract at reveal / setWeights). */
  rules: WeightRules;
}

/** The registry's rules for a weight vector (Weights._checkVector), and who the validator is. */
export interface WeightRules {
  /** Uids in use (dense: 0..neuronCount − 1). */
  neuronCount: number;
  /** A vector needs at least min(minAllowedWeights, neuronCount) entries (unless a single self-weight). */
  minAllowedWeights: number;
  /** u16: the largest entry's share of the sum may be at most maxWeightLimit / 65535; 65535 = off. */
  maxWeightLimit: number;
  /** The validator's own uid, when registered. */
  selfUid?: number;
}

/** A vector fitted to the rules, or why none can pass them (nothing is sent then). */
export type FittedWeights =
  | {
      ok: true;
      uids: number[];
      values: number[];
      /** Zero-value uids added to reach minAllowedWeights. */
      padded: number[];
      /** Whether the largest scores were clipped to respect maxWeightLimit. */
      clipped: boolean;
    }
  | { ok: false; reason: string };

/** Gets a signed tx's hash and nonce before it is broadcast. */
export type OnSent = (tx: Hex, nonce: number) => void;

export type TxStatus = "confirmed" | "reverted" | "pending" | "unknown";

/** Chain access (viem adapter): reads at the configured confirmation depth, writes signed by the hotkey. */
export interface ChainPort {
  /** Slot of the newest block at the confirmation depth. */
  currentSlot(): Promise<number>;
  lastMintedSlot(): Promise<number>;
  metagraph(netuid: number): Promise<Metagraph>;
  subnetState(netuid: number, hotkey: Hex, slot: number): Promise<SubnetChainState>;
  /**
   * Sends the commit. The tx is signed first and `onSent` gets its hash and nonce before it is broadcast, so the
   * caller can record them: a crash, a failed broadcast or a receipt timeout then leaves a known tx (and nonce) to
   * look up, never a tx that may land unseen.
   */
  commitWeights(netuid: number, hash: Hex, onSent?: OnSent): Promise<Hex>;
  /** Sends the reveal; `onSent` as for {@link ChainPort.commitWeights}. */
  revealWeights(
    netuid: number,
    reveal: { uids: number[]; values: number[]; salt: Hex; versionKey: bigint },
    onSent?: OnSent,
  ): Promise<Hex>;
  /** Sets weights (commit-reveal off); `onSent` as for {@link ChainPort.commitWeights}. */
  setWeights(
    netuid: number,
    weights: { uids: number[]; values: number[]; versionKey: bigint },
    onSent?: OnSent,
  ): Promise<Hex>;
  /**
   * The commit epochs (oldest first) of the hotkey's commits on chain with hash `hash` that are still in its queue
   * (`Weights.pendingCommits`: unrevealed; an expired one stays listed until the hotkey's next commit or reveal
   * drops it). Empty when there is none. The epoch is the registry's epoch at the block the commit landed in.
   */
  pendingCommitEpochs(netuid: number, hotkey: Hex, hash: Hex): Promise<number[]>;
  /** The netuid's life (the registry's `generation`), as in {@link SubnetChainState.life}. */
  subnetLife(netuid: number): Promise<number>;
  /** Whether `netuid` exists on chain (the registry's `subnetExists`). */
  subnetExists(netuid: number): Promise<boolean>;
  txStatus(tx: Hex): Promise<TxStatus>;
  /**
   * Whether the hotkey's tx with this nonce is confirmed (its nonce at the confirmed depth is past `nonce`): a tx
   * of ours with that nonce that the node does not know can then never land.
   */
  nonceUsed(nonce: number): Promise<boolean>;
  coinbase(): Promise<Hex>;
}

/** The weights codec: u16 normalisation, packing and the commit hash, exactly as the contract computes it. */
export interface WeightsCodec {
  /** Scores → u16 values (max-upscaled); uids with a zero value may be dropped. */
  normalise(uids: readonly number[], scores: readonly number[]): { uids: number[]; values: number[] };
  /**
   * Scores → a vector the contract accepts under `rules`: normalised, the largest scores clipped to respect
   * maxWeightLimit, padded with zero-value uids up to min(minAllowedWeights, neuronCount); or the reason none can.
   */
  fit(uids: readonly number[], scores: readonly number[], rules: WeightRules): FittedWeights;
  pack(uids: readonly number[], values: readonly number[]): Uint8Array;
  unpack(packed: Uint8Array): { uids: number[]; values: number[] };
  commitHash(c: {
    hotkey: Hex;
    netuid: number;
    uids: readonly number[];
    values: readonly number[];
    salt: Hex;
    versionKey: bigint;
  }): Hex;
  randomSalt(): Hex;
}

/**
 * Thrown by a port when the chain has not reached what the action needs yet (an epoch not closed at the
 * confirmed head, which lags the slot the service scheduled from). The service logs it as waiting, not as a
 * failure, and tries again on a later step.
 */
export class NotYetError extends Error {
  override readonly name = "NotYetError";
}

/** The epoch worker: Yuma off-chain, root submission, finality, claims. */
export interface SettlementPort {
  compute(netuid: number, epoch: number): Promise<{ root: Hex; bonds: Uint8Array }>;
  submit(netuid: number, epoch: number, root: Hex): Promise<Hex>;
  status(netuid: number, epoch: number): Promise<"pending" | "finalised">;
  /** Claims what is ours in the epoch; undefined when there is nothing to claim. */
  claim(netuid: number, epoch: number): Promise<Hex | undefined>;
  /**
   * Deletes what was kept on disk for these epochs of the netuid's current life (their results and tree dumps),
   * once every leaf of each is claimed; returns how many files went.
   */
  forget?(netuid: number, epochs: readonly number[]): Promise<number>;
}
