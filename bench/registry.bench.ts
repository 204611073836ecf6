import { network } from "hardhat";
import { concat, encodeFunctionData, maxUint256, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { BenchResult } from "./types.js";

const TAO = 1_000_000_000n;
const SLOT = 12n;
const NetParam = { NetworkRateLimit: 2, LockReductionInterval: 1, NetworkImmunityPeriod: 4 } as const;
const REGISTER_TYPES = {
  Register: [
    { name: "hotkey", type: "address" },
    { name: "coldkey", type: "address" },
    { name: "netuid", type: "uint16" },
    { name: "generation", type: "uint32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

/**
 * SubnetRegistry gas, from receipts on the in-process network, with the Staking and Permits contracts mocked
 * (MockStakingForRegistry writes one storage slot per hook; a real Staking does more in onSubnetCreated).
 */
export default async function bench(): Promise<BenchResult> {
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [gov, miner] = await viem.getWalletClients();
  const chainId = await publicClient.getChainId();
  const gasOf = async (hash: Hex): Promise<number> => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`bench transaction ${hash} reverted`);
    return Number(r.gasUsed);
  };

  const emission = await viem.deployContract("EmissionHarness", [gov.account.address, 0n]);
  await emission.write.seedIssuance([gov.account.address, 5_000_000n * TAO]);
  const tao = await viem.getContractAt("TAO", await emission.read.tao());
  const deployed = await viem.deployContract("SubnetRegistry", [gov.account.address, emission.address]);
  const registry = await viem.getContractAt("ISubnetRegistry", deployed.address);
  const staking = await viem.deployContract("MockStakingForRegistry", [tao.address]);
  await staking.write.setRegistry([registry.address]);
  const permits = await viem.deployContract("MockPermitsForRegistry");
  await registry.write.setStaking([staking.address]);
  await registry.write.setPermits([permits.address]);
  await tao.write.approve([registry.address, maxUint256]);
  const genesis = await registry.read.genesisTime();
  const slotNow = async () => (BigInt(await networkHelpers.time.latest()) - genesis) / SLOT;
  const warp = async (slots: bigint) => {
    await networkHelpers.time.setNextBlockTimestamp(genesis + ((await slotNow()) + slots) * SLOT);
    await networkHelpers.mine();
  };

  /** A hotkey's EIP-712 consent for the governance wallet as coldkey. */
  async function consent(hot: PrivateKeyAccount, netuid: number): Promise<Hex> {
    const deadline = (await slotNow()) + 10n ** 6n;
    const nonce = await registry.read.nonces([hot.address]);
    const generation = await registry.read.generation([netuid]);
    const signature = await hot.signTypedData({
      domain: { name: "SubnetRegistry", version: "1", chainId, verifyingContract: registry.address },
      types: REGISTER_TYPES,
      primaryType: "Register",
      message: { hotkey: hot.address, coldkey: gov.account.address, netuid, generation, nonce, deadline },
    });
    return concat([toHex(deadline, { size: 8 }), toHex(generation, { size: 4 }), signature]);
  }
  const registerSigned = async (netuid: number): Promise<Hex> => {
    const hot = privateKeyToAccount(generatePrivateKey());
    return registry.write.register([netuid, hot.address, maxUint256, await consent(hot, netuid)]);
  };

  const gas: Record<string, number> = {};

  // --- subnets ---
  gas["registry.createSubnet (first, self hotkey)"] = await gasOf(
    await registry.write.createSubnet([gov.account.address, maxUint256, "0x"]),
  );
  await registry.write.setNetworkParam([NetParam.NetworkRateLimit, 0n]);
  await registry.write.setNetworkParam([NetParam.LockReductionInterval, 1n]);
  await warp(2n);
  gas["registry.createSubnet (second)"] = await gasOf(
    await registry.write.createSubnet([gov.account.address, maxUint256, "0x"]),
  );

  // --- registration into a non-full subnet (netuid 1) ---
  await tao.write.transfer([miner.account.address, 1000n * TAO]);
  await tao.write.approve([registry.address, maxUint256], { account: miner.account });
  gas["registry.register (append, self hotkey)"] = await gasOf(
    await registry.write.register([1, miner.account.address, maxUint256, "0x"], { account: miner.account }),
  );
  const appendGas: number[] = [];
  for (let i = 0; i < 20; i++) appendGas.push(await gasOf(await registerSigned(1)));
  gas["registry.register (append, signed hotkey, mean of 20)"] = Math.round(
    appendGas.reduce((a, b) => a + b, 0) / appendGas.length,
  );
  gas["registry.register (append, signed hotkey, max of 20)"] = Math.max(...appendGas);

  // --- serveAxon ---
  gas["registry.serveAxon (first, IPv4)"] = await gasOf(
    await registry.write.serveAxon([1, "http://203.0.113.17:8091", 0, 1], { account: miner.account }),
  );
  await warp(50n);
  gas["registry.serveAxon (update)"] = await gasOf(
    await registry.write.serveAxon([1, "https://203.0.113.18:443", 0, 2], { account: miner.account }),
  );
  await warp(50n);
  gas["registry.serveAxon (hostname > 15 bytes)"] = await gasOf(
    await registry.write.serveAxon([1, "https://miner-7.subnet-one.example.org:8443", 0, 3], {
      account: miner.account,
    }),
  );

  // --- fill netuid 1 to 256 uids, then replacements ---
  for (let n = Number(await registry.read.neuronCount([1])); n < 256; n++) await registerSigned(1);
  await warp(5001n); // past the default immunity
  const neverSynced: number[] = [];
  for (let i = 0; i < 5; i++) neverSynced.push(await gasOf(await registerSigned(1)));
  gas["registry.register (replace at 256 uids, never synced, max of 5)"] = Math.max(...neverSynced);
  for (let uid = 1; uid < 256; uid++) {
    await permits.write.setLastEmission([1, uid, BigInt((uid * 7919) % 1000) * 1_000_000n]);
  }
  gas["registry.syncPruningScores (256 uids, first)"] = await gasOf(await registry.write.syncPruningScores([1]));
  await warp(360n);
  gas["registry.syncPruningScores (256 uids, again)"] = await gasOf(await registry.write.syncPruningScores([1]));
  const replaced: number[] = [];
  for (let i = 0; i < 30; i++) replaced.push(await gasOf(await registerSigned(1)));
  gas["registry.register (replace at 256 uids after sync, mean of 30)"] = Math.round(
    replaced.reduce((a, b) => a + b, 0) / replaced.length,
  );
  gas["registry.register (replace at 256 uids after sync, max of 30)"] = Math.max(...replaced);

  // --- a long walk: the 200 lowest-score uids are still immune when a replacement comes (netuid 2) ---
  for (let n = 1; n < 56; n++) await registerSigned(2);
  await warp(5001n);
  for (let n = 56; n < 256; n++) await registerSigned(2);
  for (let uid = 1; uid < 256; uid++) {
    await permits.write.setLastEmission([2, uid, uid < 56 ? 1_000_000n + BigInt(uid) : BigInt(uid)]);
  }
  await registry.write.syncPruningScores([2]);
  gas["registry.register (replace at 256 uids, 200 immune uids ahead in the order)"] = await gasOf(
    await registerSigned(2),
  );

  // --- tempo schedule lookups (netuid 3): the views Weights and Settlement read, before and after 64 changes.
  // eth_estimateGas of each view: every slot cold, 21k intrinsic and the calldata included. ---
  await warp(2n);
  await registry.write.createSubnet([gov.account.address, maxUint256, "0x"]);
  const viewGas = async (functionName: "epochAt" | "epochBounds", args: readonly [number, bigint]) =>
    Number(
      await publicClient.estimateGas({
        to: registry.address,
        data: encodeFunctionData({ abi: registry.abi, functionName, args }),
      }),
    );
  const created = await registry.read.subnetRegisteredSlot([3]);
  gas["registry.epochAt (now, no tempo change; estimateGas)"] = await viewGas("epochAt", [3, await slotNow()]);
  gas["registry.epochBounds (epoch 0, no tempo change; estimateGas)"] = await viewGas("epochBounds", [3, 0n]);
  for (let i = 0; i < 64; i++) {
    const tempo = 1 + (i % 5);
    await registry.write.setTempo([3, tempo]);
    const [, , , fromSlot] = await registry.read.pendingTempo([3]);
    await warp(fromSlot - (await slotNow()) + 1n); // past the new anchor, so the next change appends one
  }
  const [latestEpoch] = await registry.read.epochAt([3, await slotNow()]);
  gas["registry.epochAt (now, after 64 tempo changes; estimateGas)"] = await viewGas("epochAt", [3, await slotNow()]);
  gas["registry.epochBounds (current epoch, after 64 tempo changes; estimateGas)"] = await viewGas("epochBounds", [
    3,
    latestEpoch,
  ]);
  gas["registry.epochAt (creation slot, after 64 tempo changes; estimateGas)"] = await viewGas("epochAt", [3, created]);
  gas["registry.epochBounds (epoch 0, after 64 tempo changes; estimateGas)"] = await viewGas("epochBounds", [3, 0n]);

  // --- subnet limit: 128 subnets, the 129th dissolves the lowest-EMA-price one ---
  await registry.write.setNetworkParam([NetParam.NetworkImmunityPeriod, 0n]);
  for (let n = Number(await registry.read.subnetCount()); n < 128; n++) {
    await warp(2n);
    await registry.write.createSubnet([gov.account.address, maxUint256, "0x"]);
  }
  for (let netuid = 1; netuid <= 128; netuid++) await staking.write.setEmaPrice([netuid, BigInt(netuid) * 10n ** 15n]);
  await warp(2n);
  gas["registry.createSubnet (at the 128 limit, dissolves one)"] = await gasOf(
    await registry.write.createSubnet([gov.account.address, maxUint256, "0x"]),
  );

  return {
    gas,
    notes: {
      "registry.mocks": "Staking and Permits are mocked (MockStakingForRegistry / MockPermitsForRegistry)",
      "registry.targets": "createSubnet <= 300k, register append <= 150k, register replace <= 180k, serveAxon <= 60k",
      "registry.limit path": "the 128-limit creation reads every subnet's EMA price from Staking (O(subnets))",
    },
  };
}
