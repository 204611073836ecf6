/**
 * Independent BigInt models of subtensor's registration and subnet prices (subtensor-reference.md §7.1, §8.1),
 * written from the reference's definitions, per block, with its rounding: the registry's closed forms are
 * tested against these.
 */

export const U64_MAX = (1n << 64n) - 1n;
const ONE_Q32 = 1n << 32n;

/** subtensor `mul_by_q32`: floor(value * factor / 2^32), saturating at u64::MAX. */
export function mulByQ32(value: bigint, factorQ32: bigint): bigint {
  const shifted = (value * factorQ32) >> 32n;
  return shifted > U64_MAX ? U64_MAX : shifted;
}

/** subtensor `pow_q32`: exponentiation by squaring with a floor after every product. */
export function powQ32(base: bigint, exp: bigint): bigint {
  let result = ONE_Q32;
  let factor = base;
  let power = exp;
  while (power > 0n) {
    if ((power & 1n) === 1n) result = mulByQ32(result, factor);
    power >>= 1n;
    if (power > 0n) factor = mulByQ32(factor, factor);
  }
  return result;
}

/** subtensor `decay_factor_q32`: the largest Q32 f with pow_q32(f, halfLife) <= 0.5 (bisection). */
export function decayFactorQ32(halfLife: bigint): bigint {
  if (halfLife === 0n) return ONE_Q32;
  let lo = 0n;
  let hi = ONE_Q32;
  while (lo + 1n < hi) {
    const mid = lo + ((hi - lo) >> 1n);
    if (powQ32(mid, halfLife) > ONE_Q32 >> 1n) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** The exact value of an IEEE-754 double as U64F64 (what substrate-fixed's `from_num(f64)` stores when exact). */
export function f64ToQ64(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1023;
  const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const shift = exponent + 12; // x * 2^64 = mantissa * 2^(exponent - 52 + 64)
  return shift >= 0 ? mantissa << BigInt(shift) : mantissa >> BigInt(-shift);
}

/** BurnIncreaseMult default `U64F64::from_num(1.26)`. */
export const BURN_MULT_Q64 = f64ToQ64(1.26);

export function clamp(v: bigint, lo: bigint, hi: bigint): bigint {
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return v;
}

export interface BurnBounds {
  factorQ32: bigint;
  minBurn: bigint;
  maxBurn: bigint;
}

/** `blocks` of subtensor's on_initialize decay: burn <- clamp(mul_by_q32(burn, f)) each block. */
export function decayPerBlock(burn: bigint, blocks: number, b: BurnBounds): bigint {
  let x = burn;
  for (let i = 0; i < blocks; i++) {
    const next = clamp(mulByQ32(x, b.factorQ32), b.minBurn, b.maxBurn);
    if (next === x) break; // a fixed point (the minimum): nothing changes any more
    x = next;
  }
  return x;
}

/** subtensor `bump_registration_price_after_registration`: clamp(floor(burn * max(mult, 1))) in U64F64. */
export function bumpQ64(burn: bigint, multQ64: bigint, b: BurnBounds): bigint {
  const m = multQ64 < 1n << 64n ? 1n << 64n : multQ64;
  return clamp((burn * m) >> 64n, b.minBurn, b.maxBurn);
}

/** The exact closed form floor(anchor * (f / 2^32)^n), clamped: what the registry approximates in Q128. */
export function exactClosedForm(anchor: bigint, n: number, b: BurnBounds): bigint {
  const num = anchor * b.factorQ32 ** BigInt(n);
  return clamp(num >> (32n * BigInt(n)), b.minBurn, b.maxBurn);
}

/** subtensor `get_lock_reduction_interval` in I64F64: floor(interval * floor(emission * 2^64 / 1e9) / 2^64). */
export function lockReductionInterval(baseInterval: bigint, slotEmission: bigint): bigint {
  const halving = (slotEmission << 64n) / 1_000_000_000n;
  return (baseInterval * halving) >> 64n;
}

/** subtensor `get_network_lock_cost` with `mult = 1` before the first lock (last_lock_block == 0) and 2 after. */
export function lockCost(
  lastLock: bigint,
  lastLockBlock: bigint,
  everLocked: boolean,
  now: bigint,
  minLock: bigint,
  interval: bigint,
): bigint {
  const mult = everLocked ? 2n : 1n;
  const perBlock = interval === 0n ? 0n : lastLock / interval; // safe_div
  const elapsed = now > lastLockBlock ? now - lastLockBlock : 0n;
  const decay = perBlock * elapsed;
  const doubled = lastLock * mult;
  const cost = doubled > decay ? doubled - decay : 0n;
  return cost < minLock ? minLock : cost;
}
