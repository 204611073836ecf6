import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { mintSlotBySlot, subtensorBlockEmission } from "../support/subtensorEmission.js";

const TAO = 1_000_000_000n;
const MAX = 21_000_000n * TAO;
const thresholds = [10_500_000n * TAO, 15_750_000n * TAO, 18_375_000n * TAO, 19_687_500n * TAO];

describe("halving: Solidity closed form vs subtensor's I96F32 formula", async () => {
  const { viem } = await network.create();
  const h = await viem.deployContract("HalvingHarness");

  const points: bigint[] = [0n, 1n, TAO, 1_000_000n * TAO];
  for (const t of thresholds) points.push(t - 1n, t, t + 1n, t - 5_000_000n);
  points.push(MAX - 1n, MAX - TAO, MAX - 20_000_000n, MAX - 19_000_000n, MAX - 40_000_000n, 20_999_999n * TAO, MAX);
  // A deterministic spread over the whole curve.
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 40; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    points.push(x % MAX);
  }

  it("block emission matches at 0, around every threshold and near 21M", async () => {
    for (const issuance of points) {
      const expected = subtensorBlockEmission(issuance);
      assert.equal(await h.read.emissionAt([issuance]), expected, `issuance ${issuance}`);
    }
  });

  it("the thresholds are exactly 10.5M, 15.75M, 18.375M TAO", async () => {
    assert.equal(subtensorBlockEmission(0n), TAO);
    assert.equal(subtensorBlockEmission(thresholds[0] - 1n), TAO);
    assert.equal(subtensorBlockEmission(thresholds[0]), TAO / 2n);
    assert.equal(subtensorBlockEmission(thresholds[1] - 1n), TAO / 2n);
    assert.equal(subtensorBlockEmission(thresholds[1]), TAO / 4n);
    assert.equal(subtensorBlockEmission(thresholds[2]), TAO / 8n);
    assert.equal(await h.read.nextThreshold([0n]), thresholds[0]);
    assert.equal(await h.read.nextThreshold([thresholds[0]]), thresholds[1]);
    assert.equal(await h.read.nextThreshold([thresholds[2] - 1n]), thresholds[2]);
  });

  it("piecewise emission over many slots equals minting slot by slot", async () => {
    for (const t of thresholds) {
      for (const start of [t - 3n * TAO, t - TAO / 3n, t]) {
        assert.equal(await h.read.emissionOver([start, 10n]), mintSlotBySlot(start, 10), `start ${start}`);
      }
    }
    assert.equal(await h.read.emissionOver([MAX - 100n, 1000n]), mintSlotBySlot(MAX - 100n, 1000));
  });
});
