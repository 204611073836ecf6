/**
 * Sparse-matrix helpers of subtensor's `epoch/math.rs`, on I32F32 raw values, with the same rounding,
 * saturation and entry-keeping rules. A row keeps subtensor's entry order (the order the entries were
 * stored in); the helpers that densify a row on chain (`mat_ema_sparse`, `interpolate_sparse`) emit
 * entries in ascending column order, exactly as the chain does.
 */
import { ONE, ZERO, safeDiv32, satAdd32, satMul32, satSub32, checkedMul32, type I32F32 } from "./fixed.js";

/** One sparse row: parallel arrays of column indices and I32F32 values, in stored order. */
export interface SparseRow {
  cols: number[];
  vals: I32F32[];
}

export type SparseMatrix = SparseRow[];

export function emptyRow(): SparseRow {
  return { cols: [], vals: [] };
}

/** Deep copy (rows are mutated in place by the normalising helpers). */
export function cloneMatrix(m: SparseMatrix): SparseMatrix {
  return m.map((r) => ({ cols: r.cols.slice(), vals: r.vals.slice() }));
}

/** Keep the entries for which `keep(i, j)` holds (`vec_mask_sparse_matrix` & co. with the mask negated). */
export function filterEntries(m: SparseMatrix, keep: (i: number, j: number) => boolean): SparseMatrix {
  return m.map((row, i) => {
    const out = emptyRow();
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      if (keep(i, j)) {
        out.cols.push(j);
        out.vals.push(row.vals[k]!);
      }
    }
    return out;
  });
}

/** Plain (`iter().sum()`) sum of a row. */
export function rowSumOf(row: SparseRow): I32F32 {
  let s = ZERO;
  for (const v of row.vals) s += v;
  return s;
}

/** `row_sum_sparse`. */
export function rowSums(m: SparseMatrix): I32F32[] {
  return m.map(rowSumOf);
}

/** `inplace_row_normalize_sparse`: rows with a positive sum are divided by it (safe_div). */
export function rowNormalize(m: SparseMatrix): void {
  for (const row of m) {
    const sum = rowSumOf(row);
    if (sum > ZERO) {
      for (let k = 0; k < row.vals.length; k++) row.vals[k] = safeDiv32(row.vals[k]!, sum);
    }
  }
}

/** Saturating column sums over `columns` columns. */
function colSums(m: SparseMatrix, columns: number): I32F32[] {
  const sums: I32F32[] = new Array<I32F32>(columns).fill(ZERO);
  for (const row of m) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      sums[j] = satAdd32(sums[j]!, row.vals[k]!);
    }
  }
  return sums;
}

/** `inplace_col_normalize_sparse`: entries of columns with a non-zero sum are divided by it. */
export function colNormalize(m: SparseMatrix, columns: number): void {
  const sums = colSums(m, columns);
  for (const row of m) {
    for (let k = 0; k < row.cols.length; k++) {
      const s = sums[row.cols[k]!]!;
      if (s !== ZERO) row.vals[k] = safeDiv32(row.vals[k]!, s);
    }
  }
}

/** `inplace_col_max_upscale_sparse`: entries divided by their column's maximum (if non-zero). */
export function colMaxUpscale(m: SparseMatrix, columns: number): void {
  const maxes: I32F32[] = new Array<I32F32>(columns).fill(ZERO);
  for (const row of m) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      if (maxes[j]! < row.vals[k]!) maxes[j] = row.vals[k]!;
    }
  }
  for (const row of m) {
    for (let k = 0; k < row.cols.length; k++) {
      const mx = maxes[row.cols[k]!]!;
      if (mx !== ZERO) row.vals[k] = safeDiv32(row.vals[k]!, mx);
    }
  }
}

/**
 * `col_clip_sparse`: values above the column threshold become the threshold, or are dropped when the
 * threshold is not positive; values at or below it are kept as they are.
 */
export function colClip(m: SparseMatrix, threshold: readonly I32F32[]): SparseMatrix {
  return m.map((row) => {
    const out = emptyRow();
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      const v = row.vals[k]!;
      const t = threshold[j]!;
      if (t < v) {
        if (ZERO < t) {
          out.cols.push(j);
          out.vals.push(t);
        }
      } else {
        out.cols.push(j);
        out.vals.push(v);
      }
    }
    return out;
  });
}

/** `matmul_sparse`: result_j = Σ_i vector_i · m_ij (saturating mul and add, in row order). */
export function matmul(m: SparseMatrix, vector: readonly I32F32[], columns: number): I32F32[] {
  const out: I32F32[] = new Array<I32F32>(columns).fill(ZERO);
  m.forEach((row, i) => {
    const vi = vector[i]!;
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k]!;
      out[j] = satAdd32(out[j]!, satMul32(vi, row.vals[k]!));
    }
  });
  return out;
}

/** `matmul_transpose_sparse`: result_i = Σ_j vector_j · m_ij (saturating mul and add). */
export function matmulTranspose(m: SparseMatrix, vector: readonly I32F32[]): I32F32[] {
  return m.map((row) => {
    let acc = ZERO;
    for (let k = 0; k < row.cols.length; k++) acc = satAdd32(acc, satMul32(vector[row.cols[k]!]!, row.vals[k]!));
    return acc;
  });
}

/**
 * `row_sum_sparse(mat_vec_mul_sparse(m, vector))`: result_i = Σ_j m_ij · vector_j (saturating mul, plain
 * sum). mat_vec_mul_sparse drops zero products before the sum, which does not change it.
 */
export function rowDotSum(m: SparseMatrix, vector: readonly I32F32[]): I32F32[] {
  return m.map((row) => {
    let acc = ZERO;
    for (let k = 0; k < row.cols.length; k++) acc += satMul32(row.vals[k]!, vector[row.cols[k]!]!);
    return acc;
  });
}

/** `row_hadamard_sparse`: m_ij · vector_i (saturating). */
export function rowHadamard(m: SparseMatrix, vector: readonly I32F32[]): SparseMatrix {
  return m.map((row, i) => {
    const vi = vector[i]!;
    return { cols: row.cols.slice(), vals: row.vals.map((v) => satMul32(v, vi)) };
  });
}

/** `vec_mul`: element-wise `checked_mul`, overflow → 0. */
export function vecMul(a: readonly I32F32[], b: readonly I32F32[]): I32F32[] {
  const len = Math.min(a.length, b.length);
  const out: I32F32[] = new Array<I32F32>(len);
  for (let i = 0; i < len; i++) out[i] = checkedMul32(a[i]!, b[i]!) ?? ZERO;
  return out;
}

/**
 * Row accumulator standing in for the dense `vec![zero; n]` rows the chain builds: remembers which
 * columns were written and emits the positive ones in ascending column order.
 */
class DenseRowScratch {
  private readonly values: I32F32[];
  private readonly stamp: Int32Array;
  private generation = 0;
  private touched: number[] = [];

  constructor(columns: number) {
    this.values = new Array<I32F32>(columns).fill(ZERO);
    this.stamp = new Int32Array(columns);
  }

  reset(): void {
    this.generation++;
    this.touched = [];
  }

  get(j: number): I32F32 {
    return this.stamp[j] === this.generation ? this.values[j]! : ZERO;
  }

  set(j: number, v: I32F32): void {
    if (this.stamp[j] !== this.generation) {
      this.stamp[j] = this.generation;
      this.touched.push(j);
    }
    this.values[j] = v;
  }

  /** Positive cells in ascending column order (`if value > zero { push }`). */
  positives(): SparseRow {
    const cols = Int32Array.from(this.touched).sort();
    const out = emptyRow();
    for (const j of cols) {
      const v = this.values[j]!;
      if (v > ZERO) {
        out.cols.push(j);
        out.vals.push(v);
      }
    }
    return out;
  }
}

/**
 * `interpolate_sparse(mat1, mat2, columns, ratio)`: mat1 + ratio·(mat2 − mat1), keeping positive cells
 * in column order; ratio 0 returns mat1 and ratio 1 returns mat2 unchanged (same entry order).
 */
export function interpolate(mat1: SparseMatrix, mat2: SparseMatrix, columns: number, ratio: I32F32): SparseMatrix {
  if (ratio === ZERO) return cloneMatrix(mat1);
  if (ratio === ONE) return cloneMatrix(mat2);
  const a = new DenseRowScratch(columns);
  const b = new DenseRowScratch(columns);
  const union = new DenseRowScratch(columns);
  return mat1.map((row1, i) => {
    const row2 = mat2[i]!;
    a.reset();
    b.reset();
    union.reset();
    for (let k = 0; k < row1.cols.length; k++) {
      a.set(row1.cols[k]!, row1.vals[k]!);
      union.set(row1.cols[k]!, ONE);
    }
    for (let k = 0; k < row2.cols.length; k++) {
      b.set(row2.cols[k]!, row2.vals[k]!);
      union.set(row2.cols[k]!, ONE);
    }
    const out = emptyRow();
    for (const j of union.positives().cols) {
      const v1 = a.get(j);
      const v2 = b.get(j);
      const interp = satAdd32(v1, satMul32(ratio, satSub32(v2, v1)));
      if (ZERO < interp) {
        out.cols.push(j);
        out.vals.push(interp);
      }
    }
    return out;
  });
}

/**
 * `mat_ema_sparse(new, old, alpha)`: alpha·new + (1 − alpha)·old per cell (saturating, the `new` terms
 * first), keeping positive cells in column order.
 */
export function matEma(next: SparseMatrix, old: SparseMatrix, alpha: I32F32, columns: number): SparseMatrix {
  const oneMinusAlpha = satSub32(ONE, alpha);
  const acc = new DenseRowScratch(columns);
  return next.map((newRow, i) => {
    acc.reset();
    for (let k = 0; k < newRow.cols.length; k++) {
      const j = newRow.cols[k]!;
      acc.set(j, satAdd32(acc.get(j), satMul32(alpha, newRow.vals[k]!)));
    }
    const oldRow = old[i]!;
    for (let k = 0; k < oldRow.cols.length; k++) {
      const j = oldRow.cols[k]!;
      acc.set(j, satAdd32(acc.get(j), satMul32(oneMinusAlpha, oldRow.vals[k]!)));
    }
    return acc.positives();
  });
}

/**
 * `mat_ema_alpha_sparse(new, old, alpha)` with a per-cell alpha: for each entry j of the new row (in its
 * order), min(1, (1 − α_ij)·old_ij + max(0, α_ij·new_ij)), kept when positive. Old cells whose column is
 * absent from the new row are dropped (the sparse liquid-alpha rule, reference §5.13).
 */
export function matEmaAlpha(
  next: SparseMatrix,
  old: SparseMatrix,
  alphaOf: (i: number, j: number) => I32F32,
  columns: number,
): SparseMatrix {
  const decayed = new DenseRowScratch(columns);
  return next.map((newRow, i) => {
    decayed.reset();
    const alphas = newRow.cols.map((j) => alphaOf(i, j));
    const alphaAt = new Map<number, I32F32>();
    newRow.cols.forEach((j, k) => alphaAt.set(j, alphas[k]!));
    const oldRow = old[i]!;
    for (let k = 0; k < oldRow.cols.length; k++) {
      const j = oldRow.cols[k]!;
      const a = alphaAt.get(j);
      // Only cells in the new row are read back; computing the others would not change the result.
      if (a !== undefined) decayed.set(j, satMul32(satSub32(ONE, a), oldRow.vals[k]!));
    }
    const out = emptyRow();
    for (let k = 0; k < newRow.cols.length; k++) {
      const j = newRow.cols[k]!;
      const a = alphas[k]!;
      let inc = satMul32(a, newRow.vals[k]!);
      if (inc < ZERO) inc = ZERO;
      let val = satAdd32(decayed.get(j), inc);
      if (val > ONE) val = ONE;
      if (val > ZERO) {
        out.cols.push(j);
        out.vals.push(val);
      }
    }
    return out;
  });
}
