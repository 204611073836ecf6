import type { Address, PublicClient } from "viem";
import { getAddress } from "viem";
import { stakingHooksAbi, subnetRegistryViewAbi, weightsAbi } from "../abi/index.js";
import { rebuildWeightMatrix } from "../weights/index.js";
import type { NeuronInput, U16Pairs, YumaInput } from "../yuma/types.js";
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
  /** Bonds stored from the previous epoch's result (sparse rows by uid); empty before the first. */
  previousBonds: readonly U16Pairs[];
  /** Alpha to distribute (the settlement budget of the epoch, read after `openEpoch`). */
  emission: bigint;
  /** Permits held before this epoch: the uids the settlement lets vote on it (`epochInfo.eligible`). */
  permitsBitmap: bigint;
}

export interface EpochInput {
  input: YumaInput;
  /** Hotkey of each uid at the closing block (leaf hotkeys). */
  hotkeys: Address[];
  closeSlot: bigint;
  closeBlock: bigint;
}

/**
 * Assembles the Yuma input of a closed epoch from chain state as of its closing slot (SYSTEM.md §2.5): every
 * read is at the last block of that slot, and stake comes from the slot-keyed checkpoints, so two honest
 * validators reading different RPC nodes of the same chain build the same input.
 */
export async function assembleEpochInput(ctx: EpochInputContext): Promise<EpochInput> {
  const { client, contracts, netuid, epoch } = ctx;
  const registry = { address: contracts.SubnetRegistry, abi: subnetRegistryViewAbi } as const;
  const [start, close] = await client.readContract({ ...registry, functionName: "epochBounds", args: [netuid, epoch] });
  const closeBlock = await lastBlockAtOrBeforeSlot(client, ctx.genesisTime, close, ctx.fromBlock);
  if (closeBlock === undefined) throw new Error(`epoch ${epoch} of subnet ${netuid} closed before the deployment`);
  const at = { blockNumber: closeBlock } as const;

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
    asOfSlot: close,
    blockNumber: closeBlock,
    fromBlock: ctx.fromBlock,
  });
  const rows = new Map(matrix.rows.map((r) => [r.uid, r]));

  const neurons: NeuronInput[] = await Promise.all(
    uids.map(async (uid): Promise<NeuronInput> => {
      const hotkey = hotkeys[uid]!;
      const [stake, registeredAt, lastUpdate] = await Promise.all([
        client.readContract({
          address: contracts.Staking,
          abi: stakingHooksAbi,
          functionName: "stakeWeightAt",
          args: [netuid, hotkey, close],
        }),
        client.readContract({ ...registry, functionName: "registrationSlot", args: [netuid, uid], ...at }),
        client.readContract({
          address: contracts.Weights,
          abi: weightsAbi,
          functionName: "lastUpdateOf",
          args: [netuid, hotkey],
          ...at,
        }),
      ]);
      const row = rows.get(uid);
      const permitted = ((ctx.permitsBitmap >> BigInt(uid)) & 1n) === 1n;
      return {
        stake,
        // A neuron that never set weights counts from its registration, as subtensor's LastUpdate does.
        lastUpdate: lastUpdate[1] ? lastUpdate[0] : registeredAt,
        blockAtRegistration: registeredAt,
        validatorPermit: permitted,
        weights: row ? row.entries.map((e) => [e.uid, e.value] as [number, number]) : [],
        bonds: [...(ctx.previousBonds[uid] ?? [])],
      };
    }),
  );

  const ownerUid = hotkeys.indexOf(ownerHotkey);
  const input: YumaInput = {
    block: close,
    tempo: BigInt(hp.tempo),
    lastEpochBlock: start,
    activityCutoff: BigInt(hp.activityCutoff),
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
