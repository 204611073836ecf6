import { network } from "hardhat";
import { maxUint256, type Address } from "viem";

/** 1 TAO in rao. */
export const TAO = 1_000_000_000n;
export const SLOT_SECONDS = 12n;

/** ISubnetRegistryTypes.NetParam indices. */
export const NetParam = {
  MinLock: 0,
  LockReductionInterval: 1,
  NetworkRateLimit: 2,
  SubnetLimit: 3,
  NetworkImmunityPeriod: 4,
  AdminFreezeWindow: 5,
  OwnerRateLimitEpochs: 6,
} as const;

/** ISubnetRegistryTypes.Param indices used by the TypeScript tests and the bench. */
export const Param = { MaxUids: 0, ImmunityPeriod: 1, MaxValidators: 7, CommitRevealEnabled: 12 } as const;

/**
 * A fresh in-process chain with Emission (5M TAO seeded to the first wallet, the governance), the registry at one
 * address (ISubnetRegistry ABI), and the Staking and Permits mocks wired in.
 */
export async function deployRegistry() {
  return deployRegistryOn(await network.create());
}

/** {@link deployRegistry} on an existing connection (a bench that deploys other contracts beside it). */
export async function deployRegistryOn(connection: Awaited<ReturnType<typeof network.create>>) {
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const gov = wallets[0];
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

  /** Mines a block at the start of `slot`; the next transactions land in that slot. */
  const warpToSlot = async (slot: bigint): Promise<void> => {
    await networkHelpers.time.setNextBlockTimestamp(genesis + slot * SLOT_SECONDS);
    await networkHelpers.mine();
  };
  const slotNow = async (): Promise<bigint> => (BigInt(await networkHelpers.time.latest()) - genesis) / SLOT_SECONDS;
  /** Gives `to` TAO and a registry allowance (`to` must be one of the node's wallets). */
  const fund = async (to: Address, amount: bigint): Promise<void> => {
    await tao.write.transfer([to, amount]);
    await tao.write.approve([registry.address, maxUint256], { account: to });
  };
  /** gasUsed of a transaction hash's receipt. */
  const gasOf = async (hash: `0x${string}`): Promise<bigint> =>
    (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;

  return {
    connection,
    viem,
    networkHelpers,
    publicClient,
    wallets,
    gov,
    emission,
    tao,
    registry,
    staking,
    permits,
    genesis,
    warpToSlot,
    slotNow,
    fund,
    gasOf,
  };
}

export type RegistryFixture = Awaited<ReturnType<typeof deployRegistry>>;
