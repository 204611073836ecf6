/** Fixed-point primitives and exp against substrate-fixed's documented semantics. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixedBondsAlpha } from "../../offchain/yuma/bonds.js";
import { E_I32F32, expFixed, expSafe } from "../../offchain/yuma/exp.js";
import {
  HALF,
  I32F32_MAX,
  I32F32_MIN,
  ONE,
  checkedDiv32,
  fixed64ToFixed32,
  fixed96ToU64,
  fixedProportionToU16,
  fromInt32,
  safeDiv32,
  safeDiv64,
  satAdd32,
  satDiv32,
  satMul32,
  satMul96,
  u16ProportionToFixed,
} from "../../offchain/yuma/fixed.js";
import { stakeVector } from "../../offchain/yuma/stake.js";

describe("I32F32", () => {
  it("multiplication floors toward -inf", () => {
    assert.equal(satMul32(-1n, HALF), -1n); // -2^-32 · 0.5 = -2^-33 → floor → -2^-32
    assert.equal(satMul32(1n, HALF), 0n);
    assert.equal(satMul32(3n * ONE, -HALF), -(3n * ONE) / 2n);
  });

  it("division truncates toward zero", () => {
    assert.equal(checkedDiv32(-1n, 2n * ONE), 0n); // -2^-33 → 0, not -2^-32
    assert.equal(checkedDiv32(ONE, 3n * ONE), 1431655765n); // floor(2^32 / 3)
    assert.equal(checkedDiv32(-ONE, 3n * ONE), -1431655765n);
  });

  it("safe_div gives 0 on division by zero and on overflow", () => {
    assert.equal(safeDiv32(ONE, 0n), 0n);
    assert.equal(safeDiv32(I32F32_MAX, 1n), 0n);
    assert.equal(checkedDiv32(I32F32_MAX, 1n), undefined);
  });

  it("saturating ops clamp to the i64 raw range", () => {
    assert.equal(satAdd32(I32F32_MAX, ONE), I32F32_MAX);
    assert.equal(satAdd32(I32F32_MIN, -ONE), I32F32_MIN);
    assert.equal(satMul32(I32F32_MAX, 2n * ONE), I32F32_MAX);
    assert.equal(satDiv32(I32F32_MAX, 1n), I32F32_MAX);
    assert.equal(satDiv32(fromInt32(1000n), fromInt32(-100n)), fromInt32(-10n));
  });

  it("u16 proportions round-trip as subtensor stores them", () => {
    assert.equal(u16ProportionToFixed(65535), ONE);
    assert.equal(u16ProportionToFixed(32767), (32767n << 32n) / 65535n);
    assert.equal(fixedProportionToU16(ONE), 65535);
    assert.equal(fixedProportionToU16(HALF), 32767);
    assert.equal(fixedProportionToU16(2n * ONE), 65535, "clamped to u16::MAX");
    assert.equal(fixedProportionToU16(-ONE), 0, "negative → 0");
  });

  it("bonds EMA rate: 1 − I32F32(I64F64(bma) / 1e6)", () => {
    assert.equal(fixedBondsAlpha(900_000), ONE - (((900_000n << 64n) / 1_000_000n) >> 32n));
    assert.equal(fixedBondsAlpha(1_000_000), 0n);
    assert.equal(fixedBondsAlpha(0), ONE);
  });
});

describe("I64F64 / I96F32", () => {
  it("stake is normalised in I64F64, then narrowed by dropping 32 bits", () => {
    const s = stakeVector([1n, 2n, 3n, 4n, 0n], 0n, null);
    assert.deepEqual(
      s,
      [1n, 2n, 3n, 4n, 0n].map((k) => ((k << 64n) / 10n) >> 32n),
    );
    assert.equal(safeDiv64(1n << 64n, 0n), 0n);
    assert.equal(fixed64ToFixed32(-1n), -1n, "narrowing floors");
  });

  it("stake threshold zeroes small stakes but never the owner's", () => {
    const s = stakeVector([5n, 50n, 500n], 100n, 0);
    assert.equal(s[1], 0n);
    assert.ok(s[0]! > 0n && s[2]! > 0n);
    assert.equal(s[0]! + s[2]! <= ONE, true);
  });

  it("rao amounts floor the I96F32 product", () => {
    const e = 1_000_000_000n << 32n;
    assert.equal(fixed96ToU64(satMul96(((1n << 64n) / 10n) >> 32n, e)), 99_999_999n);
    assert.equal(fixed96ToU64(-1n), 0n);
  });
});

/** e · 2^k by summing 1/j! in integers scaled by 2^scale (exact enough for a floor at 2^23). */
function eTimes(scaleBits: bigint): bigint {
  const scale = 1n << 100n;
  let term = scale;
  let sum = 0n;
  for (let j = 1n; j < 60n; j++) {
    sum += term;
    term /= j;
  }
  return (sum << scaleBits) / scale;
}

describe("exp (substrate-fixed Taylor series)", () => {
  it("E is e truncated to I9F23", () => {
    assert.equal(E_I32F32 >> 9n, eTimes(23n));
    assert.equal(expFixed(ONE), E_I32F32);
    assert.equal(expFixed(0n), ONE);
  });

  it("is close to e^x over the default sigmoid's range (|x| ≤ 5)", () => {
    for (const x of [-5, -2.5, -0.5, 0.25, 0.75, 2, 5]) {
      const raw = BigInt(Math.round(x * 2 ** 32));
      const got = Number(expFixed(raw)!) / 2 ** 32;
      assert.ok(Math.abs(got - Math.exp(x)) <= Math.exp(x) * 1e-8, `exp(${x}) = ${got}`);
    }
  });

  it("keeps the chain's truncation error for large x (31 terms: exp(20) is 0.8 % low)", () => {
    const got = Number(expFixed(20n * ONE)!) / 2 ** 32;
    assert.ok(got < Math.exp(20) * 0.992 && got > Math.exp(20) * 0.991, `exp(20) = ${got}`);
  });

  it("negative inputs are 1 / exp(|x|)", () => {
    const x = 3n * ONE + 12345n;
    assert.equal(expFixed(-x), checkedDiv32(ONE, expFixed(x)!));
  });

  it("overflows past ln(2^31) and exp_safe clamps to ±20", () => {
    assert.equal(expFixed(22n * ONE), undefined);
    assert.equal(expSafe(100n * ONE), expFixed(20n * ONE));
    assert.equal(expSafe(-100n * ONE), expFixed(-20n * ONE));
  });
});
