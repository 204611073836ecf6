/**
 * The exponential as subtensor computes it: `substrate_fixed::transcendental::exp` on I32F32, wrapped by
 * subtensor's `exp_safe` (input clamped to [−20, 20]). Integer-only, bit-exact.
 *
 * substrate-fixed's `exp::<I32F32, I32F32>(x)`:
 * - x == 0 → 1; x == 1 → the crate's constant `E`, which is an I9F23 (e truncated to 23 fractional bits);
 * - negative x: compute exp(|x|) and return `1.checked_div(result)`;
 * - otherwise a Taylor series: result = 1 + x, term = x, then for i in 2..32 (i.e. 2..=31):
 *   term = term.checked_mul(x) (floor), term = term.checked_div(i) (truncate), result = result.checked_add(term);
 *   any overflow makes the whole call an error.
 */
import { I32F32_MAX, I32F32_MIN, ONE, checkedDiv32, checkedMul32, fromInt32, type I32F32 } from "./fixed.js";

/**
 * substrate-fixed `consts::E` narrowed to I9F23 (`E.to_bits() >> 103`): floor(e · 2^23) = 22 802 600
 * (e · 2^23 = 22 802 600.6924…), widened to I32F32 by shifting left 9 bits: 22 802 600 · 2^9.
 */
export const E_I32F32: I32F32 = 22_802_600n << 9n;

const MIN_EXP_INPUT: I32F32 = fromInt32(-20n);
const MAX_EXP_INPUT: I32F32 = fromInt32(20n);

function checkedAdd32(a: I32F32, b: I32F32): I32F32 | undefined {
  const r = a + b;
  return r > I32F32_MAX || r < I32F32_MIN ? undefined : r;
}

/** `substrate_fixed::transcendental::exp::<I32F32, I32F32>`; `undefined` stands for `Err(())`. */
export function expFixed(input: I32F32): I32F32 | undefined {
  if (input === 0n) return ONE;
  if (input === ONE) return E_I32F32;
  const neg = input < 0n;
  // Rust's `-operand` on I32F32::MIN would overflow; exp is only reached through expSafe (|x| ≤ 20).
  const x = neg ? -input : input;
  let result: I32F32 | undefined = checkedAdd32(x, ONE);
  if (result === undefined) return undefined;
  let term: I32F32 = x;
  for (let i = 2n; i < 32n; i++) {
    // Once a term floors to 0 every later term is 0 (0 · x = 0) and adds nothing: stopping is exact.
    if (term === 0n) break;
    const product = checkedMul32(term, x);
    if (product === undefined) return undefined;
    // checked_div by the I32F32 i: trunc(product·2^32 / (i·2^32)) = trunc(product / i), which cannot overflow
    // (|quotient| ≤ |product|).
    term = product / i;
    result = checkedAdd32(result, term);
    if (result === undefined) return undefined;
  }
  if (neg) return checkedDiv32(ONE, result);
  return result;
}

/** subtensor `exp_safe`: clamp the input to [−20, 20]; on error return 0 (input ≤ 0) or I32F32::MAX. */
export function expSafe(input: I32F32): I32F32 {
  let x = input;
  if (x < MIN_EXP_INPUT) x = MIN_EXP_INPUT;
  else if (MAX_EXP_INPUT < x) x = MAX_EXP_INPUT;
  const out = expFixed(x);
  if (out !== undefined) return out;
  return x <= 0n ? 0n : I32F32_MAX;
}
