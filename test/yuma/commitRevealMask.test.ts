/** Commit-reveal's column mask (reference §5.5): cb[i] < BR[j] drops (i, j), an input extension (`commitBlock`). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runEpoch } from "../../offchain/yuma/epoch.js";
import { parseYumaInput } from "../../offchain/yuma/schema.js";
import type { NeuronInput } from "../../offchain/yuma/types.js";
import { epochInput, neuron } from "./helpers.js";

const V = 1_000_000_000_000n;

/** One validator (uid 0, last update 200) weighting miners 1 (registered at 1) and 2 (registered at 120). */
function subnet(commitBlock?: bigint): NeuronInput[] {
  const validator = neuron({
    stake: V,
    validatorPermit: true,
    lastUpdate: 200n,
    weights: [
      [1, 65535],
      [2, 65535],
    ],
  });
  return [
    commitBlock === undefined ? validator : { ...validator, commitBlock },
    neuron({ blockAtRegistration: 1n }),
    neuron({ blockAtRegistration: 120n }),
  ];
}

describe("yuma: commit-reveal column mask", () => {
  it("drops the weights on a uid registered after the validator's earliest pending commit", () => {
    const unmasked = runEpoch(epochInput(subnet(), {}, { block: 300n }));
    assert.ok(unmasked.incentive[2]! > 0, "without a pending commit, uid 2 earns (lastUpdate 200 > 120)");
    const masked = runEpoch(epochInput(subnet(100n), {}, { block: 300n }));
    assert.equal(masked.incentive[2], 0, "pending commit at 100 < registration 120: dropped");
    assert.equal(masked.incentive[1], 65535, "uid 1 (registered at 1) takes all the incentive");
  });

  it("keeps them when the commit is at or after the registration", () => {
    const atRegistration = runEpoch(epochInput(subnet(120n), {}, { block: 300n }));
    const without = runEpoch(epochInput(subnet(), {}, { block: 300n }));
    assert.deepEqual(atRegistration.incentive, without.incentive, "cb = BR is not cb < BR");
  });

  it("is optional in the JSON interface, and parsed when present", () => {
    const json = {
      block: 300,
      tempo: 10,
      lastEpochBlock: 0,
      activityCutoff: 5000,
      params: {
        kappa: 32767,
        bondsPenalty: 65535,
        bondsMovingAverage: 900000,
        yuma3: false,
        liquidAlpha: false,
        alphaLow: 45875,
        alphaHigh: 58982,
        alphaSigmoidSteepness: 1000,
        maxAllowedValidators: 8,
        stakeThreshold: "0",
        ownerUid: null,
      },
      emission: "1000000000",
      neurons: [
        {
          stake: "1000",
          lastUpdate: 200,
          blockAtRegistration: 1,
          validatorPermit: true,
          weights: [[1, 65535]],
          bonds: [],
          commitBlock: 100,
        },
        { stake: "0", lastUpdate: 100, blockAtRegistration: 1, validatorPermit: false, weights: [], bonds: [] },
      ],
    };
    const parsed = parseYumaInput(json);
    assert.equal(parsed.neurons[0]!.commitBlock, 100n);
    assert.equal("commitBlock" in parsed.neurons[1]!, false, "absent stays absent");
  });
});
