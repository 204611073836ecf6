/** The κ-quantile consensus against its definition on random small cases. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ONE, ZERO, safeDiv32, satSub32, u16ProportionToFixed, type I32F32 } from "../../offchain/yuma/fixed.js";
import { weightedMedian, weightedMedianColumns } from "../../offchain/yuma/median.js";
import { mulberry32 } from "../../offchain/yuma/synthetic.js";

/** Σ_{x<v} ≤ minority < Σ_{x≤v}: the smallest v with minority < Σ_{x≤v}, else the largest score. */
function byDefinition(stake: I32F32[], score: I32F32[], minority: I32F32): I32F32 {
  const values = [...new Set(score)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const v of values) {
    let le = ZERO;
    score.forEach((s, i) => {
      if (s <= v) le += stake[i]!;
    });
    if (minority < le) return v;
  }
  return values[values.length - 1]!;
}

describe("weighted median", () => {
  it("matches the definition, including ties and κ at the edges", () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 400; trial++) {
      const m = 1 + (rand() % 9);
      const raw = Array.from({ length: m }, () => BigInt(1 + (rand() % 1000)) << 20n);
      const total = raw.reduce((a, b) => a + b, 0n);
      const stake = raw.map((s) => safeDiv32(s, total));
      const stakeSum = stake.reduce((a, b) => a + b, 0n);
      const score = Array.from({ length: m }, () => BigInt(rand() % 5) << 30n); // few values → ties
      const kappa = [0, 1, 32767, 40000, 65535][trial % 5]!;
      const minority = satSub32(stakeSum, u16ProportionToFixed(kappa));
      const idx = Array.from({ length: m }, (_, k) => k);
      assert.equal(
        weightedMedian(stake, score, idx, minority, ZERO, stakeSum),
        byDefinition(stake, score, minority),
        `trial ${trial}`,
      );
    }
  });

  it("a single validator's score is the consensus; no validator gives 0", () => {
    const w = { cols: [0, 1], vals: [ONE / 4n, (3n * ONE) / 4n] };
    assert.deepEqual(weightedMedianColumns([ONE], [w], 2, u16ProportionToFixed(32767)), [ONE / 4n, (3n * ONE) / 4n]);
    assert.deepEqual(weightedMedianColumns([ZERO], [w], 2, u16ProportionToFixed(32767)), [ZERO, ZERO]);
  });

  it("zero-stake validators do not vote", () => {
    const high = { cols: [0], vals: [ONE] };
    const low = { cols: [0], vals: [ONE / 10n] };
    // The zero-stake row's score would be the median if it counted.
    const c = weightedMedianColumns([ONE / 2n, ZERO, ONE / 2n], [low, high, high], 1, u16ProportionToFixed(32767));
    assert.equal(c[0], ONE);
  });
});
