/** Validator permits: subtensor's `is_topk_nonzero`. */
import { ZERO, type I32F32 } from "./fixed.js";

/**
 * true for the k largest non-zero values. Mirrors the chain exactly: start from `value ≠ 0`; if there are
 * at least k entries, stable-sort the indices ascending by value and clear the first n − k, so on a tie at
 * the cut-off the lower uid loses the permit.
 */
export function topkNonzero(values: readonly I32F32[], k: number): boolean[] {
  const n = values.length;
  const result = values.map((v) => v !== ZERO);
  if (n < k) return result;
  // Array.prototype.sort is stable (ES2019); ties keep ascending uid order.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  for (let r = 0; r < n - k; r++) result[order[r]!] = false;
  return result;
}
