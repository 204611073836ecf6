import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { Rng } from "../support/rng.js";
import { emissionSplit, flowEma, poolMath, priceEma, sharePool } from "../../offchain/pool/index.js";

// Differential test: the Solidity pool math (through StakingPoolHarness) against the independent TypeScript
// BigInt model in offchain/pool/, on random inputs across every order of magnitude Staking allows.
const SEED = BigInt(process.env.STAKING_DIFF_SEED ?? "20251201");
const CASES = 120;
const MAX_TAO = 21_000_000n * 10n ** 9n;

describe(`pool math: Solidity vs TypeScript model (seed ${SEED})`, async () => {
  const { viem } = await network.create();
  const h = await viem.deployContract("StakingPoolHarness");
  const rng = new Rng(SEED);

  function reserves(): { t: bigint; a: bigint } {
    const t = rng.logBetween(poolMath.MIN_RESERVE, MAX_TAO);
    const lo = t / 10n ** 9n > poolMath.MIN_RESERVE ? t / 10n ** 9n : poolMath.MIN_RESERVE;
    const hi = t * 10n ** 9n < 1n << 96n ? t * 10n ** 9n : 1n << 96n;
    return { t, a: rng.logBetween(lo, hi) };
  }

  it("swaps, fees and prices after a trade", async () => {
    for (let i = 0; i < CASES; i++) {
      const { t, a } = reserves();
      const withFee = rng.bool();
      const buyIn = rng.logBetween(1n, t * poolMath.MAX_INPUT_MULTIPLE);
      const sellIn = rng.logBetween(1n, a * poolMath.MAX_INPUT_MULTIPLE);
      const [buy, sell, pb, ps, fee] = await Promise.all([
        h.read.swapOut([t, a, buyIn, withFee]),
        h.read.swapOut([a, t, sellIn, withFee]),
        h.read.priceAfterBuy([t, a, buyIn, withFee]),
        h.read.priceAfterSell([t, a, sellIn, withFee]),
        h.read.feeOf([buyIn]),
      ]);
      const mb = poolMath.swapOut(t, a, buyIn, withFee);
      const ms = poolMath.swapOut(a, t, sellIn, withFee);
      const ctx = `case ${i}: t=${t} a=${a} buyIn=${buyIn} sellIn=${sellIn} fee=${withFee}`;
      assert.deepEqual(buy, [mb.out, mb.fee], `buy ${ctx}`);
      assert.deepEqual(sell, [ms.out, ms.fee], `sell ${ctx}`);
      assert.equal(pb, poolMath.priceAfterBuy(t, a, buyIn, withFee), `price after buy ${ctx}`);
      assert.equal(ps, poolMath.priceAfterSell(t, a, sellIn, withFee), `price after sell ${ctx}`);
      assert.equal(fee, poolMath.feeOf(buyIn), `fee ${ctx}`);
    }
  });

  it("limit prices: the largest fill is the same exact boundary", async () => {
    let binding = 0;
    for (let i = 0; i < CASES; i++) {
      const { t, a } = reserves();
      const withFee = rng.bool();
      const spot = (t * poolMath.PRICE_UNIT) / a;
      const buyLimit = rng.between(spot / 2n, spot * 3n + 10n);
      const sellLimit = rng.between(spot / 3n, spot * 2n + 10n);
      const buyCap = rng.logBetween(1n, t * poolMath.MAX_INPUT_MULTIPLE);
      const sellCap = rng.logBetween(1n, a * poolMath.MAX_INPUT_MULTIPLE);
      const [mb, ms] = await Promise.all([
        h.read.maxBuy([t, a, buyLimit, buyCap, withFee]),
        h.read.maxSell([t, a, sellLimit, sellCap, withFee]),
      ]);
      const ctx = `case ${i}: t=${t} a=${a} fee=${withFee}`;
      assert.equal(
        mb,
        poolMath.maxBuy(t, a, buyLimit, buyCap, withFee),
        `maxBuy limit=${buyLimit} cap=${buyCap} ${ctx}`,
      );
      assert.equal(ms, poolMath.maxSell(t, a, sellLimit, sellCap, withFee), `maxSell limit=${sellLimit} ${ctx}`);
      if (mb > 0n && mb < buyCap) binding++;
    }
    assert.ok(binding > CASES / 10, `enough binding limits exercised (${binding})`);
  });

  it("the reserve floor: the largest input that keeps it is the same (closed form vs search)", async () => {
    let binding = 0;
    for (let i = 0; i < CASES; i++) {
      const { t, a } = reserves();
      const sell = rng.bool();
      // Half the cases on a shallow output reserve (within 1000x of the floor), where the floor binds often.
      const [rIn, rOut] = sell ? [a, t] : [t, a];
      const shallow = rng.bool() ? rng.logBetween(poolMath.MIN_RESERVE, poolMath.MIN_RESERVE * 1000n) : rOut;
      const x = rng.logBetween(1n, rIn * poolMath.MAX_INPUT_MULTIPLE);
      const got = await h.read.maxInAboveFloor([rIn, shallow, x]);
      assert.equal(
        got,
        poolMath.maxInAboveFloor(rIn, shallow, x),
        `case ${i}: rIn=${rIn} rOut=${shallow} x=${x} (${sell ? "sell" : "buy"})`,
      );
      if (got < x) binding++;
    }
    assert.ok(binding > CASES / 10, `enough binding floors exercised (${binding})`);
  });

  it("emission injection at the current price", async () => {
    for (let i = 0; i < CASES; i++) {
      const { t, a } = reserves();
      const taoIn = rng.logBetween(1n, 10n ** 12n);
      const cap = rng.logBetween(1n, 10n ** 12n);
      const got = await h.read.inject([t, a, taoIn, cap]);
      const m = poolMath.inject(t, a, taoIn, cap);
      assert.deepEqual(got, [m.tNew, m.aNew, m.alphaIn, m.bought], `inject t=${t} a=${a} in=${taoIn} cap=${cap}`);
    }
  });

  it("share pool deposits, withdrawals and values", async () => {
    for (let i = 0; i < CASES; i++) {
      const total = rng.logBetween(1n, 1n << 100n);
      const shares = rng.logBetween(1n, total * sharePool.INITIAL_SHARES_PER_UNIT);
      const amount = rng.logBetween(1n, total);
      const [dep, wd, val, first] = await Promise.all([
        h.read.sharesForDeposit([amount, shares, total]),
        h.read.sharesForWithdrawal([amount, shares, total]),
        h.read.shareValue([amount, shares, total]),
        h.read.sharesForDeposit([amount, 0n, 0n]),
      ]);
      const ctx = `amount=${amount} shares=${shares} total=${total}`;
      assert.equal(dep, sharePool.sharesForDeposit(amount, shares, total), `deposit ${ctx}`);
      assert.equal(wd, sharePool.sharesForWithdrawal(amount, shares, total), `withdrawal ${ctx}`);
      assert.equal(val, sharePool.valueOf(amount, shares, total), `value ${ctx}`);
      assert.equal(first, sharePool.sharesForDeposit(amount, 0n, 0n), `first deposit ${ctx}`);
    }
  });

  it("flow EMA, price EMA and the emission split", async () => {
    for (let i = 0; i < CASES / 2; i++) {
      const slots = rng.logBetween(1n, 1n << 24n);
      const ema = (rng.bool() ? 1n : -1n) * rng.logBetween(1n, 1n << 120n);
      const flow = (rng.bool() ? 1n : -1n) * rng.logBetween(1n, 1n << 60n);
      const price = rng.logBetween(1n, 10n ** 18n);
      const spot = rng.logBetween(1n, 10n ** 20n);
      const since = rng.logBetween(1n, 1n << 30n);
      const weights: bigint[] = Array.from({ length: 1 + Number(rng.between(0n, 7n)) }, () =>
        rng.bool() ? 0n : rng.logBetween(1n, 1n << 127n),
      );
      if (!weights.some((w) => w !== 0n)) weights[0] = 1n;
      const minted = rng.logBetween(1n, 10n ** 16n);
      const [d, fu, pu, split] = await Promise.all([
        h.read.flowDecay([slots]),
        h.read.flowUpdate([ema, flow, slots]),
        h.read.priceEmaUpdate([price, spot, since, slots]),
        h.read.splitByWeight([minted, weights]),
      ]);
      assert.equal(d, flowEma.decay(slots), `decay ${slots}`);
      assert.equal(fu, flowEma.update(ema, flow, slots), `flow update ema=${ema} flow=${flow} n=${slots}`);
      assert.equal(pu, priceEma.update(price, spot, since, slots), `price ema ${price} ${spot} ${since} ${slots}`);
      const modelSplit = emissionSplit.byWeight(minted, weights);
      assert.deepEqual([...(split as readonly bigint[])], modelSplit, `split ${minted} over ${weights.join(",")}`);
      assert.equal(
        modelSplit.reduce((s, x) => s + x, 0n),
        minted,
        "the split sums to what was minted",
      );
    }
  });
});
