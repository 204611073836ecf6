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
}

export type TxStatus = "confirmed" | "reverted" | "pending" | "unknown";

/** Chain access (viem adapter): reads at the configured confirmation depth, writes signed by the hotkey. */
export interface ChainPort {
  /** Slot of the newest block at the confirmation depth. */
  currentSlot(): Promise<number>;
  lastMintedSlot(): Promise<number>;
  metagraph(netuid: number): Promise<Metagraph>;
  subnetState(netuid: number, hotkey: Hex, slot: number): Promise<SubnetChainState>;
  commitWeights(netuid: number, hash: Hex): Promise<Hex>;
  revealWeights(
    netuid: number,
    reveal: { uids: number[]; values: number[]; salt: Hex; versionKey: bigint },
  ): Promise<Hex>;
  setWeights(netuid: number, weights: { uids: number[]; values: number[]; versionKey: bigint }): Promise<Hex>;
  /** Whether `hash` is one of the hotkey's pending (committed, unrevealed, unexpired) commits on chain. */
  hasPendingCommit(netuid: number, hotkey: Hex, hash: Hex): Promise<boolean>;
  txStatus(tx: Hex): Promise<TxStatus>;
  coinbase(): Promise<Hex>;
}

/** The weights codec: u16 normalisation, packing and the commit hash, exactly as the contract computes it. */
export interface WeightsCodec {
  /** Scores → u16 values (max-upscaled); uids with a zero value may be dropped. */
  normalise(uids: readonly number[], scores: readonly number[]): { uids: number[]; values: number[] };
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

/** The epoch worker: Yuma off-chain, root submission, finality, claims. */
export interface SettlementPort {
  compute(netuid: number, epoch: number): Promise<{ root: Hex; bonds: Uint8Array }>;
  submit(netuid: number, epoch: number, root: Hex): Promise<Hex>;
  status(netuid: number, epoch: number): Promise<"pending" | "finalised">;
  /** Claims what is ours in the epoch; undefined when there is nothing to claim. */
  claim(netuid: number, epoch: number): Promise<Hex | undefined>;
}
