import { WeightsInputError } from "./errors.js";
import { U16_MAX } from "./limits.js";
import type { WeightEntry } from "./types.js";

/** An IEEE-754 double as an exact dyadic rational `mantissa * 2^exponent` (mantissa >= 0). */
interface Dyadic {
  mantissa: bigint;
  exponent: number;
}

/** Decomposes a finite, non-negative double exactly (no rounding), from its bits. */
function toDyadic(x: number): Dyadic {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // Normal: (2^52 + f) * 2^(e - 1075); subnormal (biased 0): f * 2^-1074.
  return biased === 0
    ? { mantissa: fraction, exponent: -1074 }
    : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** `round(a / b)` for a, b > 0, halves away from zero (for non-negative values: halves up). */
function divRoundHalfUp(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

/** `round(x * 65535 / max)` computed exactly from the two doubles' bits; halves away from zero. */
function upscaleExact(x: Dyadic, max: Dyadic): bigint {
  const shift = x.exponent - max.exponent;
  const num = x.mantissa * BigInt(U16_MAX);
  return shift >= 0
    ? divRoundHalfUp(num << BigInt(shift), max.mantissa)
    : divRoundHalfUp(num, max.mantissa << BigInt(-shift));
}

function checkScore(uid: number, score: number): void {
  if (!Number.isInteger(uid) || uid < 0 || uid > U16_MAX) {
    throw new WeightsInputError(`uid ${uid} is not an integer in 0..${U16_MAX}`);
  }
  if (!Number.isFinite(score) || score < 0) {
    throw new WeightsInputError(`score ${score} of uid ${uid} must be a finite number >= 0 (clip or drop it)`);
  }
}

/**
 * Turns float scores into the u16 weights validators commit, the way subtensor stores them: max-upscaled so the
 * largest score becomes 65535, each value `round(score * 65535 / maxScore)` with halves rounded away from zero.
 * The arithmetic is exact (each double is decomposed into an integer times a power of two and the ratio is
 * rounded in BigInt), so every validator gets the same integers from the same floats on any platform; no float
 * operation happens after the input.
 *
 * `scores` is dense (index = uid) or a map from uid to score. Entries that round to 0 are dropped (they weigh
 * nothing; sending them only costs calldata), unless `keepZeros` is set. All-zero scores give no entries.
 * The result is sorted by uid, ready for {@link packWeights}.
 */
export function normaliseScores(
  scores: readonly number[] | ReadonlyMap<number, number>,
  options: { keepZeros?: boolean } = {},
): WeightEntry[] {
  const pairs: Array<[number, number]> = Array.isArray(scores)
    ? (scores as readonly number[]).map((s, uid) => [uid, s])
    : [...(scores as ReadonlyMap<number, number>).entries()].sort((a, b) => a[0] - b[0]);
  pairs.forEach(([uid, s]) => checkScore(uid, s));
  let max = 0;
  for (const [, s] of pairs) if (s > max) max = s;
  if (max === 0) return options.keepZeros ? pairs.map(([uid]) => ({ uid, value: 0 })) : [];
  const maxD = toDyadic(max);
  const out: WeightEntry[] = [];
  for (const [uid, s] of pairs) {
    const value = Number(upscaleExact(toDyadic(s), maxD));
    if (value !== 0 || options.keepZeros) out.push({ uid, value });
  }
  return out;
}

// ----- subtensor's `vec_u16_max_upscale_to_u16`, bit-exact in I32F32 ---------------------------------------------

const FRAC = 32n;
const HALF = 1n << (FRAC - 1n);
const U16_MAX_BIG = BigInt(U16_MAX);

/** I32F32 `round()` (half away from zero; inputs here are >= 0) then `saturating_to_num::<u16>()`. */
function roundToU16(bits: bigint): number {
  const r = (bits + HALF) >> FRAC;
  return Number(r > U16_MAX_BIG ? U16_MAX_BIG : r);
}

/**
 * subtensor's `vec_u16_max_upscale_to_u16` (epoch/math.rs), which `set_weights` applies before storing a row:
 * values as I32F32 integers; if the max is above 32768, each `e * (65535 / max)`, else each `(e * 65535) / max`
 * (I32F32 division truncates, multiplication floors), then rounded half away from zero. The contract accepts only
 * vectors this function leaves unchanged (maximum 65535, or all zero); run other u16 vectors through it first.
 */
export function maxUpscaleU16(values: readonly number[]): number[] {
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > U16_MAX) {
      throw new WeightsInputError(`value ${v} at index ${i} is not an integer in 0..${U16_MAX}`);
    }
  });
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max === 0) return [...values];
  const maxB = BigInt(max);
  if (max > 32768) {
    // u16_max.safe_div(max): ((65535 << 32) << 32) / (max << 32) = floor(65535 * 2^32 / max) as bits.
    const factor = (U16_MAX_BIG << FRAC) / maxB;
    // e.saturating_mul(factor): ((e << 32) * factor) >> 32 = e * factor (bits), no saturation (< 2^63).
    return values.map((e) => roundToU16(BigInt(e) * factor));
  }
  // e.saturating_mul(u16_max) = e * 65535 (< 2^31, no saturation), .safe_div(max) = floor(e * 65535 * 2^32 / max).
  return values.map((e) => roundToU16(((BigInt(e) * U16_MAX_BIG) << FRAC) / maxB));
}

/** Whether `values` are already max-upscaled (what the contract requires): maximum 65535, or all zero. */
export function isMaxUpscaled(values: readonly number[]): boolean {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max === 0 || max === U16_MAX;
}
