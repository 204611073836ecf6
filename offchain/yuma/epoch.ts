/**
 * subtensor's sparse Yuma Consensus epoch (`epoch_mechanism`, reference §5) as a pure function of one
 * epoch's inputs. Every value on the path is an integer (BigInt fixed point, ./fixed.ts), so the result
 * is bit-identical on every machine and to the chain.
 *
 * Steps: activity mask → stake vector → permits (old for this epoch, top-k for the next) → active stake →
 * weights (permit rows, diagonal, outdated, row-normalise) → κ-quantile consensus → clipping, validator
 * trust, incentive → bonds and dividends (original or Yuma 3) → emission split → u16/rao outputs.
 *
 * Commit-reveal's column mask (§5.5) applies to neurons whose input carries `commitBlock`.
 *
 * Not modelled (no input for them): multiple mechanisms (§5.12), bonds reset by commitment.
 */
import { originalBonds, yuma3Bonds } from "./bonds.js";
import {
  ZERO,
  fixed32ToFixed96,
  fixed96ToU64,
  fixedProportionToU16,
  fromInt32,
  satAdd32,
  satMul96,
  u16ProportionToFixed,
  u64ToFixed96,
  type I32F32,
} from "./fixed.js";
import { weightedMedianColumns } from "./median.js";
import { topkNonzero } from "./permits.js";
import { colClip, emptyRow, interpolate, matmul, rowNormalize, rowSums, type SparseMatrix } from "./sparse.js";
import { stakeVector } from "./stake.js";
import type { U16Pairs, YumaInput, YumaOutput } from "./types.js";
import { isZero, normalize32, normalizeUsingSum, sum32 } from "./vector.js";

const U64_MAX = (1n << 64n) - 1n;

/** Canonical stored form of a bonds row: ascending uid, zero values dropped. */
function canonicalRow(pairs: U16Pairs): U16Pairs {
  return pairs.filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
}

/** Preconditions the schema also enforces: every uid in weights, bonds and ownerUid is below n. */
function assertUidsInRange(input: YumaInput): void {
  const n = input.neurons.length;
  const owner = input.params.ownerUid;
  if (owner !== null && (owner < 0 || owner >= n)) throw new RangeError(`ownerUid ${owner} is not a uid (n = ${n})`);
  input.neurons.forEach((x, i) => {
    for (const [field, pairs] of [
      ["weights", x.weights],
      ["bonds", x.bonds],
    ] as const) {
      for (const [j] of pairs) {
        if (!(j >= 0 && j < n)) throw new RangeError(`neurons[${i}].${field}: uid ${j} is not a uid (n = ${n})`);
      }
    }
  });
}

/** Run one epoch. Pure: the input is not modified. */
export function runEpoch(input: YumaInput): YumaOutput {
  const { params, neurons } = input;
  const n = neurons.length;
  const owner = params.ownerUid;
  const block = input.block;
  assertUidsInRange(input);

  // == Activity and registration masks (§5.2) ==
  const lastUpdate = neurons.map((x) => x.lastUpdate);
  const registeredAt = neurons.map((x) => x.blockAtRegistration);
  const inactive = lastUpdate.map((lu) => {
    const sum = lu + input.activityCutoff;
    return (sum > U64_MAX ? U64_MAX : sum) < block;
  });
  const active = inactive.map((x) => !x);
  const lastTempo =
    input.lastEpochBlock === 0n
      ? block > input.tempo
        ? block - input.tempo
        : 0n
      : input.lastEpochBlock + 1n > U64_MAX
        ? U64_MAX
        : input.lastEpochBlock + 1n;
  const bondMasked = registeredAt.map((br) => lastTempo <= br);

  // == Stake (§5.3) ==
  const stake = stakeVector(
    neurons.map((x) => x.stake),
    params.stakeThreshold,
    owner,
  );

  // == Permits (§5.4) ==
  const permitOld = neurons.map((x, uid) => x.validatorPermit || uid === owner);
  const permitNew = topkNonzero(stake, params.maxAllowedValidators);
  if (owner !== null) permitNew[owner] = true;

  const activeStake = normalize32(stake.map((s, i) => (inactive[i] || !permitOld[i] ? ZERO : s)));

  // == Weights (§5.5) ==
  const weights: SparseMatrix = neurons.map((x, i) => {
    const row = emptyRow();
    if (!permitOld[i]) return row; // mask_rows_sparse
    for (const [j, w] of x.weights) {
      if (i === j && i !== owner) continue; // mask_diag_sparse(_except_index)
      if (lastUpdate[i]! <= registeredAt[j]!) continue; // outdated: i's weights predate j's registration
      if (x.commitBlock !== undefined && x.commitBlock < registeredAt[j]!) continue; // commit-reveal mask
      row.cols.push(j);
      row.vals.push(fromInt32(BigInt(w)));
    }
    return row;
  });
  rowNormalize(weights);

  // == Consensus, clipping, validator trust, incentive (§5.6, §5.7) ==
  const kappa = u16ProportionToFixed(params.kappa);
  const consensus = weightedMedianColumns(activeStake, weights, n, kappa);
  const clipped = colClip(weights, consensus);
  const validatorTrust = rowSums(clipped);
  const incentive = normalize32(matmul(clipped, activeStake, n));

  // == Bonds and dividends (§5.8, §5.9) ==
  const bondsPenalty = u16ProportionToFixed(params.bondsPenalty);
  const weightsForBonds = interpolate(weights, clipped, n, bondsPenalty);
  const bondsInputs = {
    n,
    params,
    weightsForBonds,
    storedBonds: neurons.map((x) => x.bonds),
    bondMasked,
    activeStake,
    incentive,
    consensus,
  };
  const { dividends, bonds } = params.yuma3 ? yuma3Bonds(bondsInputs) : originalBonds(bondsInputs);

  // == Emission split (§5.10) ==
  const combined = incentive.map((x, i) => satAdd32(x, dividends[i]!));
  const emissionSum = sum32(combined);
  const serverShare: I32F32[] = normalizeUsingSum(incentive, emissionSum);
  let validatorShare: I32F32[] = normalizeUsingSum(dividends, emissionSum);
  let combinedShare: I32F32[] = normalize32(combined);
  if (emissionSum === ZERO) {
    // No consensus (no weights, outdated weights, only self-weights): pay validators by stake.
    const fallback = isZero(activeStake) ? stake : activeStake;
    validatorShare = fallback.slice();
    combinedShare = fallback.slice();
  }
  const emission96 = u64ToFixed96(input.emission);
  const toRao = (share: I32F32): bigint => fixed96ToU64(satMul96(fixed32ToFixed96(share), emission96));

  // == Outputs (§5.11) ==
  const outBonds: U16Pairs[] = neurons.map((x, i) => {
    if (permitNew[i]) {
      const row = bonds[i]!;
      const pairs: U16Pairs = [];
      for (let k = 0; k < row.cols.length; k++) pairs.push([row.cols[k]!, fixedProportionToU16(row.vals[k]!)]);
      return canonicalRow(pairs);
    }
    if (permitOld[i]) return []; // lost its permit: bonds cleared
    return canonicalRow(x.bonds.slice()); // neither permit: stored bonds unchanged
  });

  return {
    stake: stake.map(fixedProportionToU16),
    active,
    consensus: consensus.map(fixedProportionToU16),
    incentive: incentive.map(fixedProportionToU16),
    dividends: dividends.map(fixedProportionToU16),
    validatorTrust: validatorTrust.map(fixedProportionToU16),
    emission: combinedShare.map(toRao),
    incentiveEmission: serverShare.map(toRao),
    dividendEmission: validatorShare.map(toRao),
    validatorPermit: permitNew,
    bonds: outBonds,
  };
}
