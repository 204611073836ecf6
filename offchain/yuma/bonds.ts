/**
 * Bonds and dividends (reference §5.8–5.9): the original Yuma EMA of column-normalised bonds, and Yuma 3's
 * absolute bonds with the fixed or liquid (sigmoid) EMA rate. Bit-exact with subtensor's sparse epoch.
 */
import {
  ONE,
  fixed64ToFixed32,
  fromInt64,
  safeDiv64,
  satSub32,
  u16ProportionToFixed,
  fromInt32,
  type I32F32,
} from "./fixed.js";
import {
  liquidAlphaSigmoid,
  memoizedExpSafe,
  peekWalkValues,
  sigmoidRate,
  type LiquidAlphaParams,
} from "./liquidAlpha.js";
import {
  colMaxUpscale,
  colNormalize,
  emptyRow,
  matEma,
  matEmaAlpha,
  matmulTranspose,
  rowDotSum,
  rowHadamard,
  cloneMatrix,
  vecMul,
  type SparseMatrix,
} from "./sparse.js";
import { normalize32 } from "./vector.js";
import type { U16Pairs, YumaParams } from "./types.js";

export interface BondsInputs {
  n: number;
  params: YumaParams;
  /** W_b: weights blended with clipped weights by the bonds penalty. */
  weightsForBonds: SparseMatrix;
  /** Stored u16 bonds per uid, in stored order. */
  storedBonds: readonly U16Pairs[];
  /** Column j's bonds are discarded: j registered since the previous epoch. */
  bondMasked: readonly boolean[];
  activeStake: readonly I32F32[];
  incentive: readonly I32F32[];
  consensus: readonly I32F32[];
}

export interface BondsResult {
  /** Normalised dividends D. */
  dividends: I32F32[];
  /** Bonds to store, as I32F32 proportions (stored as floor(x · 65535)). */
  bonds: SparseMatrix;
}

/**
 * The constant EMA rate: α = 1 − I32F32(I64F64(BondsMovingAverage) / 10^6) (I64F64 division truncates,
 * the narrowing floors and saturates). 900 000 → α ≈ 0.1.
 */
export function fixedBondsAlpha(bondsMovingAverage: number): I32F32 {
  const ratio = safeDiv64(fromInt64(BigInt(bondsMovingAverage)), fromInt64(1_000_000n));
  return satSub32(ONE, fixed64ToFixed32(ratio));
}

/** Stored bonds as sparse I32F32 rows, with masked columns removed (`scalar_vec_mask_sparse_matrix`). */
function loadBonds(inputs: BondsInputs, toFixed: (value: number) => I32F32): SparseMatrix {
  return inputs.storedBonds.map((pairs) => {
    const row = emptyRow();
    for (const [j, value] of pairs) {
      if (inputs.bondMasked[j]) continue;
      row.cols.push(j);
      row.vals.push(toFixed(value));
    }
    return row;
  });
}

/**
 * Yuma 3 (`Yuma3On`): B = u16/65535; B' = liquid-alpha EMA when LiquidAlphaOn and some consensus is
 * non-zero, else α·W_b + (1−α)·B; D_i = A_i · Σ_j colnorm(B')_ij · I_j, normalised; store B'.
 */
export function yuma3Bonds(inputs: BondsInputs): BondsResult {
  const { n, params, weightsForBonds, activeStake, incentive, consensus } = inputs;
  const bonds = loadBonds(inputs, u16ProportionToFixed);
  let ema: SparseMatrix;
  if (params.liquidAlpha && consensus.length > 0 && consensus.some((c) => c !== 0n)) {
    const steepness = fromInt32(BigInt(params.alphaSigmoidSteepness));
    const p: LiquidAlphaParams = {
      low: u16ProportionToFixed(params.alphaLow),
      high: u16ProportionToFixed(params.alphaHigh),
      steepness,
      rate: sigmoidRate(steepness),
    };
    const seenWeights = weightsForBonds.map(peekWalkValues);
    const seenBonds = bonds.map(peekWalkValues);
    const exp = memoizedExpSafe();
    ema = matEmaAlpha(
      weightsForBonds,
      bonds,
      (i, j) => liquidAlphaSigmoid(consensus[j]!, seenWeights[i]!.get(j) ?? 0n, seenBonds[i]!.get(j) ?? 0n, p, exp),
      n,
    );
  } else {
    ema = matEma(weightsForBonds, bonds, fixedBondsAlpha(params.bondsMovingAverage), n);
  }
  const emaNorm = cloneMatrix(ema);
  colNormalize(emaNorm, n);
  const perValidator = rowDotSum(emaNorm, incentive);
  const dividends = normalize32(vecMul(perValidator, activeStake));
  return { dividends, bonds: ema };
}

/**
 * Original Yuma: B = stored u16 as integers, column-normalised; ΔB = colnorm(W_b ⊙ A);
 * B' = colnorm(α·ΔB + (1−α)·B); D = normalise(B'ᵀ·I); store B' column-max-upscaled.
 */
export function originalBonds(inputs: BondsInputs): BondsResult {
  const { n, params, weightsForBonds, activeStake, incentive } = inputs;
  const bonds = loadBonds(inputs, (value) => fromInt32(BigInt(value)));
  colNormalize(bonds, n);
  const delta = rowHadamard(weightsForBonds, activeStake);
  colNormalize(delta, n);
  const ema = matEma(delta, bonds, fixedBondsAlpha(params.bondsMovingAverage), n);
  colNormalize(ema, n);
  const dividends = normalize32(matmulTranspose(ema, incentive));
  colMaxUpscale(ema, n);
  return { dividends, bonds: ema };
}
