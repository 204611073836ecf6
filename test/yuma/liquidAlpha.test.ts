/** Liquid-alpha sigmoid and the chain's peekable walk over stored rows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ONE, ZERO, fromInt32, u16ProportionToFixed } from "../../offchain/yuma/fixed.js";
import { liquidAlphaSigmoid, memoizedExpSafe, peekWalkValues } from "../../offchain/yuma/liquidAlpha.js";
import { mulberry32 } from "../../offchain/yuma/synthetic.js";

const params = { low: u16ProportionToFixed(45875), high: u16ProportionToFixed(58982), steepness: fromInt32(1000n) };

describe("liquid alpha sigmoid", () => {
  it("stays within [alpha_low, alpha_high] for any weight, bond and consensus", () => {
    const rand = mulberry32(5);
    for (let k = 0; k < 300; k++) {
      const [c, w, b] = [rand(), rand(), rand()].map((x) => BigInt(x)); // raw values in [0, 1)
      const steepness = fromInt32(BigInt((rand() % 65536) - 32768));
      const a = liquidAlphaSigmoid(c, w, b, { ...params, steepness });
      assert.ok(a >= params.low && a <= params.high, `alpha ${a}`);
    }
  });

  it("d = 0.5 puts the sigmoid at exactly one half", () => {
    // weight ≥ bond, weight − consensus = 0.5 → exponent 0 → exp = 1 → σ = 1/2.
    const a = liquidAlphaSigmoid(ZERO, ONE / 2n, ZERO, params);
    assert.equal(a, params.low + (((ONE / 2n) * (params.high - params.low)) >> 32n));
  });

  it("a weight far above consensus moves bonds at the high rate, far below at the low rate", () => {
    const buy = liquidAlphaSigmoid(ZERO, ONE, ZERO, params); // d = 1: σ = 1/(1+e^-5)
    const hold = liquidAlphaSigmoid(ONE, ONE / 2n, ONE / 4n, params); // w ≥ b, w − c < 0: d = 0
    assert.ok(buy > hold);
    assert.ok(buy - params.low > ((params.high - params.low) * 99n) / 100n);
    assert.ok(hold - params.low < ((params.high - params.low) * 1n) / 100n);
  });

  it("memoised exp returns the same values", () => {
    const exp = memoizedExpSafe();
    for (const w of [0n, ONE / 3n, ONE / 3n, ONE]) {
      assert.equal(
        liquidAlphaSigmoid(ONE / 5n, w, ONE / 7n, params, exp),
        liquidAlphaSigmoid(ONE / 5n, w, ONE / 7n, params),
      );
    }
  });
});

describe("peekable walk over a stored row", () => {
  it("sees every entry of a sorted row", () => {
    const seen = peekWalkValues({ cols: [1, 4, 9], vals: [10n, 40n, 90n] });
    assert.deepEqual(
      [...seen.entries()],
      [
        [1, 10n],
        [4, 40n],
        [9, 90n],
      ],
    );
  });

  it("loses entries that come after a larger column in an unsorted row, as the chain does", () => {
    const seen = peekWalkValues({ cols: [5, 2, 7, 6, 8], vals: [50n, 20n, 70n, 60n, 80n] });
    assert.deepEqual(
      [...seen.entries()],
      [
        [5, 50n],
        [7, 70n],
        [8, 80n],
      ],
    );
  });
});
