import type { Address, Hex } from "viem";

/** One weight: a destination uid and its u16 value (x/65535 of the row's maximum once max-upscaled). */
export interface WeightEntry {
  readonly uid: number;
  readonly value: number;
}

/** The inputs of a commit hash, exactly as `Weights.revealWeights` receives them (plus the caller). */
export interface CommitInput {
  /** The validator's hotkey: the account that will send the reveal. */
  readonly hotkey: Address;
  readonly netuid: number;
  /** Packed weights, from {@link packWeights}. */
  readonly packedWeights: Hex;
  /** 32 random bytes; keep them until the reveal. */
  readonly salt: Hex;
  readonly versionKey: bigint;
}
