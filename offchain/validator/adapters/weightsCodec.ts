/** The WeightsCodec port over offchain/weights: the same u16 normalisation, packing and hash as the contract. */
import { bytesToHex, type Hex } from "viem";
import {
  commitHash,
  MAX_ENTRIES,
  normaliseScores,
  packWeights,
  U16_MAX,
  unpackWeights,
  withinMaxWeightLimit,
} from "../../weights/index.js";
import { hexBytes } from "../../weights/pack.js";
import type { FittedWeights, WeightRules, WeightsCodec } from "../ports.js";

type Normalise = WeightsCodec["normalise"];

function checkRules(r: WeightRules): void {
  const u16 = (name: string, v: number) => {
    if (!(Number.isInteger(v) && v >= 0 && v <= U16_MAX))
      throw new RangeError(
        `weight rules: ${name} ${v} must be an integer in 0..${U16_MAX} (read it from the registry)`,
      );
  };
  u16("neuronCount", r.neuronCount);
  u16("minAllowedWeights", r.minAllowedWeights);
  u16("maxWeightLimit", r.maxWeightLimit);
  if (r.selfUid !== undefined) u16("selfUid", r.selfUid);
}

/**
 * Fits scores to the subnet's rules (Weights._checkVector) with the codec's `normalise`:
 * 1. keeps uids in use (< neuronCount), other than the validator's own, with a positive score; at most 256 of
 *    them (the best scores; ties: lower uid);
 * 2. max weight limit: if the normalised vector's largest share is above `maxWeightLimit / 65535`, the scores are
 *    clipped at the largest cutoff that passes (bittensor's `normalize_max_weight`: the top scores become equal,
 *    the rest keep their ratios); refused when even equal weights cannot pass (too few scored uids);
 * 3. minAllowedWeights: pads with zero-value uids, lowest first, up to min(minAllowedWeights, neuronCount); the
 *    validator's own uid only when no other is left.
 * The result is sorted by uid and max-upscaled (its largest value is 65535).
 */
export function fitWeights(
  normalise: Normalise,
  uids: readonly number[],
  scores: readonly number[],
  rules: WeightRules,
): FittedWeights {
  if (uids.length !== scores.length)
    throw new RangeError(`weights: ${uids.length} uids but ${scores.length} scores: give one score per uid`);
  checkRules(rules);
  const n = rules.neuronCount;
  const required = Math.min(rules.minAllowedWeights, n);
  if (required > MAX_ENTRIES) {
    return {
      ok: false,
      reason:
        `the subnet requires ${required} entries per vector (minAllowedWeights ${rules.minAllowedWeights}, ` +
        `${n} neurons) but a vector holds at most ${MAX_ENTRIES}: the subnet owner must lower minAllowedWeights`,
    };
  }
  let pairs = uids
    .map((uid, i) => ({ uid, score: scores[i] as number }))
    .filter((p) => p.uid < n && p.uid !== rules.selfUid && Number.isFinite(p.score) && p.score > 0);
  if (pairs.length === 0) return { ok: false, reason: "no uid in use has a positive score yet; nothing to send" };
  if (pairs.length > MAX_ENTRIES)
    pairs = [...pairs].sort((a, b) => b.score - a.score || a.uid - b.uid).slice(0, MAX_ENTRIES);
  pairs.sort((a, b) => a.uid - b.uid);
  const us = pairs.map((p) => p.uid);
  const ss = pairs.map((p) => p.score);

  let v = normalise(us, ss);
  let clipped = false;
  if (!withinMaxWeightLimit(v.values, rules.maxWeightLimit)) {
    if (!withinMaxWeightLimit(new Array<number>(pairs.length).fill(U16_MAX), rules.maxWeightLimit)) {
      const pct = ((rules.maxWeightLimit / U16_MAX) * 100).toFixed(2);
      return {
        ok: false,
        reason:
          `maxWeightLimit ${rules.maxWeightLimit} (${pct}% of the row) needs more than ${pairs.length} uid(s) with a ` +
          `positive score even with equal weights: wait until more miners score > 0, or the subnet owner must raise ` +
          `maxWeightLimit`,
      };
    }
    // The sum of the clipped, normalised vector only grows as the cutoff falls: bisect for the largest that passes.
    let lo = Math.min(...ss); // every score clipped to the smallest: equal weights, which pass
    let hi = Math.max(...ss); // the unclipped vector, which fails
    for (let i = 0; i < 200; i++) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (withinMaxWeightLimit(normalise(us, clip(ss, mid)).values, rules.maxWeightLimit)) lo = mid;
      else hi = mid;
    }
    v = normalise(us, clip(ss, lo));
    clipped = true;
  }

  const have = new Set(v.uids);
  const padded: number[] = [];
  for (let uid = 0; uid < n && have.size + padded.length < required; uid++) {
    if (!have.has(uid) && uid !== rules.selfUid) padded.push(uid);
  }
  if (have.size + padded.length < required && rules.selfUid !== undefined && rules.selfUid < n)
    padded.push(rules.selfUid);
  const entries = [
    ...v.uids.map((uid, i) => ({ uid, value: v.values[i] as number })),
    ...padded.map((uid) => ({ uid, value: 0 })),
  ].sort((a, b) => a.uid - b.uid);
  return { ok: true, uids: entries.map((e) => e.uid), values: entries.map((e) => e.value), padded, clipped };
}

function clip(scores: readonly number[], cutoff: number): number[] {
  return scores.map((s) => Math.min(s, cutoff));
}

export function createWeightsCodec(): WeightsCodec {
  const entries = (uids: readonly number[], values: readonly number[]) => {
    if (uids.length !== values.length)
      throw new RangeError(`weights: ${uids.length} uids but ${values.length} values: give one value per uid`);
    return uids.map((uid, i) => ({ uid, value: values[i]! }));
  };
  const normalise: Normalise = (uids, scores) => {
    if (uids.length !== scores.length)
      throw new RangeError(`weights: ${uids.length} uids but ${scores.length} scores: give one score per uid`);
    const map = new Map<number, number>();
    uids.forEach((uid, i) => map.set(uid, scores[i]!));
    const out = normaliseScores(map);
    return { uids: out.map((e) => e.uid), values: out.map((e) => e.value) };
  };
  return {
    normalise,
    fit: (uids, scores, rules) => fitWeights(normalise, uids, scores, rules),
    pack: (uids, values) => hexBytes(packWeights(entries(uids, values))),
    unpack(packed) {
      const e = unpackWeights(bytesToHex(packed));
      return { uids: e.map((x) => x.uid), values: e.map((x) => x.value) };
    },
    commitHash: (c) =>
      commitHash({
        hotkey: c.hotkey,
        netuid: c.netuid,
        packedWeights: packWeights(entries(c.uids, c.values)),
        salt: c.salt,
        versionKey: c.versionKey,
      }),
    randomSalt(): Hex {
      return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
    },
  };
}
