/** Hand-built epochs (not in the vector file) checking properties the reference states. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runEpoch } from "../../offchain/yuma/epoch.js";
import { serializeYumaOutput } from "../../offchain/yuma/schema.js";
import { syntheticEpoch } from "../../offchain/yuma/synthetic.js";
import { epochInput, neuron, sumOf } from "./helpers.js";

const V = 1_000_000_000_000n; // a validator-sized stake

/** Two validators weighting two miners; uids 0,1 validators, 2,3 miners. */
function twoValidatorsTwoMiners(overrides: { v0?: object; v1?: object } = {}) {
  return [
    neuron({
      stake: V,
      validatorPermit: true,
      weights: [
        [2, 65535],
        [3, 32767],
      ],
      ...overrides.v0,
    }),
    neuron({
      stake: 3n * V,
      validatorPermit: true,
      weights: [
        [2, 65535],
        [3, 32767],
      ],
      ...overrides.v1,
    }),
    neuron({ stake: 1n }),
    neuron({ stake: 1n }),
  ];
}

describe("emission", () => {
  it("per-uid amounts never sum above the epoch's emission", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const input = syntheticEpoch({
        uids: 24,
        validators: 6,
        seed,
        density256: 160,
        params: { yuma3: seed % 2 === 0, liquidAlpha: seed % 3 === 0, bondsPenalty: [0, 32767, 65535][seed % 3]! },
      });
      const out = runEpoch(input);
      assert.ok(sumOf(out.incentiveEmission) <= input.emission, `seed ${seed} incentive`);
      assert.ok(sumOf(out.dividendEmission) <= input.emission, `seed ${seed} dividend`);
      assert.ok(sumOf(out.incentiveEmission) + sumOf(out.dividendEmission) <= input.emission, `seed ${seed} split`);
      assert.ok(sumOf(out.emission) <= input.emission, `seed ${seed} combined`);
      // With consensus, miners and validators each get half, less I32F32 flooring dust (< 1 ppm here).
      const half = input.emission / 2n;
      for (const part of [out.incentiveEmission, out.dividendEmission]) {
        const shortfall = half - sumOf(part);
        assert.ok(shortfall >= 0n && shortfall < half / 1_000_000n, `seed ${seed}: shortfall ${shortfall}`);
      }
    }
  });

  it("with no weights set, validators are paid by active stake", () => {
    const out = runEpoch(
      epochInput([
        neuron({ stake: V, validatorPermit: true }),
        neuron({ stake: 3n * V, validatorPermit: true }),
        neuron({ stake: 0n }),
      ]),
    );
    assert.deepEqual(out.incentiveEmission, [0n, 0n, 0n]);
    assert.deepEqual(out.dividendEmission, [250_000_000n, 750_000_000n, 0n]);
    assert.deepEqual(out.emission, out.dividendEmission);
  });
});

describe("validator permits", () => {
  it("top-k by stake; a tie at the cut-off goes to the higher uid", () => {
    const out = runEpoch(
      epochInput(
        [5n, 5n, 5n, 1n].map((stake) => neuron({ stake })),
        { maxAllowedValidators: 2 },
      ),
    );
    assert.deepEqual(out.validatorPermit, [false, true, true, false]);
    const equal = runEpoch(
      epochInput(
        [7n, 7n, 7n, 7n].map((stake) => neuron({ stake })),
        { maxAllowedValidators: 3 },
      ),
    );
    assert.deepEqual(equal.validatorPermit, [false, true, true, true]);
  });

  it("fewer uids than k: every non-zero stake gets a permit, zero stake never", () => {
    const out = runEpoch(
      epochInput(
        [3n, 0n, 1n].map((stake) => neuron({ stake })),
        { maxAllowedValidators: 64 },
      ),
    );
    assert.deepEqual(out.validatorPermit, [true, false, true]);
  });

  it("the owner's uid always holds a permit, even with no stake", () => {
    const out = runEpoch(
      epochInput(
        [5n, 0n, 9n].map((stake) => neuron({ stake })),
        { maxAllowedValidators: 1, ownerUid: 1 },
      ),
    );
    assert.deepEqual(out.validatorPermit, [false, true, true]);
  });
});

describe("activity and weights", () => {
  it("an inactive validator gets no dividends and no vote", () => {
    const neurons = twoValidatorsTwoMiners({ v1: { lastUpdate: 10n } });
    // lastUpdate 100 + cutoff 100 ≥ block 150: active; 10 + 100 < 150: inactive.
    const out = runEpoch(epochInput(neurons, {}, { block: 150n, activityCutoff: 100n }));
    assert.deepEqual(out.active, [true, false, true, true]);
    assert.equal(out.dividends[1], 0);
    assert.equal(out.dividendEmission[1], 0n);
    assert.ok(out.dividendEmission[0]! > 0n);
    // Its weights did not count: consensus is the active validator's own (normalised) weights.
    assert.deepEqual(out.consensus, [0, 0, 43690, 21844]);
  });

  it("a permitted validator without weights has zero trust and zero dividends", () => {
    for (const yuma3 of [true, false]) {
      const out = runEpoch(epochInput(twoValidatorsTwoMiners({ v0: { weights: [] } }), { yuma3 }));
      assert.equal(out.validatorTrust[0], 0, `yuma3=${yuma3}`);
      assert.equal(out.dividends[0], 0, `yuma3=${yuma3}`);
      assert.equal(out.dividendEmission[0], 0n, `yuma3=${yuma3}`);
      assert.ok(out.dividendEmission[1]! > 0n, `yuma3=${yuma3}`);
      assert.deepEqual(out.bonds[0], [], `yuma3=${yuma3}: no weights, no bonds`);
    }
  });

  it("self-weights are dropped, except the owner's", () => {
    const selfish = [
      neuron({
        stake: V,
        validatorPermit: true,
        weights: [
          [0, 65535],
          [1, 65535],
        ],
      }),
      neuron({ stake: 1n }),
    ];
    assert.deepEqual(runEpoch(epochInput(selfish)).consensus, [0, 65535]);
    assert.deepEqual(runEpoch(epochInput(selfish, { ownerUid: 0 })).consensus, [32767, 32767]);
  });

  it("weights set before a uid's registration do not count for it", () => {
    const neurons = twoValidatorsTwoMiners();
    neurons[3] = neuron({ stake: 1n, blockAtRegistration: 100n }); // validators' lastUpdate is 100
    const out = runEpoch(epochInput(neurons));
    assert.equal(out.consensus[3], 0);
    assert.equal(out.incentive[3], 0);
    assert.equal(out.consensus[2], 65535);
  });

  it("stake below the threshold counts as zero, except the owner's", () => {
    const neurons = [neuron({ stake: 50n }), neuron({ stake: 500n }), neuron({ stake: 40n })];
    const out = runEpoch(epochInput(neurons, { stakeThreshold: 100n, ownerUid: 2 }));
    assert.equal(out.stake[0], 0);
    assert.ok(out.stake[1]! > 0 && out.stake[2]! > 0);
    assert.equal(out.validatorPermit[0], false);
  });

  it("the order weights were stored in does not change the result (liquid alpha off)", () => {
    const input = syntheticEpoch({ uids: 20, validators: 5, seed: 3, density256: 200 });
    const shuffled = structuredClone(input);
    for (const x of shuffled.neurons) x.weights.reverse();
    assert.deepEqual(serializeYumaOutput(runEpoch(shuffled)), serializeYumaOutput(runEpoch(input)));
  });
});

describe("bonds", () => {
  it("a uid that loses its permit has its bonds cleared; one that never had one keeps them", () => {
    const neurons = [
      neuron({ stake: V, validatorPermit: true, weights: [[2, 65535]], bonds: [[2, 40000]] }),
      neuron({ stake: 1n, validatorPermit: true, weights: [[2, 65535]], bonds: [[2, 30000]] }),
      neuron({
        stake: 0n,
        bonds: [
          [0, 7],
          [1, 0],
        ],
      }),
    ];
    const out = runEpoch(epochInput(neurons, { maxAllowedValidators: 1 }));
    assert.deepEqual(out.validatorPermit, [true, false, false]);
    assert.notDeepEqual(out.bonds[0], []);
    assert.deepEqual(out.bonds[1], [], "lost its permit");
    assert.deepEqual(out.bonds[2], [[0, 7]], "unchanged (zeros dropped)");
  });

  it("Yuma 3: bonds to a uid registered since the last epoch restart from zero", () => {
    const neurons = [
      neuron({ stake: V, validatorPermit: true, lastUpdate: 500n, weights: [[1, 65535]], bonds: [[1, 65535]] }),
      neuron({ stake: 1n, blockAtRegistration: 450n }),
    ];
    const params = { yuma3: true, bondsMovingAverage: 900_000 };
    // Previous epoch at 400: uid 1 registered after it, so its old bond is discarded: B' = 0.1 · W.
    const fresh = runEpoch(epochInput(neurons, params, { block: 500n, lastEpochBlock: 400n }));
    assert.deepEqual(fresh.bonds[0], [[1, 6553]]);
    // Previous epoch at 460: the bond is kept and decays: B' = 0.1 · 1 + 0.9 · 1.
    const kept = runEpoch(epochInput(neurons, params, { block: 500n, lastEpochBlock: 460n }));
    assert.deepEqual(kept.bonds[0], [[1, 65535]]);
    // lastEpochBlock 0 = unknown: last tempo = block − tempo = 490 > 450, bond kept.
    const unknown = runEpoch(epochInput(neurons, params, { block: 500n, lastEpochBlock: 0n }));
    assert.deepEqual(unknown.bonds[0], [[1, 65535]]);
  });

  it("Yuma 3 with liquid alpha keeps bonds only for miners in the current weights", () => {
    const neurons = [
      neuron({
        stake: V,
        validatorPermit: true,
        weights: [[2, 65535]],
        bonds: [
          [2, 30000],
          [3, 30000],
        ],
      }),
      neuron({
        stake: V,
        validatorPermit: true,
        weights: [
          [2, 65535],
          [3, 65535],
        ],
        bonds: [
          [2, 30000],
          [3, 30000],
        ],
      }),
      neuron({ stake: 1n }),
      neuron({ stake: 1n }),
    ];
    const out = runEpoch(epochInput(neurons, { yuma3: true, liquidAlpha: true }));
    assert.deepEqual(
      out.bonds[0]!.map(([j]) => j),
      [2],
      "uid 3 left the row, so its bond is gone",
    );
    assert.deepEqual(
      out.bonds[1]!.map(([j]) => j),
      [2, 3],
    );
    const plain = runEpoch(epochInput(neurons, { yuma3: true, liquidAlpha: false }));
    assert.deepEqual(
      plain.bonds[0]!.map(([j]) => j),
      [2, 3],
      "the plain EMA keeps the decayed bond",
    );
  });

  it("original Yuma stores column-max-upscaled bonds", () => {
    const out = runEpoch(epochInput(twoValidatorsTwoMiners(), { yuma3: false }));
    for (const j of [2, 3]) {
      const column = out.bonds.flatMap((row) => row.filter(([c]) => c === j).map(([, v]) => v));
      assert.equal(Math.max(...column), 65535, `column ${j}`);
    }
  });
});

describe("purity", () => {
  it("does not modify its input and is deterministic", () => {
    const input = syntheticEpoch({ uids: 16, validators: 4, seed: 11, params: { liquidAlpha: true } });
    const before = structuredClone(input);
    const a = JSON.stringify(serializeYumaOutput(runEpoch(input)));
    const b = JSON.stringify(serializeYumaOutput(runEpoch(input)));
    assert.equal(a, b);
    assert.deepEqual(input, before);
  });
});
