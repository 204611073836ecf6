/**
 * Liquid alpha (Yuma 3): a per-(validator, miner) EMA rate from a sigmoid of how far the validator's weight
 * is from consensus (buying) or below its bond (selling). subtensor `liquid_alpha_sigmoid` and
 * `liquid_alpha_matrix_sparse`, bit-exact on I32F32.
 */
import { expSafe } from "./exp.js";
import { HALF, ONE, ZERO, clamp32, fromInt32, satAdd32, satDiv32, satMul32, satSub32, type I32F32 } from "./fixed.js";
import type { SparseRow } from "./sparse.js";

/** `I32F32::from_num(-100)`: the steepness divisor. */
const MINUS_HUNDRED: I32F32 = fromInt32(-100n);

export interface LiquidAlphaParams {
  /** alpha_low as I32F32 (u16 / 65535). */
  low: I32F32;
  /** alpha_high as I32F32 (u16 / 65535). */
  high: I32F32;
  /** AlphaSigmoidSteepness (i16) as I32F32. */
  steepness: I32F32;
  /** `steepness / −100` (saturating), when the caller computed it once for a whole matrix (`sigmoidRate`). */
  rate?: I32F32;
}

/** The sigmoid's rate `steepness.saturating_div(−100)`, the same for every cell of an epoch. */
export function sigmoidRate(steepness: I32F32): I32F32 {
  return satDiv32(steepness, MINUS_HUNDRED);
}

/**
 * alpha = clamp(low + σ·(high − low), low, high) with σ = 1 / (1 + exp_safe((k / −100)·(d − 0.5))),
 * d = clamp(w − c, 0, 1) when w ≥ b (buying) else clamp(b − w, 0, 1) (selling).
 */
export function liquidAlphaSigmoid(
  consensus: I32F32,
  weight: I32F32,
  bond: I32F32,
  p: LiquidAlphaParams,
  exp: (x: I32F32) => I32F32 = expSafe,
): I32F32 {
  const diffBuy = clamp32(satSub32(weight, consensus), ZERO, ONE);
  const diffSell = clamp32(satSub32(bond, weight), ZERO, ONE);
  const combined = weight >= bond ? diffBuy : diffSell;
  const exponent = satMul32(p.rate ?? sigmoidRate(p.steepness), satSub32(combined, HALF));
  const sigmoid = satDiv32(ONE, satAdd32(ONE, exp(exponent)));
  const alpha = satAdd32(p.low, satMul32(sigmoid, satSub32(p.high, p.low)));
  return clamp32(alpha, p.low, p.high);
}

/**
 * exp_safe memoised by its exact input: pure, so a cache cannot change a result. Many cells share an
 * exponent (every weight at or below consensus has d = 0), and each exp is a 30-step BigInt series.
 */
export function memoizedExpSafe(): (x: I32F32) => I32F32 {
  const cache = new Map<I32F32, I32F32>();
  return (x) => {
    let y = cache.get(x);
    if (y === undefined) {
      y = expSafe(x);
      cache.set(x, y);
    }
    return y;
  };
}

/**
 * The values `liquid_alpha_matrix_sparse` reads from a stored row for columns 0..n−1. The chain walks the
 * row with a peekable iterator that assumes ascending columns: an entry is skipped for good once a later
 * column has been reached, so in an unsorted row some entries read as 0. This reproduces that walk
 * (for sorted rows it returns every entry).
 */
export function peekWalkValues(row: SparseRow): Map<number, I32F32> {
  const seen = new Map<number, I32F32>();
  // `head` is the first column index at which the current entry becomes the iterator head.
  let head = 0;
  for (let k = 0; k < row.cols.length; k++) {
    const j = row.cols[k]!;
    if (j >= head && !seen.has(j)) seen.set(j, row.vals[k]!);
    head = Math.max(head, j + 1);
  }
  return seen;
}
