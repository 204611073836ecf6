/**
 * A subnet's moving price in 1e18 fixed point, BigInt only: the model of contracts/libraries/PriceEma.sol.
 * a = 3e12 * b / (b + 201_600); ema' = target + (ema - target) * (1 - a)^n, target = min(spot, 1e18).
 */

export const WAD = 10n ** 18n;
export const MOVING_ALPHA = 3n * 10n ** 12n;
export const HALVING_SLOTS = 201_600n;

export function powWad(base: bigint, n: bigint): bigint {
  let result = WAD;
  let b = base;
  let e = n;
  while (e !== 0n) {
    if ((e & 1n) !== 0n) result = (result * b) / WAD;
    b = (b * b) / WAD;
    e >>= 1n;
  }
  return result;
}

export function update(ema: bigint, spot: bigint, sinceStart: bigint, slots: bigint): bigint {
  if (slots === 0n) return ema;
  const target = spot < WAD ? spot : WAD;
  const a = (MOVING_ALPHA * sinceStart) / (sinceStart + HALVING_SLOTS);
  const d = powWad(WAD - a, slots);
  if (ema >= target) return target + ((ema - target) * d) / WAD;
  return target - ((target - ema) * d) / WAD;
}
