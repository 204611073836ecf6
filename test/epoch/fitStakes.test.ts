import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitStakes } from "../../offchain/epoch/inputs.js";
import { runEpoch } from "../../offchain/yuma/epoch.js";
import { DEFAULT_PARAMS } from "../../offchain/yuma/synthetic.js";
import type { NeuronInput } from "../../offchain/yuma/types.js";

const neuron = (stake: bigint): NeuronInput => ({
  stake,
  lastUpdate: 100n,
  blockAtRegistration: 1n,
  validatorPermit: true,
  weights: [],
  bonds: [],
});

describe("epoch inputs: stake weights beyond Yuma's range", () => {
  it("leaves a total below 2^63 alone", () => {
    const ns = [neuron(5n), neuron((1n << 63n) - 6n)];
    assert.equal(fitStakes(ns), 0);
    assert.deepEqual(
      ns.map((x) => x.stake),
      [5n, (1n << 63n) - 6n],
    );
  });

  it("shifts every stake by the same bits so the total fits, keeping the ratios", () => {
    const ns = [neuron(1n << 63n), neuron(1n << 64n), neuron(3n << 64n)];
    const shift = fitStakes(ns);
    assert.ok(shift > 0);
    const total = ns.reduce((a, x) => a + x.stake, 0n);
    assert.ok(total < 1n << 62n, `total ${total} fits`);
    assert.equal(ns[1]!.stake, 2n * ns[0]!.stake, "2^64 stays twice 2^63");
    assert.equal(ns[2]!.stake, 3n * ns[1]!.stake);
    // Yuma then sees 1 : 2 : 6, not three saturated equal stakes.
    const out = runEpoch({
      block: 101n,
      tempo: 10n,
      lastEpochBlock: 0n,
      activityCutoff: 5_000n,
      params: { ...DEFAULT_PARAMS, yuma3: false },
      emission: 1_000_000_000n,
      neurons: ns,
    });
    assert.ok(out.stake[0]! < out.stake[1]! && out.stake[1]! < out.stake[2]!, `stake ${out.stake.join(",")}`);
  });
});
