import { network } from "hardhat";
import { maxUint256 } from "viem";
import type { BenchResult } from "./types.js";

const TAO = 1_000_000_000n;
const SLOT = 12;

/**
 * Staking gas, from receipts on the in-process network: user calls against an existing pool, and
 * `Emission.coinbase()` calling `Staking.onEmission` with 1 and 128 emitting subnets (each with net inflow).
 */
export default async function bench(): Promise<BenchResult> {
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [owner, alice, bob, carol] = await viem.getWalletClients();
  const gasOf = async (hash: `0x${string}`) => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`bench transaction ${hash} reverted`);
    return Number(r.gasUsed);
  };
  const deadline = () => BigInt(Math.floor(Date.now() / 1000)) + 10n ** 9n;

  async function deploy() {
    const emission = await viem.deployContract("EmissionHarness", [owner.account.address, 0n]);
    const tao = await viem.getContractAt("TAO", (await emission.read.tao()) as `0x${string}`);
    const registry = await viem.deployContract("MockRegistryForStaking", [tao.address]);
    const module = await viem.deployContract("StakingEmissionModule", [emission.address, registry.address]);
    const staking = await viem.deployContract("Staking", [
      emission.address,
      registry.address,
      module.address,
      owner.account.address,
    ]);
    await registry.write.setStaking([staking.address]);
    await emission.write.setReceiver([staking.address]);
    await networkHelpers.time.increase(10 * SLOT);
    await emission.write.seedIssuance([registry.address, 200_000n * TAO]);
    for (const w of [alice, bob, carol]) {
      await emission.write.seedIssuance([w.account.address, 100_000n * TAO]);
      await tao.write.approve([staking.address, maxUint256], { account: w.account });
    }
    return { emission, tao, registry, module, staking };
  }

  async function createSubnets(
    registry: Awaited<ReturnType<typeof deploy>>["registry"],
    staking: Awaited<ReturnType<typeof deploy>>["staking"],
    count: number,
  ) {
    for (let n = 1; n <= count; n++) {
      await registry.write.createSubnet([n, 1000n * TAO, owner.account.address, owner.account.address]);
    }
    const slot = await staking.read.currentSlot();
    for (let n = 1; n <= count; n++) await registry.write.startSubnet([n, slot]);
  }

  const hot1 = "0x0000000000000000000000000000000000001001" as const;
  const hot2 = "0x0000000000000000000000000000000000001002" as const;

  // ---------------------------------------------------------------- user calls, one subnet
  const { emission, tao, registry, module, staking } = await deploy();
  const codeSize = async (address: `0x${string}`) => ((await publicClient.getCode({ address })) ?? "0x").length / 2 - 1;
  const stakingSize = await codeSize(staking.address);
  const moduleSize = await codeSize(module.address);
  await registry.write.bind([hot1, owner.account.address]);
  await registry.write.bind([hot2, owner.account.address]);
  await createSubnets(registry, staking, 1);
  await emission.write.coinbase();

  const stakeTx = (who: typeof alice, hotkey: `0x${string}`, amount: bigint) =>
    staking.write.stake([1, hotkey, amount, maxUint256, false, deadline()], { account: who.account });

  // Each measured call lands in a new slot that a keeper (a validator's worker) has already minted: every trade
  // calls coinbase() first, a no-op then.
  const g0 = (await emission.read.genesisTime()) as bigint;
  const nextSlotMinted = async () => {
    const slot = ((await staking.read.currentSlot()) as bigint) + 1n;
    await networkHelpers.time.setNextBlockTimestamp(g0 + slot * BigInt(SLOT));
    await emission.write.coinbase();
    await networkHelpers.time.setNextBlockTimestamp(g0 + slot * BigInt(SLOT) + 1n);
  };

  const firstStakeNewHotkey = await gasOf(await stakeTx(alice, hot1, 10n * TAO));
  await nextSlotMinted();
  const firstStakeOfPosition = await gasOf(await stakeTx(bob, hot1, 10n * TAO));
  await nextSlotMinted();
  const stakeExisting = await gasOf(await stakeTx(alice, hot1, 10n * TAO));
  const stakeExistingSameSlot = await gasOf(await stakeTx(alice, hot1, 10n * TAO));
  await nextSlotMinted();
  const spot = (await staking.read.spotPrice([1])) as bigint;
  const limit = ((spot / 1_000_000_000n) * 102n) / 100n; // 2 % above spot
  const stakeLimitBinding = await gasOf(
    await staking.write.stake([1, hot1, 500n * TAO, limit, true, deadline()], { account: alice.account }),
  );
  await nextSlotMinted();
  // Finite allowance: transferFrom also writes the allowance.
  await tao.write.approve([staking.address, 1000n * TAO], { account: carol.account });
  await stakeTx(carol, hot1, 10n * TAO);
  await nextSlotMinted();
  const stakeFiniteAllowance = await gasOf(await stakeTx(carol, hot1, 10n * TAO));
  await nextSlotMinted();
  const unstake = await gasOf(
    await staking.write.unstake([1, hot1, 5n * TAO, 0n, false, deadline()], { account: alice.account }),
  );
  await nextSlotMinted();
  const unstakeAll = await gasOf(await staking.write.unstakeAll([1, hot1, 0n, deadline()], { account: bob.account }));
  await nextSlotMinted();
  const rootStake = await gasOf(
    await staking.write.stake([0, hot1, 10n * TAO, maxUint256, false, deadline()], { account: alice.account }),
  );
  await nextSlotMinted();
  const moveSameSubnet = await gasOf(
    await staking.write.moveStake([hot1, hot2, 1, 1, 2n * TAO, 0n, deadline()], { account: alice.account }),
  );
  await nextSlotMinted();
  const moveToRoot = await gasOf(
    await staking.write.moveStake([hot1, hot1, 1, 0, 2n * TAO, 0n, deadline()], { account: alice.account }),
  );

  // The first trade of a slot nobody has minted pays the coinbase too (Staking._accrue).
  await networkHelpers.time.increase(SLOT);
  const stakeUnminted = await gasOf(await stakeTx(alice, hot1, 10n * TAO));

  // coinbase with 1 emitting subnet: a slot inside an epoch, and the first slot of a new epoch, on a subnet
  // that has run a few epochs, each taken by the settlement (the owner here) after it closed, as on a live
  // network (the first two epochs of a subnet fill its two reusable epoch records: 17k more, once).
  await staking.write.setSettlement([owner.account.address]);
  const genesis = (await emission.read.genesisTime()) as bigint;
  const at = (slot: bigint) => networkHelpers.time.setNextBlockTimestamp(genesis + slot * BigInt(SLOT));
  const TEMPO = 360n; // the mock's epochs: tempo 360 from slot 0
  let epoch = ((await staking.read.currentSlot()) as bigint) / TEMPO;
  for (let i = 0; i < 3; i++) {
    await at((epoch + 1n) * TEMPO - 1n);
    await emission.write.coinbase();
    await at((epoch + 1n) * TEMPO);
    await emission.write.coinbase();
    await staking.write.takeEpochEmission([1, epoch, (epoch + 1n) * TEMPO]);
    epoch += 1n;
  }
  await at(epoch * TEMPO + 5n);
  await emission.write.coinbase();
  await at(epoch * TEMPO + 6n);
  const coinbase1 = await gasOf(await emission.write.coinbase());
  await at((epoch + 1n) * TEMPO - 1n);
  await emission.write.coinbase();
  await at((epoch + 1n) * TEMPO);
  const coinbase1NewEpoch = await gasOf(await emission.write.coinbase());

  const credit = await gasOf(
    await staking.write.creditEmission([1, hot1, 0n, TAO / 10n, await staking.read.currentSlot()]),
  ); // a dividend

  // ---------------------------------------------------------------- coinbase with 128 emitting subnets
  const big = await deploy();
  await big.registry.write.bind([hot1, owner.account.address]);
  await createSubnets(big.registry, big.staking, 128);
  await big.emission.write.coinbase(); // discovers the 128 starts
  for (let n = 1; n <= 128; n++) {
    await big.staking.write.stake([n, hot1, BigInt(n) * TAO, maxUint256, false, deadline()], {
      account: alice.account,
    });
  }
  await networkHelpers.time.increase(SLOT);
  const coinbase128 = await gasOf(await big.emission.write.coinbase());
  const g2 = (await big.emission.read.genesisTime()) as bigint;
  const now2 = (await big.staking.read.currentSlot()) as bigint;
  const next2 = (now2 / 360n + 1n) * 360n;
  await networkHelpers.time.setNextBlockTimestamp(g2 + (next2 - 1n) * BigInt(SLOT));
  await big.emission.write.coinbase();
  await networkHelpers.time.setNextBlockTimestamp(g2 + next2 * BigInt(SLOT));
  const coinbase128NewEpoch = await gasOf(await big.emission.write.coinbase());

  return {
    gas: {
      "staking: stake, existing position (new slot)": stakeExisting,
      "staking: stake, existing position, first trade of an unminted slot (pays the coinbase)": stakeUnminted,
      "staking: stake, existing position (same slot)": stakeExistingSameSlot,
      "staking: stake, existing position, finite allowance": stakeFiniteAllowance,
      "staking: stake, first stake of a position": firstStakeOfPosition,
      "staking: stake, first stake to a new hotkey": firstStakeNewHotkey,
      "staking: stake, binding limit (partial fill)": stakeLimitBinding,
      "staking: unstake, partial": unstake,
      "staking: unstakeAll": unstakeAll,
      "staking: stake on root": rootStake,
      "staking: moveStake, same subnet": moveSameSubnet,
      "staking: moveStake, subnet to root": moveToRoot,
      "staking: creditEmission": credit,
      "staking: coinbase, 1 subnet": coinbase1,
      "staking: coinbase, 1 subnet, new epoch": coinbase1NewEpoch,
      "staking: coinbase, 128 subnets": coinbase128,
      "staking: coinbase, 128 subnets, new epoch": coinbase128NewEpoch,
    },
    notes: {
      "staking: budgets":
        "stake <= 100k (Uniswap v2 router swap: 101,876), first stake <= 140k, unstake <= 100k, coinbase 1 subnet <= 120k, 128 subnets < 15M",
      "staking: setup":
        "max allowance unless noted; each call in a later slot than the last (a new checkpoint), which a coinbase has already minted (every trade calls coinbase() first) unless noted",
      "staking: code size": `Staking ${stakingSize} B, StakingEmissionModule ${moduleSize} B (EIP-170 limit 24576 B)`,
    },
  };
}
