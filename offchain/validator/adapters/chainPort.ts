/**
 * The ChainPort over viem. Reads are made at `confirmations` blocks below the head (so a reorg shallower than
 * that never shows the validator a state that disappears); writes are signed by the validator's hotkey, go
 * through viem's gas estimation (a revert is reported with its decoded custom error before anything is
 * spent) and wait for their receipt, so the caller can send the next one with the next nonce. Every write is
 * signed before it is broadcast: a commit and a reveal hand their tx hash and nonce to the caller (`onSent`)
 * first, so no tx of theirs can land without the caller knowing its hash.
 */
import {
  BaseError,
  encodeFunctionData,
  getAddress,
  keccak256,
  type Abi,
  type Address,
  type EncodeFunctionDataParameters,
  type EstimateContractGasParameters,
  type PublicClient,
} from "viem";
import { emissionAbi, settlementAbi, subnetRegistryAbi, weightsAbi } from "../../abi/index.js";
import { headroomFor } from "../../chain/coinbaseHeadroom.js";
import { slotOf } from "../../epoch/blockAtSlot.js";
import { withWalletNames, type FundHintNames } from "../../wallet/fundHint.js";
import { packWeights } from "../../weights/index.js";
import type { Metagraph, Neuron } from "../metagraph.js";
import type { ChainPort, Hex, OnSent, SubnetChainState, TxStatus, WeightRules } from "../ports.js";
import { stakeNeededForPermit } from "../schedule.js";
import { readMetagraphRows, type RegistryRow } from "./metagraphRows.js";
import { protocolAddresses, reason, refusal, type ProtocolDeployment, type Wallet } from "./protocol.js";
import type { ChainAxon } from "./queryFn.js";

export interface ChainPortOptions {
  client: PublicClient;
  /** Signs as the validator's hotkey. */
  wallet: Wallet;
  deployment: ProtocolDeployment;
  /** Blocks below the head that reads use and that a transaction needs to count as confirmed. Default 0. */
  confirmations?: number;
  /** How long a write waits for its receipt. Default 60 s. */
  receiptTimeoutMs?: number;
  /** The hotkey's wallet names: a refusal for want of gas then names them in its fund-hotkey command. */
  walletNames?: FundHintNames;
}

/** A node's answer to a raw tx it already holds (geth, reth, anvil, Hardhat): the tx is out. */
const ALREADY_KNOWN = /already known|known transaction|already imported|already in (the )?(mem)?pool/i;

const errorText = (err: unknown): string =>
  err instanceof BaseError
    ? `${err.shortMessage} ${err.details ?? ""}`
    : err instanceof Error
      ? err.message
      : String(err);

/** One contract function call, as the port's writes make it. */
interface ContractCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

export interface ViemChainPort extends ChainPort {
  readonly hotkey: Address;
  /** The block reads use now (head − confirmations). */
  readBlock(): Promise<bigint>;
}

/**
 * Whether a uid of the finalised `bitmap` (closed at `permitsClose`) is held by a hotkey registered after that
 * close: Settlement widens the next open for such a stale bit. From the bitmap itself: the registry's `permit`
 * column already leaves a stale bit out. The owner's uid 0 never changes hands.
 */
export function hasStalePermit(
  rows: readonly Pick<RegistryRow, "uid" | "registrationSlot">[],
  bitmap: bigint,
  permitsClose: bigint,
): boolean {
  return rows.some((r) => r.uid !== 0 && ((bitmap >> BigInt(r.uid)) & 1n) === 1n && r.registrationSlot > permitsClose);
}

export function createChainPort(o: ChainPortOptions): ViemChainPort {
  const a = protocolAddresses(o.deployment);
  const { client, wallet } = o;
  const depth = BigInt(o.confirmations ?? 0);
  if (depth < 0n) throw new RangeError(`confirmations ${depth} must be ≥ 0`);
  const hotkey = getAddress(wallet.account.address);
  const registry = { address: a.SubnetRegistry, abi: subnetRegistryAbi } as const;
  const weights = { address: a.Weights, abi: weightsAbi } as const;

  const readBlock = async (): Promise<bigint> => {
    const head = await client.getBlockNumber({ cacheTime: 0 });
    return head > depth ? head - depth : 0n;
  };
  const at = async () => ({ blockNumber: await readBlock() });

  /**
   * Estimates (a revert is reported with its decoded custom error before anything is signed), signs, hands the tx
   * hash and nonce to `onSent`, then broadcasts and waits for the receipt. The hash is the caller's before the tx
   * can be anywhere: a crash, a failed broadcast or a receipt timeout leaves a known tx to look up.
   */
  const named = (message: string): string =>
    o.walletNames === undefined ? message : withWalletNames(message, o.walletNames);

  async function send(what: string, call: ContractCall, onSent?: OnSent): Promise<Hex> {
    let signed: { serialized: Hex; hash: Hex; nonce: number };
    try {
      const estimate = await client.estimateContractGas({
        ...call,
        account: wallet.account,
      } as EstimateContractGasParameters);
      // A coinbase can land a slot (or an epoch boundary) past the head it was estimated at: room for it.
      const gas = estimate + (await headroomFor(client, call.address, call.functionName, a));
      const prepared = await wallet.prepareTransactionRequest({
        account: wallet.account,
        chain: wallet.chain,
        to: call.address,
        data: encodeFunctionData(call as EncodeFunctionDataParameters),
        gas,
      });
      const serialized = await wallet.signTransaction(prepared as Parameters<Wallet["signTransaction"]>[0]);
      signed = { serialized, hash: keccak256(serialized), nonce: prepared.nonce };
    } catch (err) {
      throw new Error(named(`${what} from ${hotkey} refused: ${await refusal(client, hotkey, err)}`));
    }
    const { hash } = signed;
    onSent?.(hash, signed.nonce);
    try {
      await wallet.sendRawTransaction({ serializedTransaction: signed.serialized });
    } catch (err) {
      // A retried request whose first try reached the node: the tx is out, so its receipt is waited for.
      // A node refusing an unfunded sender often only says "Missing or invalid parameters": refusal reads the balance.
      if (!ALREADY_KNOWN.test(errorText(err))) {
        const why = await refusal(client, hotkey, err);
        throw new Error(named(`${what} signed as ${hash} (nonce ${signed.nonce}) but not broadcast: ${why}`));
      }
    }
    const timeout = o.receiptTimeoutMs ?? 60_000;
    let receipt;
    try {
      receipt = await client.waitForTransactionReceipt({ hash, timeout });
    } catch (err) {
      throw new Error(`${what} sent in ${hash} but no receipt within ${timeout} ms: ${reason(err)}`);
    }
    if (receipt.status !== "success") throw new Error(`${what} in ${hash} reverted (block ${receipt.blockNumber})`);
    return hash;
  }

  const toNeuron = (netuid: number, r: RegistryRow): Neuron => {
    const axon: ChainAxon | null =
      r.axon.endpoint === ""
        ? null
        : { url: r.axon.endpoint, protocol: r.axon.protocol, version: r.axon.version, hotkey: r.hotkey, netuid };
    return { uid: r.uid, hotkey: r.hotkey, axon, stake: r.stakeWeight, validatorPermit: r.permit };
  };

  return {
    hotkey,
    readBlock,
    async currentSlot() {
      const block = await client.getBlock({ blockNumber: await readBlock() });
      return Number(slotOf(block.timestamp, a.genesisTime));
    },
    async lastMintedSlot() {
      return Number(
        await client.readContract({
          address: a.Emission,
          abi: emissionAbi,
          functionName: "lastMintedSlot",
          ...(await at()),
        }),
      );
    },
    async metagraph(netuid): Promise<Metagraph> {
      const blockNumber = await readBlock();
      const [rows, block] = await Promise.all([
        readMetagraphRows(client, a.SubnetRegistry, netuid, blockNumber),
        client.getBlock({ blockNumber }),
      ]);
      return {
        netuid,
        slot: Number(slotOf(block.timestamp, a.genesisTime)),
        neurons: rows.map((r) => toNeuron(netuid, r)),
      };
    },
    async subnetState(netuid, who, slot): Promise<SubnetChainState> {
      const b = await at();
      const settlement = { address: a.Settlement, abi: settlementAbi } as const;
      const [epochAt, hp, last, rows, emissionStart, life, missed, widenAfter, disproved, latest, permits] =
        await Promise.all([
          client.readContract({ ...registry, functionName: "epochAt", args: [netuid, BigInt(slot)], ...b }),
          client.readContract({ ...registry, functionName: "hyperparams", args: [netuid], ...b }),
          client.readContract({ ...weights, functionName: "lastUpdateOf", args: [netuid, who], ...b }),
          readMetagraphRows(client, a.SubnetRegistry, netuid, b.blockNumber),
          client.readContract({ ...registry, functionName: "emissionStartSlot", args: [netuid], ...b }),
          client.readContract({ ...registry, functionName: "generation", args: [netuid], ...b }),
          client.readContract({ ...settlement, functionName: "missedEpochs", args: [netuid], ...b }),
          client.readContract({ ...settlement, functionName: "widenAfterMissed", ...b }),
          client.readContract({ ...settlement, functionName: "permitsDisproved", args: [netuid], ...b }),
          client.readContract({ ...settlement, functionName: "latestFinalised", args: [netuid], ...b }),
          client.readContract({ ...settlement, functionName: "permits", args: [netuid], ...b }),
        ]);
      const [epoch, start, close] = epochAt;
      // Before `startEmission` (start slot 0) nothing is worth settling yet: the current epoch is the first.
      // (epochAt of slot 0 reverts SlotBeforeSubnet on any subnet created after slot 0.)
      const [firstEpoch] =
        emissionStart === 0n
          ? epochAt
          : await client.readContract({
              ...registry,
              functionName: "epochAt",
              args: [netuid, emissionStart],
              ...b,
            });
      const me = rows.find((r) => getAddress(r.hotkey) === getAddress(who));
      const rules: WeightRules = {
        neuronCount: rows.length,
        minAllowedWeights: hp.minAllowedWeights,
        maxWeightLimit: hp.maxWeightLimit,
        ...(me ? { selfUid: me.uid } : {}),
      };
      const others = rows.filter((r) => r !== me).map((r) => r.stakeWeight);
      // Whether any epoch is finalised only words the no-permit refusal (false for a hotkey with a permit).
      const [permitsBitmap, finalised] = permits;
      const bootstrap = me?.permit === true ? false : !finalised;
      const [lastSlot, updated] = last;
      return {
        life: Number(life),
        epoch: { epoch: Number(epoch), start: Number(start), close: Number(close) },
        commitReveal: hp.commitRevealEnabled,
        revealPeriod: hp.revealPeriodEpochs,
        rateLimit: hp.weightsRateLimit,
        versionKey: hp.weightsVersionKey,
        ...(updated ? { lastUpdate: Number(lastSlot) } : {}),
        permit: {
          registered: me !== undefined,
          has: me?.permit ?? false,
          stake: me?.stakeWeight ?? 0n,
          needed: stakeNeededForPermit(others, Math.max(1, hp.maxValidators)),
          // As Settlement's open decides: missed epochs, disproved permits, or a permitted uid taken over since
          // the permits' close (a stale bit).
          votersWidened:
            (widenAfter !== 0 && missed >= widenAfter) ||
            disproved ||
            (finalised && hasStalePermit(rows, permitsBitmap, latest[2])),
          bootstrap,
        },
        firstEpoch: Number(firstEpoch),
        rules,
      };
    },
    async subnetLife(netuid) {
      return Number(
        await client.readContract({ ...registry, functionName: "generation", args: [netuid], ...(await at()) }),
      );
    },
    async subnetExists(netuid) {
      return client.readContract({ ...registry, functionName: "subnetExists", args: [netuid], ...(await at()) });
    },
    commitWeights: (netuid, hash, onSent) =>
      send(`commitWeights(${netuid})`, { ...weights, functionName: "commitWeights", args: [netuid, hash] }, onSent),
    revealWeights: (netuid, r, onSent) =>
      send(
        `revealWeights(${netuid})`,
        {
          ...weights,
          functionName: "revealWeights",
          args: [netuid, packWeights(r.uids.map((uid, i) => ({ uid, value: r.values[i]! }))), r.salt, r.versionKey],
        },
        onSent,
      ),
    setWeights: (netuid, w, onSent) =>
      send(
        `setWeights(${netuid})`,
        {
          ...weights,
          functionName: "setWeights",
          args: [netuid, packWeights(w.uids.map((uid, i) => ({ uid, value: w.values[i]! }))), w.versionKey],
        },
        onSent,
      ),
    async pendingCommitEpochs(netuid, who, hash) {
      const [hashes, epochs] = await client.readContract({
        ...weights,
        functionName: "pendingCommits",
        args: [netuid, who],
        ...(await at()),
      });
      const out: number[] = [];
      hashes.forEach((h, i) => {
        if (h.toLowerCase() === hash.toLowerCase()) out.push(Number(epochs[i]));
      });
      return out;
    },
    async txStatus(tx): Promise<TxStatus> {
      try {
        const receipt = await client.getTransactionReceipt({ hash: tx });
        const head = await client.getBlockNumber({ cacheTime: 0 });
        if (receipt.blockNumber + depth > head) return "pending";
        return receipt.status === "success" ? "confirmed" : "reverted";
      } catch {
        try {
          await client.getTransaction({ hash: tx });
          return "pending";
        } catch {
          return "unknown";
        }
      }
    },
    async nonceUsed(nonce) {
      const count = await client.getTransactionCount({ address: hotkey, blockNumber: await readBlock() });
      return count > nonce;
    },
    coinbase: () => send("coinbase", { address: a.Emission, abi: emissionAbi, functionName: "coinbase", args: [] }),
  };
}
