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
