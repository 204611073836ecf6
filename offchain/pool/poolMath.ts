/**
 * Constant-product TAO/alpha pool math, BigInt only: the off-chain model of contracts/libraries/PoolMath.sol.
 * Written independently of the contract's search: the limit boundary here is found by plain bisection over the
 * monotone price predicate, so agreement with the contract checks that its estimate-and-gallop search is exact.
 *
 * Reserves: `t` TAO, `a` alpha (rao). Fee = ceil(in * 33 / 65535) from the input, kept in the reserves;
 * out = floor(rOut * net / (rIn + net)). Limit prices: rao of TAO per 1e9 rao of alpha.
 */

export const FEE_NUMERATOR = 33n;
export const FEE_DENOMINATOR = 65535n;
export const MIN_RESERVE = 1_000_000n;
export const MAX_INPUT_MULTIPLE = 1000n;
export const PRICE_UNIT = 1_000_000_000n;

export interface SwapResult {
  out: bigint;
  fee: bigint;
}

const ceilDiv = (x: bigint, y: bigint): bigint => (x === 0n ? 0n : (x - 1n) / y + 1n);

function requireNonNegative(name: string, v: bigint): void {
  if (v < 0n) throw new RangeError(`${name} must be >= 0, got ${v}`);
}

/** Fee on `amountIn`, rounded up (in the pool's favour). */
export function feeOf(amountIn: bigint): bigint {
  requireNonNegative("amountIn", amountIn);
  return ceilDiv(amountIn * FEE_NUMERATOR, FEE_DENOMINATOR);
}

/** Output of swapping `amountIn` into reserves (rIn, rOut); rIn must be > 0. */
export function swapOut(rIn: bigint, rOut: bigint, amountIn: bigint, withFee: boolean): SwapResult {
  if (rIn <= 0n) throw new RangeError(`input reserve must be > 0, got ${rIn}`);
  requireNonNegative("rOut", rOut);
  const fee = withFee ? feeOf(amountIn) : 0n;
  const net = amountIn - fee;
  return { out: (rOut * net) / (rIn + net), fee };
}

/** Price after a buy with `taoIn`, rounded up (rao TAO per alpha). */
export function priceAfterBuy(t: bigint, a: bigint, taoIn: bigint, withFee: boolean): bigint {
  const { out } = swapOut(t, a, taoIn, withFee);
  return ceilDiv((t + taoIn) * PRICE_UNIT, a - out);
}

/** Price after a sale of `alphaIn`, rounded down (rao TAO per alpha). */
export function priceAfterSell(t: bigint, a: bigint, alphaIn: bigint, withFee: boolean): bigint {
  const { out } = swapOut(a, t, alphaIn, withFee);
  return ((t - out) * PRICE_UNIT) / (a + alphaIn);
}

/** Largest x in [0, cap] with ok(x), for a predicate that holds on a prefix of [0, cap]. */
function largestTrue(cap: bigint, ok: (x: bigint) => boolean): bigint {
  if (ok(cap)) return cap;
  if (!ok(0n)) return 0n;
  let lo = 0n;
  let hi = cap;
  while (hi - lo > 1n) {
    const mid = lo + (hi - lo) / 2n;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Largest TAO input <= cap whose buy leaves the price <= limit. */
export function maxBuy(t: bigint, a: bigint, limit: bigint, cap: bigint, withFee: boolean): bigint {
  return largestTrue(cap, (x) => priceAfterBuy(t, a, x, withFee) <= limit);
}

/** Largest alpha input <= cap whose sale leaves the price >= limit. */
export function maxSell(t: bigint, a: bigint, limit: bigint, cap: bigint, withFee: boolean): bigint {
  return largestTrue(cap, (x) => priceAfterSell(t, a, x, withFee) >= limit);
}

/**
 * Largest input <= x (with the fee) whose swap into (rIn, rOut) leaves at least MIN_RESERVE of rOut: what the
 * limit views and partial fills stop at on a shallow pool. Searched here; the contract solves it in closed form.
 */
export function maxInAboveFloor(rIn: bigint, rOut: bigint, x: bigint): bigint {
  return largestTrue(x, (y) => rOut - swapOut(rIn, rOut, y, true).out >= MIN_RESERVE);
}

export interface Injection {
  tNew: bigint;
  aNew: bigint;
  alphaIn: bigint;
  bought: bigint;
}

/**
 * Emission injection at the current price: alpha_in = floor(taoIn * a / t), capped at `alphaCap`; the TAO not
 * matched by the capped alpha (matched = ceil(cap * t / a)) buys protocol alpha fee-free, never taking the alpha
 * reserve below the floor.
 */
export function inject(t: bigint, a: bigint, taoIn: bigint, alphaCap: bigint): Injection {
  let alphaIn = (taoIn * a) / t;
  let matched = taoIn;
  if (alphaIn > alphaCap) {
    alphaIn = alphaCap;
    matched = ceilDiv(alphaCap * t, a);
    if (matched > taoIn) matched = taoIn;
  }
  let tNew = t + matched;
  let aNew = a + alphaIn;
  const excess = taoIn - matched;
  let bought = 0n;
  if (excess !== 0n) {
    bought = swapOut(tNew, aNew, excess, false).out;
    if (aNew - bought < MIN_RESERVE) bought = aNew > MIN_RESERVE ? aNew - MIN_RESERVE : 0n;
    tNew += excess;
    aNew -= bought;
  }
  return { tNew, aNew, alphaIn, bought };
}
