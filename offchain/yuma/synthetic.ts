/**
 * Deterministic synthetic epoch states for benchmarks and property tests: a seeded 32-bit integer PRNG
 * (mulberry32, integer operations only) drives stakes, dense validator weights and prior bonds.
 */
import type { NeuronInput, U16Pairs, YumaInput, YumaParams } from "./types.js";

/** mulberry32: a 32-bit state PRNG using only integer arithmetic (Math.imul, shifts). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface SyntheticOptions {
  uids: number;
  validators: number;
  seed: number;
  /** Fraction of miners each validator weights, in 1/256 (256 = dense). */
  density256?: number;
  params?: Partial<YumaParams>;
}

export const DEFAULT_PARAMS: YumaParams = {
  kappa: 32767,
  bondsPenalty: 65535,
  bondsMovingAverage: 900_000,
  yuma3: true,
  liquidAlpha: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  alphaSigmoidSteepness: 1000,
  maxAllowedValidators: 64,
  stakeThreshold: 0n,
  ownerUid: null,
};

/** Max-upscale a row of raw u16 weights so its largest value is 65535 (integer rounding half up). */
function maxUpscale(pairs: U16Pairs): U16Pairs {
  const max = pairs.reduce((m, [, v]) => (v > m ? v : m), 0);
  if (max === 0) return pairs;
  return pairs.map(([u, v]) => [u, Math.floor((v * 65535 + (max >> 1)) / max)]);
}

/**
 * An epoch state: uids 0..validators−1 are validators (large stake, permits, weights on every other uid
 * with probability density256/256, bonds on them), the rest are miners with small stake.
 */
export function syntheticEpoch(opts: SyntheticOptions): YumaInput {
  const rand = mulberry32(opts.seed);
  const density = opts.density256 ?? 256;
  const block = 10_000n;
  const neurons: NeuronInput[] = [];
  for (let uid = 0; uid < opts.uids; uid++) {
    const isValidator = uid < opts.validators;
    const stake = isValidator ? (BigInt(rand()) << 20n) + 1_000_000_000_000n : BigInt(rand() % 1_000_000_000);
    const weights: U16Pairs = [];
    const bonds: U16Pairs = [];
    if (isValidator) {
      for (let j = 0; j < opts.uids; j++) {
        if (j === uid || (rand() & 255) >= density) continue;
        weights.push([j, 1 + (rand() % 65535)]);
        if ((rand() & 3) !== 0) bonds.push([j, 1 + (rand() % 65535)]);
      }
    }
    neurons.push({
      stake,
      lastUpdate: block - BigInt(rand() % 300),
      blockAtRegistration: BigInt(rand() % 5_000),
      validatorPermit: isValidator,
      weights: maxUpscale(weights),
      bonds,
    });
  }
  return {
    block,
    tempo: 360n,
    lastEpochBlock: block - 360n,
    activityCutoff: 5_000n,
    params: { ...DEFAULT_PARAMS, maxAllowedValidators: opts.validators, ...opts.params },
    emission: 1_000_000_000n * 360n,
    neurons,
  };
}
