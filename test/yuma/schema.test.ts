/** The input schema: conversions, ranges and the errors it reports. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { YumaInputError, parseYumaInput } from "../../offchain/yuma/schema.js";
import { loadVectors } from "./helpers.js";

const base = loadVectors()[22]!.input;

function mutate(edit: (x: Record<string, any>) => void): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, any>;
  edit(copy);
  return copy;
}

function rejects(json: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseYumaInput(json),
    (err: unknown) => {
      assert.ok(err instanceof YumaInputError, String(err));
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe("yuma input schema", () => {
  it("converts decimal strings to BigInt and block numbers to BigInt", () => {
    const input = parseYumaInput(base);
    assert.equal(typeof input.emission, "bigint");
    assert.equal(input.emission, BigInt(base["emission"] as string));
    assert.equal(typeof input.neurons[0]!.stake, "bigint");
    assert.equal(input.block, BigInt(base["block"] as number));
  });

  it("names the path of a value outside its u16 range", () => {
    rejects(
      mutate((x) => (x["params"].kappa = 65536)),
      /^params\.kappa: must be ≤ 65535 \(u16\)/,
    );
    rejects(
      mutate((x) => (x["neurons"][2].weights[0][1] = -1)),
      /^neurons\[2\]\.weights\[0\]\[1\]: must be ≥ 0/,
    );
    rejects(
      mutate((x) => (x["params"].alphaSigmoidSteepness = 40000)),
      /alphaSigmoidSteepness: must be ≤ 32767 \(i16\)/,
    );
  });

  it("rejects parameters no subtensor epoch can see: bondsMovingAverage > 10^6, tempo or cutoff 0, bad alpha bounds", () => {
    rejects(
      mutate((x) => (x["params"].bondsMovingAverage = 1_000_001)),
      /^params\.bondsMovingAverage: must be ≤ 1000000 \(parts per million/,
    );
    parseYumaInput(mutate((x) => (x["params"].bondsMovingAverage = 1_000_000)));
    rejects(
      mutate((x) => (x["tempo"] = 0)),
      /^tempo: must be ≥ 1/,
    );
    rejects(
      mutate((x) => (x["activityCutoff"] = 0)),
      /^activityCutoff: must be ≥ 1/,
    );
    const alpha = (liquidAlpha: boolean, alphaLow: number, alphaHigh: number) =>
      mutate((x) => Object.assign(x["params"], { liquidAlpha, alphaLow, alphaHigh }));
    rejects(
      alpha(true, 58982, 45875),
      /^params\.alphaLow: alphaLow 58982 with alphaHigh 45875: liquid alpha needs 1638/,
    );
    rejects(alpha(true, 1637, 45875), /alphaLow 1637 with alphaHigh 45875/);
    parseYumaInput(alpha(true, 1638, 1638));
    parseYumaInput(alpha(false, 58982, 45875)); // unused without liquid alpha
  });

  it("requires decimal strings for big integers", () => {
    rejects(
      mutate((x) => (x["emission"] = 1000)),
      /^emission: must be a decimal string/,
    );
    rejects(
      mutate((x) => (x["neurons"][0].stake = "1e9")),
      /^neurons\[0\]\.stake: must be a decimal string/,
    );
    rejects(
      mutate((x) => (x["emission"] = "18446744073709551616")),
      /^emission: must fit in u64/,
    );
  });

  it("rejects duplicate and out-of-subnet uids, and an owner outside the subnet", () => {
    rejects(
      mutate((x) => x["neurons"][0].weights.push(x["neurons"][0].weights[0])),
      /uid \d+ appears twice in the row/,
    );
    rejects(
      mutate((x) => (x["neurons"][1].bonds = [[16, 1]])),
      /^neurons\[1\]\.bonds\[0\]\[0\]: uid 16 is not in the subnet \(n = 16\)/,
    );
    rejects(
      mutate((x) => (x["params"].ownerUid = 16)),
      /^params\.ownerUid: uid 16 is not in the subnet/,
    );
  });

  it("rejects missing and unknown fields", () => {
    rejects(
      mutate((x) => delete x["tempo"]),
      /^tempo: is required/,
    );
    rejects(
      mutate((x) => (x["params"].kapa = 1)),
      /^params: unknown field\(s\) "kapa"/,
    );
  });

  it("rejects a total stake beyond the I64F64 integer range", () => {
    rejects(
      mutate((x) => {
        x["neurons"][0].stake = (2n ** 62n).toString();
        x["neurons"][1].stake = (2n ** 62n).toString();
      }),
      /^neurons: total stake \d+ must be < 2\^63/,
    );
  });
});
