import type { Address, Hex, PublicClient } from "viem";
import { getAddress } from "viem";
import { stakingHooksAbi, subnetRegistryViewAbi, weightsAbi } from "../abi/index.js";
import { rebuildWeightMatrix } from "../weights/index.js";
import type { NeuronInput, U16Pairs, YumaInput } from "../yuma/types.js";
import { DEFAULT_LOG_PAGE_BLOCKS, scanLogsBackward } from "../chain/logPages.js";
import { lastBlockAtOrBeforeSlot } from "./blockAtSlot.js";

/** The protocol contracts an epoch reads. */
export interface EpochContracts {
  SubnetRegistry: Address;
  Staking: Address;
  Weights: Address;
  Settlement: Address;
}

export interface EpochInputContext {
  client: PublicClient;
  contracts: EpochContracts;
  genesisTime: bigint;
  /** First block to read logs from (the deployment block). */
  fromBlock: bigint;
  netuid: number;
  epoch: bigint;
  /** The latest finalised result before this epoch (bonds and permits carry from it); undefined before the first. */
  previous: PreviousResult | undefined;
  /** Alpha to distribute (the settlement budget of the epoch, read after `openEpoch`). */
  emission: bigint;
  /** The last block of the epoch's closing slot, when the caller has already found it. */
  closeBlock?: bigint;
  /** Blocks per `eth_getLogs` request (default 10,000; providers cap log ranges). */
  logPageBlocks?: bigint;
}

/** What an epoch carries over from the latest finalised epoch before it. */
export interface PreviousResult {
  /** Its bonds (sparse rows by uid). */
  bonds: readonly U16Pairs[];
  /** The permits it granted (its result's `permitsBitmap`): the permits held before this epoch. */
  permitsBitmap: bigint;
  /** Its closing slot: a uid registered after it holds neither those bonds nor that permit. */
  closeSlot: bigint;
}

export interface EpochInput {
  input: YumaInput;
  /** Hotkey of each uid at the closing block (leaf hotkeys). */
  hotkeys: Address[];
  closeSlot: bigint;
  closeBlock: bigint;
}

/**
 * What uid `uid`, registered at `registeredAt` and whose hotkey last set weights at `lastUpdate` (`[slot, ever]`),
 * brings into an epoch from the previous result: its bonds row and permit only if it held the uid when that
 * result closed (subtensor's replace_neuron clears a replaced uid's bonds; the permit belonged to the hotkey then
 * at the uid); its last update is the later of its hotkey's last weights and its registration (subtensor sets
 * LastUpdate at registration; a hotkey's record from before it took this uid is older).
 */
export function carryOver(
  previous: PreviousResult | undefined,
  uid: number,
  registeredAt: bigint,
  lastUpdate: readonly [bigint, boolean],
): Pick<NeuronInput, "lastUpdate" | "blockAtRegistration" | "validatorPermit" | "bonds"> {
  const sameOccupant = previous !== undefined && registeredAt <= previous.closeSlot;
  return {
    lastUpdate: lastUpdate[1] && lastUpdate[0] > registeredAt ? lastUpdate[0] : registeredAt,
    blockAtRegistration: registeredAt,
    validatorPermit: sameOccupant && ((previous.permitsBitmap >> BigInt(uid)) & 1n) === 1n,
    bonds: sameOccupant ? [...(previous.bonds[uid] ?? [])] : [],
  };
}

/**
 * Assembles the Yuma input of a closed epoch from chain state as of its closing slot (SYSTEM.md §2.5): every
 * read is at the last block of that slot, and stake comes from the slot-keyed checkpoints, so two honest
 * validators reading different RPC nodes of the same chain build the same input.
 *
 * Weights are the exception: the weights matrix and each hotkey's last update are read as of the end of the
 * slot before the close. The Weights contract numbers epochs as the registry does, `[start, close)`, so a commit
 * or reveal in the closing slot belongs to the next epoch (subtensor: a weights call in the block where the
 * epoch runs lands after it). Counting it here would let a validator copy a vector revealed during epoch e,
 * commit it in epoch e and reveal it in the closing slot, and have it count for epoch e itself: copied weights
 * would never be an epoch stale, which is what commit-reveal exists to ensure.
 */
export async function assembleEpochInput(ctx: EpochInputContext): Promise<EpochInput> {
  const { client, contracts, netuid, epoch } = ctx;
  const registry = { address: contracts.SubnetRegistry, abi: subnetRegistryViewAbi } as const;
  const [start, close] = await client.readContract({ ...registry, functionName: "epochBounds", args: [netuid, epoch] });
  const closeBlock = ctx.closeBlock ?? (await lastBlockAtOrBeforeSlot(client, ctx.genesisTime, close, ctx.fromBlock));
  if (closeBlock === undefined) throw new Error(`epoch ${epoch} of subnet ${netuid} closed before the deployment`);
  const at = { blockNumber: closeBlock } as const;
  // The last block of slot close - 1 (at least the subnet's creation block, in slot start <= close - 1), found
  // only if some hotkey updated in the closing slot itself.
  let beforeClose: Promise<bigint> | undefined;
  const blockBeforeClose = () =>
    (beforeClose ??= lastBlockAtOrBeforeSlot(client, ctx.genesisTime, close - 1n, ctx.fromBlock).then((b) => {
      if (b === undefined) throw new Error(`epoch ${epoch} of subnet ${netuid} starts before the deployment`);
      return b;
    }));
  const lastUpdateBeforeClose = async (hotkey: Address): Promise<readonly [bigint, boolean]> => {
    const read = (blockNumber: bigint) =>
      client.readContract({
        address: contracts.Weights,
        abi: weightsAbi,
        functionName: "lastUpdateOf",
        args: [netuid, hotkey],
        blockNumber,
      });
    const atClose = await read(closeBlock);
    return atClose[1] && atClose[0] >= close ? read(await blockBeforeClose()) : atClose;
  };

  const [hp, count, owner] = await Promise.all([
    client.readContract({ ...registry, functionName: "hyperparams", args: [netuid], ...at }),
    client.readContract({ ...registry, functionName: "neuronCount", args: [netuid], ...at }),
    client.readContract({ ...registry, functionName: "subnetOwner", args: [netuid], ...at }),
  ]);
  const ownerHotkey = getAddress(owner[1]);

  const uids = Array.from({ length: Number(count) }, (_, uid) => uid);
  const hotkeys = await Promise.all(
    uids.map(async (uid) =>
      getAddress(await client.readContract({ ...registry, functionName: "hotkeyAt", args: [netuid, uid], ...at })),
    ),
  );
  const matrix = await rebuildWeightMatrix(client, {
    weights: contracts.Weights,
    netuid,
    asOfSlot: close - 1n,
    asOfBlock: blockBeforeClose,
    blockNumber: closeBlock,
    fromBlock: ctx.fromBlock,
    logPageBlocks: ctx.logPageBlocks ?? DEFAULT_LOG_PAGE_BLOCKS,
  });
  const rows = new Map(matrix.rows.map((r) => [r.uid, r]));
  const commitBlocks = hp.commitRevealEnabled
    ? await earliestPendingCommits(ctx, hotkeys, epoch, BigInt(hp.revealPeriodEpochs), await blockBeforeClose())
    : new Map<Address, bigint>();

  const neurons: NeuronInput[] = await Promise.all(
    uids.map(async (uid): Promise<NeuronInput> => {
      const hotkey = hotkeys[uid]!;
      const [stake, registeredAt, lastUpdate] = await Promise.all([
        client.readContract({
          address: contracts.Staking,
          abi: stakingHooksAbi,
          functionName: "stakeWeightAt",
          args: [netuid, hotkey, close],
          ...at,
        }),
        client.readContract({ ...registry, functionName: "registrationSlot", args: [netuid, uid], ...at }),
        lastUpdateBeforeClose(hotkey),
      ]);
      const row = rows.get(uid);
      return {
        stake,
        ...carryOver(ctx.previous, uid, registeredAt, lastUpdate),
        weights: row ? row.entries.map((e) => [e.uid, e.value] as [number, number]) : [],
        ...(commitBlocks.has(hotkey) ? { commitBlock: commitBlocks.get(hotkey)! } : {}),
      };
    }),
  );

  fitStakes(neurons);
  const ownerUid = hotkeys.indexOf(ownerHotkey);
  const input: YumaInput = {
    block: close,
    tempo: BigInt(hp.tempo),
    // Bonds towards uids registered since the bonds were computed are masked: from the previous result's close
    // (the epoch before, or an earlier one when epochs between rolled over).
    lastEpochBlock: ctx.previous?.closeSlot ?? start,
    // At least the epoch's length, as subtensor's cutoff (ActivityCutoffFactorMilli >= 1000 of a tempo) and the
    // Settlement's quorum read it: a validator that sets weights once an epoch is active whatever the owner sets.
    activityCutoff: BigInt(Math.max(hp.activityCutoff, Number(close - start))),
    params: {
      kappa: hp.kappa,
      bondsPenalty: hp.bondsPenalty,
      bondsMovingAverage: hp.bondsMovingAverage,
      yuma3: hp.yuma3Enabled,
      liquidAlpha: hp.liquidAlphaEnabled,
      alphaLow: hp.alphaLow,
      alphaHigh: hp.alphaHigh,
      alphaSigmoidSteepness: hp.alphaSigmoidSteepness,
      maxAllowedValidators: hp.maxValidators,
      stakeThreshold: 0n,
      ownerUid: ownerUid >= 0 ? ownerUid : null,
    },
    emission: ctx.emission,
    neurons,
  };
  return { input, hotkeys, closeSlot: close, closeBlock };
}

/** Yuma's stake arithmetic (I64F64) holds a total stake below 2^63. */
const STAKE_TOTAL_LIMIT = 1n << 63n;

/**
 * Stake weights are uint256 on chain (alpha plus tao_weight x root stake; a subnet seeded at a very low price can
 * pass 2^63 rao in total), and Yuma would saturate them, turning 2^63 and 2^64 into the same stake. When the total
 * does not fit, every stake is shifted right by the same number of bits, the fewest that bring the total below
 * 2^62: the ratios Yuma normalises keep their leading 62 bits. Deterministic; a no-op on every realistic subnet.
 * Returns the shift applied (0 when none).
 */
export function fitStakes(neurons: NeuronInput[]): number {
  const total = neurons.reduce((a, x) => a + x.stake, 0n);
  if (total < STAKE_TOTAL_LIMIT) return 0;
  const shift = total.toString(2).length - 62; // total >> shift < 2^62, and the shifted sum is at most that
  for (const x of neurons) x.stake >>= BigInt(shift);
  return shift;
}

/**
 * Commit-reveal's column mask (reference §5.5): for each hotkey, the slot of its earliest commit that is still
 * pending at the end of slot `close - 1` (block `block`) and not expired for `epoch` (commit epoch +
 * `revealPeriod` >= `epoch`). The queue comes from `pendingCommits` (oldest first); each commit's slot from its
 * `WeightsCommitted` event, matched by hotkey, hash and commit epoch. A pending commit without its event means
 * the node's logs are incomplete: refuse rather than compute another input than the peers.
 */
async function earliestPendingCommits(
  ctx: EpochInputContext,
  hotkeys: readonly Address[],
  epoch: bigint,
  revealPeriod: bigint,
  block: bigint,
): Promise<Map<Address, bigint>> {
  const { client, contracts, netuid } = ctx;
  const earliest = new Map<Address, { hash: Hex; commitEpoch: bigint }>();
  await Promise.all(
    hotkeys.map(async (hotkey) => {
      const [hashes, epochs] = await client.readContract({
        address: contracts.Weights,
        abi: weightsAbi,
        functionName: "pendingCommits",
        args: [netuid, hotkey],
        blockNumber: block,
      });
      const i = epochs.findIndex((c) => c + revealPeriod >= epoch);
      if (i >= 0) earliest.set(hotkey, { hash: hashes[i]!, commitEpoch: epochs[i]! });
    }),
  );
  const slots = new Map<Address, bigint>();
  if (earliest.size === 0) return slots;
  // Backwards from `block`, stopping once every pending commit's event is found: the commits are at most
  // revealPeriod epochs old, so the scan covers that much of the chain, not all of it.
  await scanLogsBackward(
    ctx.fromBlock,
    block,
    ctx.logPageBlocks ?? DEFAULT_LOG_PAGE_BLOCKS,
    (range) =>
      client.getContractEvents({
        address: contracts.Weights,
        abi: weightsAbi,
        eventName: "WeightsCommitted",
        args: { netuid },
        ...range,
        strict: true,
      }),
    (newestFirst) => {
      for (const log of newestFirst) {
        const hotkey = getAddress(log.args.hotkey);
        const want = earliest.get(hotkey);
        if (
          want &&
          !slots.has(hotkey) &&
          log.args.commitHash === want.hash &&
          log.args.commitEpoch === want.commitEpoch
        ) {
          slots.set(hotkey, log.args.slot); // the latest matching event (the first met going backwards)
        }
      }
      return slots.size === earliest.size;
    },
  );
  for (const [hotkey, want] of earliest) {
    if (!slots.has(hotkey)) {
      throw new Error(
        `the logs are incomplete: ${hotkey}'s pending commit ${want.hash} (epoch ${want.commitEpoch}) on subnet ` +
          `${netuid} has no WeightsCommitted event up to block ${block}; read the logs from another RPC node`,
      );
    }
  }
  return slots;
}
