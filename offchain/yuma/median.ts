/**
 * Stake-weighted κ-quantile consensus: subtensor's `weighted_median` (mid-pivot partition search) and
 * `weighted_median_col_sparse`, on I32F32 raw values.
 */
import { ZERO, safeDiv32, satAdd32, satSub32, type I32F32 } from "./fixed.js";
import type { SparseMatrix } from "./sparse.js";

/**
 * `weighted_median(stake, score, partition_idx, minority, lo, hi)`: the score value v with
 * Σ_{score < v} stake ≤ minority < Σ_{score ≤ v} stake, found by repeatedly partitioning the index list
 * around the score of its middle element (deterministic pivot).
 */
export function weightedMedian(
  stake: readonly I32F32[],
  score: readonly I32F32[],
  partition: readonly number[],
  minority: I32F32,
  partitionLo: I32F32,
  partitionHi: I32F32,
): I32F32 {
  let current: readonly number[] = partition;
  let lo = partitionLo;
  let hi = partitionHi;
  const limit = partition.length;
  for (let iteration = 0; iteration <= limit; iteration++) {
    const n = current.length;
    if (n === 0) return ZERO;
    if (n === 1) return score[current[0]!]!;
    const pivot = score[current[n >> 1]!]!;
    let loStake = ZERO;
    let hiStake = ZERO;
    const lower: number[] = [];
    const upper: number[] = [];
    for (const idx of current) {
      const s = score[idx]!;
      if (s === pivot) continue;
      if (s < pivot) {
        loStake = satAdd32(loStake, stake[idx]!);
        lower.push(idx);
      } else {
        hiStake = satAdd32(hiStake, stake[idx]!);
        upper.push(idx);
      }
    }
    const loEdge = satAdd32(lo, loStake);
    const hiEdge = satSub32(hi, hiStake);
    if (minority < loEdge && lower.length > 0) {
      current = lower;
      hi = loEdge;
    } else if (hiEdge <= minority && upper.length > 0) {
      current = upper;
      lo = hiEdge;
    } else {
      return pivot;
    }
  }
  // The chain's safety limit: unreachable, every step removes at least the pivot.
  return ZERO;
}

/**
 * `weighted_median_col_sparse(stake, score, columns, majority)`: only rows with positive stake take part;
 * their stakes are re-normalised (I32F32 safe_div by their sum), minority = Σ − majority (saturating),
 * and a validator with no entry for a column scores 0 there.
 */
export function weightedMedianColumns(
  stake: readonly I32F32[],
  score: SparseMatrix,
  columns: number,
  majority: I32F32,
): I32F32[] {
  const rows: number[] = [];
  stake.forEach((s, i) => {
    if (s > ZERO) rows.push(i);
  });
  const useStake = rows.map((i) => stake[i]!);
  let total = ZERO;
  for (const s of useStake) total += s;
  if (total !== ZERO) for (let k = 0; k < useStake.length; k++) useStake[k] = safeDiv32(useStake[k]!, total);
  let stakeSum = ZERO;
  for (const s of useStake) stakeSum += s;
  const minority = satSub32(stakeSum, majority);
  const m = rows.length;
  const useScore: I32F32[][] = Array.from({ length: columns }, () => new Array<I32F32>(m).fill(ZERO));
  rows.forEach((i, k) => {
    const row = score[i]!;
    for (let e = 0; e < row.cols.length; e++) useScore[row.cols[e]!]![k] = row.vals[e]!;
  });
  const idx = Array.from({ length: m }, (_, k) => k);
  return useScore.map((col) => weightedMedian(useStake, col, idx, minority, ZERO, stakeSum));
}
