import assert from "node:assert/strict";
import { describe, it } from "node:test";
import hre, { network } from "hardhat";
import { type Hex, getAddress, keccak256, toHex } from "viem";
import {
  commitHash,
  packWeights,
  summarisePacked,
  unpackWeights,
  weightsAbi,
  weightsHash,
} from "../../offchain/weights/index.js";
import type { WeightEntry } from "../../offchain/weights/index.js";

/** Deterministic PRNG (mulberry32): failures reproduce from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVector(rand: () => number): WeightEntry[] {
  const len = Math.floor(rand() * 257);
  const uids = new Set<number>();
  const dense = rand() < 0.5; // half the vectors use small uids (the real range), half the whole u16 range
  while (uids.size < len) uids.add(Math.floor(rand() * (dense ? 256 : 65536)));
  return [...uids].map((uid) => {
    const r = rand();
    return { uid, value: r < 0.2 ? 65535 : r < 0.3 ? 0 : Math.floor(rand() * 65536) };
  });
}

function randomBytes(rand: () => number, entries: number): Hex {
  return toHex(Uint8Array.from({ length: entries * 4 }, () => Math.floor(rand() * 256)));
}

describe("packed weights: Solidity and TypeScript agree", async () => {
  const { viem } = await network.create();
  const harness = await viem.deployContract("WeightsCodecHarness");
  const SEED = Number(process.env.WEIGHTS_FUZZ_SEED ?? 20240601); // override to explore other vectors

  it("pack, unpack, weights hash and commit hash round-trip on random vectors", async () => {
    const rand = prng(SEED);
    for (let t = 0; t < 60; t++) {
      const entries = randomVector(rand);
      const packed = packWeights(entries);
      const sorted = [...entries].sort((a, b) => a.uid - b.uid);

      const [uids, values] = await harness.read.unpack([packed]);
      assert.deepEqual(
        uids.map((uid, i) => ({ uid, value: values[i]! })),
        sorted,
        `seed ${SEED} case ${t}: Solidity unpack of the TS packing`,
      );
      assert.equal(
        await harness.read.pack([sorted.map((e) => e.uid), sorted.map((e) => e.value)]),
        packed,
        `case ${t}: Solidity packing equals TS packing`,
      );
      assert.deepEqual(unpackWeights(packed), sorted, `case ${t}: TS unpack`);

      assert.equal(await harness.read.weightsHash([packed]), weightsHash(packed), `case ${t}: weights hash`);
      const hotkey = getAddress(toHex(Uint8Array.from({ length: 20 }, () => Math.floor(rand() * 256))));
      const netuid = Math.floor(rand() * 65536);
      const salt = keccak256(toHex(`salt ${t}`));
      const versionKey = BigInt(Math.floor(rand() * 2 ** 53)) * 2048n + BigInt(t);
      assert.equal(
        await harness.read.commitHash([hotkey, netuid, packed, salt, versionKey]),
        commitHash({ hotkey, netuid, packedWeights: packed, salt, versionKey }),
        `case ${t}: commit hash`,
      );
    }
  });

  it("the contract's SWAR scan equals the TS scalar summary, valid and invalid vectors alike", async () => {
    const rand = prng(SEED + 1);
    for (let t = 0; t < 60; t++) {
      const packed = t % 2 === 0 ? packWeights(randomVector(rand)) : randomBytes(rand, Math.floor(rand() * 257));
      const sol = await harness.read.scan([packed]);
      const ts = summarisePacked(packed);
      assert.deepEqual(
        {
          entries: Number(sol.entries),
          firstUid: sol.firstUid,
          lastUid: sol.lastUid,
          ascending: sol.ascending,
          hasU16Max: sol.hasU16Max,
          anyNonZero: sol.anyNonZero,
          sum: sol.sum,
        },
        ts,
        `seed ${SEED + 1} case ${t}`,
      );
    }
  });

  it("the hand-written viem ABI matches the compiled Weights contract", async () => {
    const artifact = await hre.artifacts.readArtifact("Weights");
    type Param = { type: string; name?: string; indexed?: boolean };
    type Item = { type: string; name?: string; inputs?: readonly Param[]; outputs?: readonly Param[] };
    const compiled = artifact.abi as readonly Item[];
    const shape = (ps: readonly Param[] | undefined) =>
      (ps ?? []).map((p) => `${p.type}${p.indexed ? " indexed" : ""}`);
    for (const item of weightsAbi as readonly Item[]) {
      const match = compiled.find((c) => c.type === item.type && c.name === item.name);
      assert.ok(match, `${item.type} ${item.name} exists in the artifact`);
      assert.deepEqual(shape(match.inputs), shape(item.inputs), `${item.name} inputs`);
      if (item.type === "function") assert.deepEqual(shape(match.outputs), shape(item.outputs), `${item.name} outputs`);
    }
  });
});
