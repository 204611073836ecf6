/**
 * Share arithmetic of one (hotkey, subnet) stake pool, BigInt only: the model of
 * contracts/libraries/SharePool.sol. Deposits get shares rounded down, withdrawals burn shares rounded up,
 * values round down; an empty pool mints one share per rao.
 */

export const INITIAL_SHARES_PER_UNIT = 1n;

export function sharesForDeposit(amount: bigint, totalShares: bigint, totalValue: bigint): bigint {
  if (totalShares === 0n) return amount * INITIAL_SHARES_PER_UNIT;
  if (totalValue === 0n) throw new RangeError("a pool with shares has a non-zero value");
  return (amount * totalShares) / totalValue;
}

export function sharesForWithdrawal(amount: bigint, totalShares: bigint, totalValue: bigint): bigint {
  if (totalValue === 0n) throw new RangeError("cannot withdraw from a pool of zero value");
  const p = amount * totalShares;
  return p === 0n ? 0n : (p - 1n) / totalValue + 1n;
}

export function valueOf(shares: bigint, totalShares: bigint, totalValue: bigint): bigint {
  if (totalShares === 0n) return 0n;
  return (shares * totalValue) / totalShares;
}
