/**
 * Fixed-point arithmetic with the bit semantics of `substrate-fixed` v0.6 (the crate subtensor uses),
 * on raw BigInt values. A fixed value is its raw two's-complement integer: value = raw / 2^frac.
 *
 * | type   | raw range           | frac bits |
 * |--------|---------------------|-----------|
 * | I32F32 | [-2^63, 2^63 - 1]   | 32        |
 * | I64F64 | [-2^127, 2^127 - 1] | 64        |
 * | I96F32 | [-2^127, 2^127 - 1] | 32        |
 *
 * Rounding rules (subtensor-reference.md §1.3):
 * - multiply: full-width product, arithmetic shift right by the fractional bits → floor (toward −∞).
 *   BigInt `>>` is an arithmetic shift, so it floors negative values exactly like Rust's `>>` on i128.
 * - divide: `(a << frac) / b` with truncation toward zero; BigInt `/` truncates toward zero.
 * - `checked_*` give `undefined` on ÷0 or overflow; subtensor's `safe_div` maps that to 0.
 * - `saturating_*` clamp to the type range.
 * - narrowing conversions drop low bits (floor); fixed → integer floors and clamps (negative → 0).
 * - `iter().sum()` is plain addition: callers add with `+` and the sums used by the epoch are bounded
 *   far below the type range (each term ≤ 2^33 raw, at most 65 536 terms).
 *
 * No floating point is used anywhere in this module.
 */

/** Raw value of an I32F32 (signed 64-bit raw, 32 fractional bits). */
export type I32F32 = bigint;
/** Raw value of an I64F64 (signed 128-bit raw, 64 fractional bits). */
export type I64F64 = bigint;
/** Raw value of an I96F32 (signed 128-bit raw, 32 fractional bits). */
export type I96F32 = bigint;

export const I32F32_MIN: I32F32 = -(1n << 63n);
export const I32F32_MAX: I32F32 = (1n << 63n) - 1n;
export const I128_MIN = -(1n << 127n);
export const I128_MAX = (1n << 127n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;

/** I32F32 zero: `I32F32::from_num(0.0)` — the float literal 0.0 is exact. */
export const ZERO: I32F32 = 0n;
/** I32F32 one: `I32F32::from_num(1.0)` — the float literal 1.0 is exact, raw 2^32. */
export const ONE: I32F32 = 1n << 32n;
/** I32F32 one half: `I32F32::from_num(0.5)` — 0.5 = 2^-1 is exactly representable, raw 2^31 (no rounding). */
export const HALF: I32F32 = 1n << 31n;
/** I32F32 of `u16::MAX` (65535), raw 65535 · 2^32. */
export const U16_MAX_FIXED: I32F32 = 65535n << 32n;

/** Clamp to the I32F32 raw range. */
export function sat32(raw: bigint): I32F32 {
  if (raw > I32F32_MAX) return I32F32_MAX;
  if (raw < I32F32_MIN) return I32F32_MIN;
  return raw;
}

/** Clamp to the 128-bit raw range (I64F64 / I96F32). */
export function sat128(raw: bigint): bigint {
  if (raw > I128_MAX) return I128_MAX;
  if (raw < I128_MIN) return I128_MIN;
  return raw;
}

/** `I32F32::saturating_from_num(int)` for an integer. */
export function fromInt32(x: bigint): I32F32 {
  return sat32(x << 32n);
}

/** `a.saturating_add(b)` for I32F32. */
export function satAdd32(a: I32F32, b: I32F32): I32F32 {
  return sat32(a + b);
}

/** `a.saturating_sub(b)` for I32F32. */
export function satSub32(a: I32F32, b: I32F32): I32F32 {
  return sat32(a - b);
}

/** `a.saturating_mul(b)` for I32F32: floor((a·b) / 2^32), clamped. */
export function satMul32(a: I32F32, b: I32F32): I32F32 {
  return sat32((a * b) >> 32n);
}

/** `a.checked_mul(b)` for I32F32: undefined when the floored product leaves the range. */
export function checkedMul32(a: I32F32, b: I32F32): I32F32 | undefined {
  const r = (a * b) >> 32n;
  return r > I32F32_MAX || r < I32F32_MIN ? undefined : r;
}

/** `a.checked_div(b)` for I32F32: trunc((a·2^32) / b); undefined on ÷0 or overflow. */
export function checkedDiv32(a: I32F32, b: I32F32): I32F32 | undefined {
  if (b === 0n) return undefined;
  const q = (a << 32n) / b;
  return q > I32F32_MAX || q < I32F32_MIN ? undefined : q;
}

/** subtensor `safe_div` for I32F32: checked_div, with ÷0 or overflow → 0. */
export function safeDiv32(a: I32F32, b: I32F32): I32F32 {
  return checkedDiv32(a, b) ?? 0n;
}

/** `a.saturating_div(b)` for I32F32 (b ≠ 0): truncated quotient clamped to the range. */
export function satDiv32(a: I32F32, b: I32F32): I32F32 {
  if (b === 0n) throw new RangeError("I32F32 saturating_div by zero");
  return sat32((a << 32n) / b);
}

/** Larger of two I32F32 (`Ord::max`). */
export function max32(a: I32F32, b: I32F32): I32F32 {
  return a > b ? a : b;
}

/** Smaller of two I32F32 (`Ord::min`). */
export function min32(a: I32F32, b: I32F32): I32F32 {
  return a < b ? a : b;
}

/** subtensor `clamp_value` / `clamp_i32f32`: `value.min(high).max(low)`. */
export function clamp32(value: I32F32, low: I32F32, high: I32F32): I32F32 {
  return max32(min32(value, high), low);
}

/** `I32F32::saturating_from_num(u16) / u16::MAX` via safe_div: floor(x · 2^32 / 65535). */
export function u16ProportionToFixed(x: number): I32F32 {
  return safeDiv32(BigInt(x) << 32n, U16_MAX_FIXED);
}

/** subtensor `fixed_proportion_to_u16`: floor(x · 65535) clamped to [0, 65535] (saturating mul, then to u16). */
export function fixedProportionToU16(x: I32F32): number {
  const scaled = satMul32(x, U16_MAX_FIXED) >> 32n;
  if (scaled <= 0n) return 0;
  if (scaled >= 65535n) return 65535;
  return Number(scaled);
}

/** `I64F64::saturating_from_num(int)` for an integer. */
export function fromInt64(x: bigint): I64F64 {
  return sat128(x << 64n);
}

/** subtensor `safe_div` for I64F64: trunc((a·2^64) / b); ÷0 or overflow → 0. */
export function safeDiv64(a: I64F64, b: I64F64): I64F64 {
  if (b === 0n) return 0n;
  const q = (a << 64n) / b;
  return q > I128_MAX || q < I128_MIN ? 0n : q;
}

/** `I32F32::saturating_from_num(I64F64)`: drop 32 fractional bits (floor), clamp. */
export function fixed64ToFixed32(x: I64F64): I32F32 {
  return sat32(x >> 32n);
}

/** `I64F64::saturating_to_num::<u64>()`: floor, clamp to [0, 2^64 - 1]. */
export function fixed64ToU64(x: I64F64): bigint {
  const i = x >> 64n;
  if (i < 0n) return 0n;
  return i > U64_MAX ? U64_MAX : i;
}

/** `I96F32::saturating_from_num(u64)`. */
export function u64ToFixed96(x: bigint): I96F32 {
  return sat128(x << 32n);
}

/** `I96F32::saturating_from_num(I32F32)`: same fractional bits, raw unchanged. */
export function fixed32ToFixed96(x: I32F32): I96F32 {
  return x;
}

/** `a.saturating_mul(b)` for I96F32: floor((a·b) / 2^32), clamped to the 128-bit range. */
export function satMul96(a: I96F32, b: I96F32): I96F32 {
  return sat128((a * b) >> 32n);
}

/** `I96F32::saturating_to_num::<u64>()`: floor, clamp to [0, 2^64 - 1]. */
export function fixed96ToU64(x: I96F32): bigint {
  const i = x >> 32n;
  if (i < 0n) return 0n;
  return i > U64_MAX ? U64_MAX : i;
}
