/** Dense I32F32 vector helpers of subtensor's `epoch/math.rs`. */
import { ZERO, safeDiv32, type I32F32 } from "./fixed.js";

/** Plain `iter().sum()`. */
export function sum32(values: readonly I32F32[]): I32F32 {
  let s = ZERO;
  for (const v of values) s += v;
  return s;
}

/** `inplace_normalize_i32f32_with_sum`: divide every value by `sum` (safe_div) unless it is 0. */
export function normalizeUsingSum(values: readonly I32F32[], sum: I32F32): I32F32[] {
  if (sum === ZERO) return values.slice();
  return values.map((v) => safeDiv32(v, sum));
}

/** `inplace_normalize`: divide by the plain sum (safe_div) unless it is 0. */
export function normalize32(values: readonly I32F32[]): I32F32[] {
  return normalizeUsingSum(values, sum32(values));
}

/** `is_zero`: the plain sum is 0. */
export function isZero(values: readonly I32F32[]): boolean {
  return sum32(values) === ZERO;
}
