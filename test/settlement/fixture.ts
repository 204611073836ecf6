import { network } from "hardhat";
import { getAddress, keccak256, toHex, type Address } from "viem";

/** Slots per epoch in the fixture's subnet (subtensor's default tempo). */
export const TEMPO = 360n;
/** The fixture's subnet. */
export const NETUID = 1;
export const SLOT_SECONDS = 12n;

/** A deterministic address for tests that only need an address (no key). */
export function addressOf(label: string): Address {
  return getAddress(keccak256(toHex(label)).slice(0, 42));
}

/**
 * Deploys Emission (for the genesis time), the registry and staking mocks and Settlement; creates subnet 1 whose
 * epoch 0 starts at slot 0 and whose owner hotkey is the second wallet.
 */
export async function deploySettlement(opts: { perHotkey?: boolean } = {}) {
  const connection = await network.create(); // a fresh in-process chain per fixture
  const { viem, networkHelpers } = connection;
  const wallets = await viem.getWalletClients();
  const [gov, ownerHotkey] = wallets;
  const publicClient = await viem.getPublicClient();
  const emission = await viem.deployContract("Emission", [gov.account.address, 0n]);
  const registry = await viem.deployContract("MockRegistryForSettlement");
  const staking = await viem.deployContract("MockStakingForSettlement", [opts.perHotkey ?? true]);
  const settlement = await viem.deployContract("Settlement", [
    gov.account.address,
    registry.address,
    staking.address,
    emission.address,
  ]);
  const genesis = await settlement.read.genesisTime();
  await registry.write.createSubnet([
    NETUID,
    addressOf("owner-coldkey"),
    ownerHotkey.account.address,
    Number(TEMPO),
    0n,
  ]);

  const slotNow = async (): Promise<bigint> => {
    const ts = BigInt(await networkHelpers.time.latest());
    return (ts - genesis) / SLOT_SECONDS;
  };
  /** Moves chain time so that the next block is mined in `slot`. */
  const warpToSlot = async (slot: bigint): Promise<void> => {
    await networkHelpers.time.setNextBlockTimestamp(genesis + slot * SLOT_SECONDS);
    await networkHelpers.mine();
  };
  /** The first slot after epoch `epoch` closed (when it may be opened). */
  const openSlot = (epoch: bigint): bigint => (epoch + 1n) * TEMPO + 1n;

  return {
    connection,
    viem,
    networkHelpers,
    publicClient,
    wallets,
    gov,
    ownerHotkey,
    emission,
    registry,
    staking,
    settlement,
    genesis,
    slotNow,
    warpToSlot,
    openSlot,
  };
}

export type SettlementFixture = Awaited<ReturnType<typeof deploySettlement>>;
