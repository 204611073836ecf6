import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { deployRegistry, NetParam, TAO } from "./fixture.js";
import { lockCost, lockReductionInterval } from "./reference.js";
import { Rng } from "../support/rng.js";

// Differential test of the subnet lock cost (subtensor-reference.md §8.1): LockCost (harness and the live
// registry) against a BigInt model of subtensor's `get_network_lock_cost` / `get_lock_reduction_interval`.
const SEED = BigInt(process.env.REGISTRY_LOCK_SEED ?? "20251203");

describe(`lock cost vs subtensor's formula (seed ${SEED})`, async () => {
  const rng = new Rng(SEED);

  it("reduction interval: I64F64 halving of 57,600 at every emission level", async () => {
    const { viem } = await network.create();
    const h = await viem.deployContract("RegistryMathHarness");
    for (let k = 0n; k <= 31n; k++) {
      const emission = 1_000_000_000n >> k;
      for (const base of [57_600n, 100_800n, 1n, rng.between(0n, (1n << 32n) - 1n)]) {
        const got = BigInt(await h.read.lockReductionInterval([base, emission]));
        assert.equal(got, lockReductionInterval(base, emission), `base ${base} emission ${emission}`);
      }
    }
  });

  it("cost: doubling, linear decay, floor at the minimum, zero interval", async () => {
    const { viem } = await network.create();
    const h = await viem.deployContract("RegistryMathHarness");
    for (let i = 0; i < 60; i++) {
      const lastLock = i % 10 === 0 ? 0n : rng.logBetween(1n, 21_000_000n * TAO);
      const lastSlot = rng.between(0n, 10_000_000n);
      const now = lastSlot + (i % 7 === 0 ? 0n : rng.logBetween(1n, 500_000n));
      const minLock = rng.logBetween(1n, 1000n * TAO);
      const interval = i % 9 === 0 ? 0n : rng.logBetween(1n, 200_000n);
      const got = BigInt(await h.read.lockCost([lastLock, lastSlot, now, minLock, interval]));
      assert.equal(got, lockCost(lastLock, lastSlot, lastLock !== 0n, now, minLock, interval), `case ${i}`);
    }
  });

  it("the live registry charges the modelled cost over a sequence of creations, across a halving", async () => {
    const f = await deployRegistry();
    await f.registry.write.setNetworkParam([NetParam.NetworkRateLimit, 0n]);
    let lastLock = 0n;
    let lastSlot = 0n;
    let ever = false;
    let slot = await f.slotNow();
    let created = 0;
    for (let i = 0; i < 24; i++) {
      slot += i % 5 === 0 ? 1n : rng.logBetween(1n, 120_000n);
      if (i === 12) await f.emission.write.seedIssuance([f.gov.account.address, 6_000_000n * TAO]); // past 10.5M
      await f.warpToSlot(slot);
      const emission = await f.emission.read.currentSlotEmission();
      if (i >= 12) assert.equal(emission, TAO / 2n, "halved emission");
      const expected = lockCost(lastLock, lastSlot, ever, slot, TAO, lockReductionInterval(57_600n, emission));
      assert.equal(await f.registry.read.lockCost(), expected, `quote ${i}`);
      const balance = await f.tao.read.balanceOf([f.gov.account.address]);
      if (expected > balance / 2n) continue;
      await f.registry.write.createSubnet([f.gov.account.address, expected, "0x"]);
      created++;
      const netuid = await f.registry.read.subnetCount();
      assert.equal(await f.staking.read.poolTao([netuid]), expected, `paid ${i}`);
      [lastLock, lastSlot, ever] = [expected, slot, true];
    }
    assert.ok(created >= 12, `created ${created}`);
  });
});
