/**
 * Dividing one coinbase across subnets, BigInt only: the model of contracts/libraries/EmissionSplit.sol.
 * Each share floors; the remainder goes to the largest weight (the first one on ties), so the parts sum to
 * exactly what was minted.
 */

export function byWeight(minted: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((s, w) => s + w, 0n);
  if (sum === 0n) throw new RangeError("weights must not all be zero");
  const amounts = weights.map((w) => (minted * w) / sum);
  let best = 0;
  weights.forEach((w, i) => {
    if (w > weights[best]!) best = i;
  });
  const given = amounts.reduce((s, x) => s + x, 0n);
  amounts[best] = amounts[best]! + (minted - given);
  return amounts;
}

/** Owner cut of `alphaOut` at `cut` / 65535 (floor) and the distributable rest. */
export function ownerCut(alphaOut: bigint, cut: bigint): { owner: bigint; distributable: bigint } {
  const owner = (alphaOut * cut) / 65535n;
  return { owner, distributable: alphaOut - owner };
}
