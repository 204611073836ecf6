/**
 * EMA of a subnet's net TAO flow in I64F64, BigInt only: the model of contracts/libraries/FlowEma.sol.
 * d = (1 - alpha)^n by squaring (each step floors); S' = trunc(S * d / 2^64) + trunc(F * (2^64 - d) / n).
 */

export const ONE = 1n << 64n;
/** floor(29_597_889_189_277 * 2^64 / (2^63 - 1)). */
export const ALPHA = (29_597_889_189_277n << 64n) / ((1n << 63n) - 1n);

/** Signed division truncating toward zero, as Solidity's `/` on int256. */
const truncDiv = (x: bigint, y: bigint): bigint => x / y; // BigInt division truncates toward zero

export function decay(slots: bigint): bigint {
  let result = ONE;
  let base = ONE - ALPHA;
  let n = slots;
  while (n !== 0n) {
    if ((n & 1n) !== 0n) result = (result * base) >> 64n;
    base = (base * base) >> 64n;
    n >>= 1n;
  }
  return result;
}

export function update(ema: bigint, flow: bigint, slots: bigint): bigint {
  if (slots === 0n) return ema;
  const d = decay(slots);
  return truncDiv(ema * d, ONE) + truncDiv(flow * (ONE - d), slots);
}
