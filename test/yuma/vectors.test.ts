/**
 * Conformance: every record of yuma-vectors.jsonl (subtensor's epoch tests and random states; copy of
 * /work/shared/spec/yuma-vectors.jsonl, sha256 294633c6…5ae0b1) reproduced field by field, bit for bit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runEpoch } from "../../offchain/yuma/epoch.js";
import { parseYumaInput, serializeYumaOutput } from "../../offchain/yuma/schema.js";
import { loadVectors } from "./helpers.js";

const vectors = loadVectors();

describe("yuma-vectors.jsonl", () => {
  it("holds the 46 records of the spec", () => {
    assert.equal(vectors.length, 46);
  });

  vectors.forEach((record, k) => {
    const p = record.input["params"] as Record<string, unknown>;
    const label = `record ${k}: n=${(record.input["neurons"] as unknown[]).length} yuma3=${p["yuma3"]} liquidAlpha=${p["liquidAlpha"]}`;
    it(label, () => {
      const got = serializeYumaOutput(runEpoch(parseYumaInput(record.input)));
      assert.deepEqual(Object.keys(got), Object.keys(record.expected), "output fields and their order");
      for (const field of Object.keys(record.expected)) {
        assert.deepEqual((got as unknown as Record<string, unknown>)[field], record.expected[field], `field ${field}`);
      }
    });
  });
});
