/** The epoch's stake vector (reference §5.3): threshold filter, I64F64 normalisation, I32F32 narrowing. */
import { fixed64ToFixed32, fixed64ToU64, fromInt64, safeDiv64, type I32F32 } from "./fixed.js";

/**
 * s64_i = I64F64(stake_i); a uid other than the owner whose floor(s64_i) is below the threshold counts 0;
 * s64 = s64 / Σ s64 (I64F64 safe_div; skipped when the sum is 0); S_i = I32F32(s64_i) (drop 32 bits).
 */
export function stakeVector(stakes: readonly bigint[], threshold: bigint, ownerUid: number | null): I32F32[] {
  const filtered = stakes.map((s, uid) => {
    const s64 = fromInt64(s);
    return uid !== ownerUid && fixed64ToU64(s64) < threshold ? 0n : s64;
  });
  let sum = 0n;
  for (const s of filtered) sum += s;
  const normalized = sum === 0n ? filtered : filtered.map((s) => safeDiv64(s, sum));
  return normalized.map(fixed64ToFixed32);
}
