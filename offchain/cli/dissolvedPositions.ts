/**
 * A coldkey's claimable positions on a dissolved life (generation) of a subnet: which hotkeys it staked with
 * there, and the TAO each `claimDissolved` would pay now (one concept: finding what `tao stake claim-dissolved`
 * claims). The positions of a dissolved generation are not listed on chain, so the hotkeys come from the
 * coldkey's logs of that life, read backwards from the head to its `PoolCreated`: `Staked` and `StakeMoved` (stake
 * it added or received) and the registry's `NeuronRegistered` (its own neurons, whose incentive, take and owner
 * cut become its shares without a stake log), plus any the caller names; each is then asked by simulating the
 * claim, which the contract answers exactly.
 */
import { getAddress, type Address, type PublicClient } from "viem";
import { stakingAbi, subnetRegistryAbi } from "../abi/index.js";
import { DEFAULT_LOG_PAGE_BLOCKS, scanLogsBackward } from "../chain/logPages.js";
import { revertName } from "../chain/revert.js";
import { mapPool, READ_CONCURRENCY } from "./neurons.js";

/** A position of the coldkey on the dissolved generation: the TAO its claim pays now. */
export interface DissolvedPosition {
  readonly hotkey: Address;
  readonly tao: bigint;
}

/** What the lookups read: the chain, the Staking and registry addresses, and the deployment's first block. */
export interface DissolvedReader {
  readonly client: PublicClient;
  readonly staking: Address;
  readonly registry: Address;
  readonly deployment: { readonly deploymentBlock: number | bigint };
}

interface FoundLog {
  blockNumber: bigint;
  logIndex: number;
  /** A hotkey the coldkey staked with (or received stake on) on the netuid; undefined for the life's start. */
  hotkey?: Address;
  /** The generation whose pool this log created. */
  created?: number;
}

/**
 * The hotkeys `coldkey` staked with, received stake on or registered on `netuid` during life `generation`, read
 * from the logs between that life's `PoolCreated` and the head.
 */
export async function lifeHotkeys(
  p: DissolvedReader,
  netuid: number,
  generation: number,
  coldkey: Address,
  pageBlocks: bigint = DEFAULT_LOG_PAGE_BLOCKS,
): Promise<Address[]> {
  const c = { address: p.staking, abi: stakingAbi } as const;
  const head = await p.client.getBlockNumber({ cacheTime: 0 }); // not a number cached before the latest stake
  const found = new Set<Address>();
  const mark = (blockNumber: bigint | null, logIndex: number | null) => ({
    blockNumber: blockNumber ?? 0n,
    logIndex: logIndex ?? 0,
  });
  await scanLogsBackward<FoundLog>(
    BigInt(p.deployment.deploymentBlock),
    head,
    pageBlocks,
    async (range) => {
      const [staked, moved, created, registered] = await Promise.all([
        p.client.getContractEvents({ ...c, eventName: "Staked", args: { coldkey, netuid }, ...range, strict: true }),
        p.client.getContractEvents({
          ...c,
          eventName: "StakeMoved",
          args: { toColdkey: coldkey },
          ...range,
          strict: true,
        }),
        p.client.getContractEvents({ ...c, eventName: "PoolCreated", args: { netuid }, ...range, strict: true }),
        p.client.getContractEvents({
          address: p.registry,
          abi: subnetRegistryAbi,
          eventName: "NeuronRegistered",
          args: { netuid, coldkey },
          ...range,
          strict: true,
        }),
      ]);
      return [
        ...staked.map((l) => ({ ...mark(l.blockNumber, l.logIndex), hotkey: getAddress(l.args.hotkey) })),
        ...registered.map((l) => ({ ...mark(l.blockNumber, l.logIndex), hotkey: getAddress(l.args.hotkey) })),
        ...moved
          .filter((l) => l.args.toNetuid === netuid)
          .map((l) => ({ ...mark(l.blockNumber, l.logIndex), hotkey: getAddress(l.args.toHotkey) })),
        ...created.map((l) => ({ ...mark(l.blockNumber, l.logIndex), created: Number(l.args.generation) })),
      ];
    },
    (newestFirst) => {
      // Newest first: logs after the life's PoolCreated are of that life or a later one (a later life's
      // positions make the claim answer NothingToClaim, so collecting them too is harmless). The rest of the
      // PoolCreated's block is read too: `createSubnet` logs the owner's NeuronRegistered before Staking logs it.
      let startBlock: bigint | undefined;
      for (const l of newestFirst) {
        if (startBlock !== undefined && l.blockNumber < startBlock) return true;
        if (l.created !== undefined && l.created <= generation) startBlock ??= l.blockNumber;
        if (l.hotkey !== undefined) found.add(l.hotkey);
      }
      return startBlock !== undefined;
    },
  );
  return [...found];
}

/**
 * What `coldkey` can claim on life `generation` of `netuid` with each of `hotkeys` (duplicates ignored): the
 * claim simulated as the coldkey; a hotkey with nothing to claim is left out.
 */
export async function claimableDissolved(
  p: DissolvedReader,
  netuid: number,
  generation: number,
  coldkey: Address,
  hotkeys: readonly Address[],
): Promise<DissolvedPosition[]> {
  const unique = [...new Set(hotkeys.map((h) => getAddress(h)))];
  const answers = await mapPool(unique, READ_CONCURRENCY, async (hotkey) => {
    try {
      const { result } = await p.client.simulateContract({
        address: p.staking,
        abi: stakingAbi,
        functionName: "claimDissolved",
        args: [netuid, hotkey, generation],
        account: coldkey,
      });
      return result;
    } catch (e) {
      if (revertName(e) === "NothingToClaim") return 0n;
      throw e;
    }
  });
  return unique.flatMap((hotkey, i) => (answers[i]! > 0n ? [{ hotkey, tao: answers[i]! }] : []));
}

/** Every dissolved life of every netuid, newest first, from the Staking's `PoolDissolved` logs (the whole chain). */
export async function dissolvedLives(
  p: DissolvedReader,
  pageBlocks: bigint = DEFAULT_LOG_PAGE_BLOCKS,
): Promise<Array<{ netuid: number; generation: number }>> {
  const lives: Array<{ netuid: number; generation: number }> = [];
  await scanLogsBackward(
    BigInt(p.deployment.deploymentBlock),
    await p.client.getBlockNumber({ cacheTime: 0 }),
    pageBlocks,
    async (range) =>
      (
        await p.client.getContractEvents({
          address: p.staking,
          abi: stakingAbi,
          eventName: "PoolDissolved",
          ...range,
          strict: true,
        })
      ).map((l) => ({
        blockNumber: l.blockNumber ?? 0n,
        logIndex: l.logIndex ?? 0,
        netuid: l.args.netuid,
        generation: Number(l.args.generation),
      })),
    (newestFirst) => {
      for (const l of newestFirst) lives.push({ netuid: l.netuid, generation: l.generation });
      return false;
    },
  );
  return lives;
}

/** A claimable position on a dissolved life, with the life it is of. */
export interface DissolvedClaim extends DissolvedPosition {
  readonly netuid: number;
  readonly generation: number;
}

/** What `coldkey` can claim on every dissolved life (`own`: hotkeys to ask about besides those the logs name). */
export async function allDissolvedClaims(
  p: DissolvedReader,
  coldkey: Address,
  own: readonly Address[],
): Promise<DissolvedClaim[]> {
  const claims: DissolvedClaim[] = [];
  for (const { netuid, generation } of await dissolvedLives(p)) {
    const hotkeys = [...own, ...(await lifeHotkeys(p, netuid, generation, coldkey))];
    for (const x of await claimableDissolved(p, netuid, generation, coldkey, hotkeys)) {
      claims.push({ ...x, netuid, generation });
    }
  }
  return claims;
}
