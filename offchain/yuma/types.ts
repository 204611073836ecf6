/**
 * One epoch's inputs and outputs (the JSON-lines interface of /work/shared/spec/yuma-io.md), after
 * parsing: integers that may exceed 2^53 are BigInt, u16 values and uids are numbers.
 */

/** A sparse u16 row: `[uid, value]` pairs. */
export type U16Pairs = Array<[number, number]>;

export interface YumaParams {
  /** Kappa, u16 (value / 65535): the consensus majority. */
  kappa: number;
  /** BondsPenalty, u16 (value / 65535): 0 = bonds from raw weights, 65535 = from clipped weights. */
  bondsPenalty: number;
  /** BondsMovingAverage in parts per million; the EMA rate is 1 − value / 10^6. */
  bondsMovingAverage: number;
  /** Yuma3On: absolute u16 bonds and stake-scaled dividends instead of the original max-upscaled bonds. */
  yuma3: boolean;
  /** LiquidAlphaOn (used by Yuma 3 only, as on chain). */
  liquidAlpha: boolean;
  /** AlphaValues low bound, u16. */
  alphaLow: number;
  /** AlphaValues high bound, u16. */
  alphaHigh: number;
  /** AlphaSigmoidSteepness, i16. */
  alphaSigmoidSteepness: number;
  /** MaxAllowedValidators, u16: size of the permit top-k. */
  maxAllowedValidators: number;
  /** StakeThreshold (raw stake): a smaller stake counts as 0, except the owner's. */
  stakeThreshold: bigint;
  /** uid of the subnet owner's hotkey, or null. */
  ownerUid: number | null;
}

export interface NeuronInput {
  /** Stake weight (alpha + tao_weight · root), raw integer. */
  stake: bigint;
  /** Block of the neuron's last weights. */
  lastUpdate: bigint;
  blockAtRegistration: bigint;
  /** Permit held before this epoch. */
  validatorPermit: boolean;
  /** Stored u16 weights (max-upscaled), in stored order. */
  weights: U16Pairs;
  /** Stored u16 bonds from the previous epoch, in stored order. */
  bonds: U16Pairs;
  /**
   * Commit-reveal (reference §5.5): the block of the neuron's earliest unexpired pending commit. Its weights on
   * uids registered after that block are dropped. Absent when commit-reveal is off or nothing is pending (an
   * extension of yuma-io.md's interface: inputs without it compute exactly as before).
   */
  commitBlock?: bigint;
}

export interface YumaInput {
  block: bigint;
  tempo: bigint;
  /** Block of the subnet's previous epoch; 0 = unknown (last tempo = block − tempo). */
  lastEpochBlock: bigint;
  /** Blocks after its last update at which a neuron turns inactive. */
  activityCutoff: bigint;
  params: YumaParams;
  /** Alpha (rao) to distribute this epoch, u64. */
  emission: bigint;
  /** Index = uid. */
  neurons: NeuronInput[];
}

export interface YumaOutput {
  /** Normalised stake weight, u16. */
  stake: number[];
  active: boolean[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  /** Combined emission per uid (rao). */
  emission: bigint[];
  /** Miner (server) emission per uid (rao). */
  incentiveEmission: bigint[];
  /** Validator emission per uid (rao). */
  dividendEmission: bigint[];
  /** Permits for the next epoch. */
  validatorPermit: boolean[];
  /** Bonds to store: rows sorted by uid, zero values dropped. */
  bonds: U16Pairs[];
}
