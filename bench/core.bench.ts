import { network } from "hardhat";
import type { BenchResult } from "./types.js";

const TAO = 1_000_000_000n;

/** TAO transfer and coinbase gas, from receipts on the in-process network. */
export default async function bench(): Promise<BenchResult> {
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [owner, alice] = await viem.getWalletClients();
  const gasOf = async (hash: `0x${string}`) => Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);

  const emission = await viem.deployContract("EmissionHarness", [owner.account.address, 0n]);
  const tao = await viem.getContractAt("TAO", await emission.read.tao());
  await emission.write.seedIssuance([owner.account.address, 1_000n * TAO]);
  await tao.write.transfer([alice.account.address, TAO]); // warm the recipient
  const transfer = await gasOf(await tao.write.transfer([alice.account.address, TAO]));

  await networkHelpers.time.increase(12);
  const oneSlot = await gasOf(await emission.write.coinbase());

  // Across a halving: start 2.5 TAO below 10.5M and let 10 slots pass.
  const e2 = await viem.deployContract("EmissionHarness", [owner.account.address, 0n]);
  await e2.write.seedIssuance([owner.account.address, 10_500_000n * TAO - (5n * TAO) / 2n]);
  await networkHelpers.time.increase(12 * 10);
  const acrossHalving = await gasOf(await e2.write.coinbase());

  return {
    gas: {
      "TAO transfer": transfer,
      "coinbase after 1 slot": oneSlot,
      "coinbase across a halving": acrossHalving,
    },
  };
}
