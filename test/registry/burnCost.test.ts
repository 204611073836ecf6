import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import {
  BURN_MULT_Q64,
  bumpQ64,
  decayFactorQ32,
  decayPerBlock,
  exactClosedForm,
  type BurnBounds,
} from "./reference.js";
import { Rng } from "../support/rng.js";

// Differential test of the registration burn (subtensor-reference.md §7.1): the registry's closed form (BurnCost,
// through RegistryMathHarness) against subtensor's per-block floor-and-clamp sequence, modelled in BigInt.
const SEED = BigInt(process.env.REGISTRY_BURN_SEED ?? "20251202");
const DEFAULTS: BurnBounds = { factorQ32: 4_286_705_684n, minBurn: 500_000n, maxBurn: 100_000_000_000n };
const MULT_PPM = 1_260_000n;

/** ceil(1 / (1 - f)): the most the per-block floors can lose over any number of blocks. */
function floorLossBound(factorQ32: bigint): bigint {
  const one = 1n << 32n;
  return (one + (one - factorQ32) - 1n) / (one - factorQ32);
}

describe(`burn cost: closed form vs subtensor's per-block sequence (seed ${SEED})`, async () => {
  const { viem } = await network.create();
  const h = await viem.deployContract("RegistryMathHarness");
  const rng = new Rng(SEED);

  it("decay factor equals subtensor's bisection for every tested half-life", async () => {
    const halfLives = [1n, 2n, 3n, 7n, 100n, 359n, 360n, 361n, 1000n, 7200n, 36_100n];
    for (let i = 0; i < 8; i++) halfLives.push(rng.between(1n, 36_100n));
    for (const hl of halfLives) {
      assert.equal(BigInt(await h.read.decayFactorQ32([hl])), decayFactorQ32(hl), `half-life ${hl}`);
    }
    assert.equal(decayFactorQ32(360n), DEFAULTS.factorQ32, "the library's 360-slot constant");
  });

  it("one decay segment: exact closed form, and within ceil(1/(1-f)) rao above the per-block reference", async () => {
    for (const hl of [360n, 50n, 36_100n]) {
      const b: BurnBounds = { ...DEFAULTS, factorQ32: decayFactorQ32(hl) };
      const bound = floorLossBound(b.factorQ32);
      let worst = 0n;
      for (let i = 0; i < 25; i++) {
        const anchor = rng.logBetween(b.minBurn, b.maxBurn);
        const n = rng.int(0, 4000);
        const closed = BigInt(await h.read.burnPriceAt([anchor, BigInt(n), b.factorQ32, b.minBurn, b.maxBurn]));
        assert.equal(closed, exactClosedForm(anchor, n, b), `exact closed form, anchor ${anchor} n ${n}`);
        const ref = decayPerBlock(anchor, n, b);
        const diff = closed - ref;
        assert.ok(diff >= 0n && diff <= bound, `hl ${hl} anchor ${anchor} n ${n}: diff ${diff} outside [0, ${bound}]`);
        if (diff > worst) worst = diff;
      }
      assert.ok(worst <= bound, `worst ${worst}`);
    }
  });

  it("the bump equals subtensor's U64F64 product of f64 1.26, including exact multiples of 50", async () => {
    const prices = [500_000n, 1_000_000_000n, 50n * 1_234_567n, 99_999_999_950n, 100_000_000_000n];
    for (let i = 0; i < 30; i++) prices.push(rng.logBetween(DEFAULTS.minBurn, DEFAULTS.maxBurn));
    for (const p of prices) {
      const got = BigInt(await h.read.burnBumped([p, MULT_PPM, DEFAULTS.minBurn, DEFAULTS.maxBurn]));
      assert.equal(got, bumpQ64(p, BURN_MULT_Q64, DEFAULTS), `price ${p}`);
    }
  });

  it("registration sequences stay within 0.12% of the per-block reference (and never below it)", async () => {
    let worstRel = 0;
    for (let run = 0; run < 12; run++) {
      const gaps: bigint[] = [];
      for (let i = 0; i < 30; i++) {
        // bursts (same slot), short and long gaps
        const kind = rng.int(0, 3);
        gaps.push(BigInt(kind === 0 ? 0 : kind === 1 ? rng.int(1, 40) : rng.int(41, 1500)));
      }
      const start = rng.logBetween(DEFAULTS.minBurn, 10n ** 10n);
      const paid = (await h.read.burnSequence([
        start,
        gaps,
        DEFAULTS.factorQ32,
        MULT_PPM,
        DEFAULTS.minBurn,
        DEFAULTS.maxBurn,
      ])) as readonly bigint[];
      let burn = start;
      for (let i = 0; i < gaps.length; i++) {
        burn = decayPerBlock(burn, Number(gaps[i]), DEFAULTS);
        const closed = paid[i];
        assert.ok(closed >= burn, `run ${run} reg ${i}: closed ${closed} below reference ${burn}`);
        const rel = Number(closed - burn) / Number(burn);
        assert.ok(rel <= 1.2e-3, `run ${run} reg ${i}: relative error ${rel}`);
        if (rel > worstRel) worstRel = rel;
        burn = bumpQ64(burn, BURN_MULT_Q64, DEFAULTS);
      }
    }
    assert.ok(worstRel <= 1.2e-3);
  });

  it("Q128 power: F^n never exceeds the exact value, absolute error below 2^-112 (< 1e-15 rao on any u64 price)", async () => {
    for (let i = 0; i < 20; i++) {
      const f = decayFactorQ32(rng.between(1n, 36_100n));
      const n = rng.int(0, 3000);
      const q = BigInt(await h.read.powQ128([f, BigInt(n)]));
      const exactNum = f ** BigInt(n); // exact value * 2^(32n)
      const shift = 32n * BigInt(n);
      const exactQ128 = shift >= 128n ? exactNum >> (shift - 128n) : exactNum << (128n - shift);
      assert.ok(q <= exactQ128, "floors only");
      assert.ok(exactQ128 - q < 1n << 16n, `n ${n}: error ${exactQ128 - q} ulps of 2^-128`);
    }
  });
});
