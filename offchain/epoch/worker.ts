import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { getAddress } from "viem";
import type { Logger } from "pino";
import { settlementAbi, subnetRegistryAbi, subnetRegistryViewAbi } from "../abi/index.js";
import { mintingGasLimit } from "../chain/coinbaseHeadroom.js";
import { bondsHash as bondsHashOf } from "../result/encoding.js";
import { buildEpochResult } from "../result/tree.js";
import { runEpoch } from "../yuma/epoch.js";
import { confirmedHead, lastBlockAtOrBeforeSlot, slotOf } from "./blockAtSlot.js";
import { DEFAULT_LOG_PAGE_BLOCKS, smallerPage } from "../chain/logPages.js";
import { decodeRevert, revertName } from "../chain/revert.js";
import { assembleEpochInput, type EpochContracts, type PreviousResult } from "./inputs.js";
import {
  findChallengeOf,
  readFinalisedPermits,
  readLatestPermitsPinned,
  type PermitsChallenge,
} from "./permitsChallenge.js";
import type { ResultStore, StoredEpoch } from "./resultStore.js";

/** Times a worker sends a challenge of one finalisation's permits that keeps failing before it gives up. */
const CHALLENGE_TRIES = 3;

/** Closing blocks an epoch worker remembers (one per settled epoch; a day of 360-slot tempos is 20). */
const CLOSE_BLOCK_CACHE = 256;

/**
 * The slot after which an epoch [start, close] can no longer finalise, as Settlement computes it: its close plus
 * `deadlineSlots`, or plus the epoch's own length when that setting is 0.
 */
export function settlementDeadline(start: bigint, close: bigint, deadlineSlots: bigint): bigint {
  return close + (deadlineSlots === 0n ? close - start : deadlineSlots);
}

/** `ISettlement.EpochStatus`. */
export enum EpochStatus {
  None = 0,
  Open = 1,
  Finalised = 2,
  RolledOver = 3,
}

export type SettleOutcome =
  | { kind: "not-closed"; closeSlot: bigint }
  | { kind: "finalised"; root: Hex }
  | { kind: "rolled-over" }
  | { kind: "submitted"; root: Hex; tx: Hex }
  | { kind: "already-voted"; root: Hex }
  | { kind: "not-permitted"; root: Hex };

export interface EpochWorkerDeps {
  client: PublicClient;
  /** Signs as the validator's hotkey (votes) and pays for opens and claims. */
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  contracts: EpochContracts;
  genesisTime: bigint;
  deploymentBlock: bigint;
  store: ResultStore;
  log?: Logger;
  /** Leaves per claimBatch transaction. */
  claimBatchSize?: number;
  /** Blocks per `getContractEvents` request when looking up an `EpochFinalised` log (default 10,000). */
  logPageBlocks?: bigint;
  /**
   * Blocks that must lie on top of the first block after an epoch's closing slot before the epoch counts as
   * closed (default 0). Inputs are read at the closing block; with N > 0 a reorg shallower than N cannot give
   * two validators different inputs. 0 suits a local chain that mines only on transactions.
   */
  confirmations?: number;
}

/** What the settlement finalised for an epoch: the tuple of its `EpochFinalised` event the result must match. */
export interface FinalisedTuple {
  root: Hex;
  permitsBitmap: bigint;
  bondsHash: Hex;
}

/**
 * How a stored result differs from its epoch's finalised tuple (empty: it is the finalised result): its root and
 * its tree's root, its permits, its bonds hash and the hash of the bonds it carries into the next epoch.
 */
export function resultMismatches(store: ResultStore, stored: StoredEpoch, finalised: FinalisedTuple): string[] {
  const out: string[] = [];
  const check = (what: string, ours: () => string, theirs: string) => {
    let value: string;
    try {
      value = ours();
    } catch (err) {
      out.push(`${what} unreadable (${(err as Error).message})`);
      return;
    }
    if (value.toLowerCase() !== theirs.toLowerCase()) out.push(`${what} ${value} != finalised ${theirs}`);
  };
  check("root", () => stored.root, finalised.root);
  check("tree root", () => store.tree(stored).root, finalised.root);
  check("permitsBitmap", () => BigInt(stored.permitsBitmap).toString(), finalised.permitsBitmap.toString());
  check("bondsHash", () => stored.bondsHash, finalised.bondsHash);
  check("hash of the bonds", () => bondsHashOf(stored.bonds), finalised.bondsHash);
  return out;
}

type EpochInfo = Awaited<ReturnType<EpochWorker["info"]>>;

/**
 * Settles epochs of a subnet: opens a closed epoch, assembles its input from chain, runs Yuma, builds the
 * tree, votes, and claims every leaf once finalised. Every step reads chain state first, so it is
 * idempotent and safe to restart at any point.
 */
export class EpochWorker {
  /** Finalised tuples already read, by `netuid/generation/epoch` (final within a life of the netuid). */
  readonly #finalised = new Map<string, FinalisedTuple>();
  /**
   * Closing blocks already found, by closing slot (a slot's last block depends on block timestamps only, not on
   * the subnet). Kept only with `confirmations` > 0, where the answer is final for a reorg shallower than the
   * depth: at depth 0 a reorg at the head could move it, and an uncached read heals on the next call.
   */
  readonly #closeBlocks = new Map<bigint, bigint | undefined>();
  /** Finalised permits already checked for a challenge, by `netuid/generation/epoch`. */
  readonly #permitsChecked = new Set<string>();
  /** Failed challenges, by the same key. */
  readonly #challengeTries = new Map<string, number>();

  constructor(private readonly deps: EpochWorkerDeps) {
    const c = deps.confirmations;
    if (c !== undefined && (!Number.isSafeInteger(c) || c < 0)) {
      throw new RangeError(`confirmations ${c} must be a whole number of blocks >= 0 (0 on a local chain)`);
    }
  }

  private get settlement() {
    return { address: this.deps.contracts.Settlement, abi: settlementAbi } as const;
  }

  /** The slot of the newest block at the configured confirmation depth (the head for 0). */
  async currentSlot(): Promise<bigint> {
    const head = await confirmedHead(this.deps.client, this.confirmations);
    return slotOf(head.timestamp, this.deps.genesisTime);
  }

  private get confirmations(): bigint {
    return BigInt(this.deps.confirmations ?? 0);
  }

  async info(netuid: number, epoch: bigint) {
    return this.deps.client.readContract({ ...this.settlement, functionName: "epochInfo", args: [netuid, epoch] });
  }

  /** The netuid's current life in the settlement (bumped when the subnet is dissolved; its epochs restart). */
  async generation(netuid: number): Promise<number> {
    return Number(
      await this.deps.client.readContract({ ...this.settlement, functionName: "generation", args: [netuid] }),
    );
  }

  private async send(
    description: string,
    request: Parameters<WalletClient<Transport, Chain | undefined, Account>["writeContract"]>[0],
  ): Promise<Hex> {
    // A call that mints first may land in a slot its estimate's head had minted: room for the coinbase.
    const gas = await mintingGasLimit(this.deps.client, request, this.deps.wallet.account, this.deps.contracts);
    const hash = await this.deps.wallet.writeContract(gas === undefined ? request : { ...request, gas });
    const receipt = await this.deps.client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${description} reverted in ${hash}`);
    this.deps.log?.debug({ tx: hash, gas: receipt.gasUsed }, description);
    return hash;
  }

  /**
   * Opens the epoch if nobody has. The open (on-chain, whoever opens) mints the pending emission first, so the
   * epoch's budget is complete, and rolls over earlier epochs still unresolved past their deadline, so that their
   * misses count towards the settlement's `widenAfterMissed` when this epoch's voters are frozen.
   */
  async ensureOpen(netuid: number, epoch: bigint): Promise<void> {
    const info = await this.info(netuid, epoch);
    if (info.status !== EpochStatus.None) return;
    const { wallet } = this.deps;
    try {
      await this.send(`openEpoch ${netuid}/${epoch}`, {
        ...this.settlement,
        functionName: "openEpoch",
        args: [netuid, epoch],
        account: wallet.account,
        chain: wallet.chain,
      });
    } catch (err) {
      // Another validator opened it between our read and our transaction: fine.
      if ((await this.info(netuid, epoch)).status === EpochStatus.None) throw err;
    }
  }

  /**
   * What epoch `epoch` carries over: the settlement's latest finalised epoch as of the end of `epoch`'s closing
   * slot (read at that block, so the answer does not depend on when it is computed, nor on where a caller starts
   * looking), replayed if this node has no result for it (or a stored one that differs from the finalised tuple);
   * its bonds, and the permits the chain finalised; undefined when none.
   */
  async previousResult(
    netuid: number,
    epoch: bigint,
    known?: { closeBlock: bigint; generation: number },
  ): Promise<PreviousResult | undefined> {
    const { client } = this.deps;
    const closeBlock = known?.closeBlock ?? (await this.closeBlock(netuid, epoch));
    if (closeBlock === undefined) return undefined;
    const [anyFinalised, source, sourceClose] = await client.readContract({
      ...this.settlement,
      functionName: "latestFinalised",
      args: [netuid],
      blockNumber: closeBlock,
    });
    // An epoch cannot finalise before it closes, so `source` < `epoch`.
    if (!anyFinalised || source >= epoch) return undefined;
    const info = await this.info(netuid, source);
    if (info.status !== EpochStatus.Finalised) {
      throw new Error(
        `epoch ${netuid}/${source} was the latest finalised one at block ${closeBlock} but its status is now ` +
          `${EpochStatus[info.status]}: the netuid was dissolved since; compute epochs of its current life`,
      );
    }
    const generation = known?.generation ?? (await this.generation(netuid));
    const { stored, finalised } = await this.finalisedResult(netuid, source, generation, info);
    // The permits the chain finalised (the stored ones were just checked against them).
    return { bonds: stored.bonds, permitsBitmap: finalised.permitsBitmap, closeSlot: sourceClose };
  }

  /**
   * The finalised tuple of epoch `epoch` (of the netuid's current life, `generation`), finalised with `info.root`:
   * the permits and bonds hash from its `EpochFinalised` log, the first after the epoch's close and by its
   * deadline (an earlier life's epoch of the same number finalised before this life began).
   */
  async finalisedTuple(netuid: number, epoch: bigint, generation: number, info: EpochInfo): Promise<FinalisedTuple> {
    const key = `${netuid}/${generation}/${epoch}`;
    const known = this.#finalised.get(key);
    if (known !== undefined && known.root === info.root) return known;
    const { client } = this.deps;
    const closeBlock = await this.closeBlock(netuid, epoch);
    if (closeBlock === undefined) throw new Error(`epoch ${netuid}/${epoch} closed before the deployment`);
    const head = await client.getBlockNumber({ cacheTime: 0 }); // viem caches the number for a polling interval
    let page = this.deps.logPageBlocks ?? DEFAULT_LOG_PAGE_BLOCKS;
    if (page <= 0n) throw new Error(`logPageBlocks ${page} must be a positive number of blocks`);
    for (let from = closeBlock + 1n; from <= head; from += page) {
      const to = from + page - 1n < head ? from + page - 1n : head;
      let logs;
      try {
        logs = await client.getContractEvents({
          ...this.settlement,
          eventName: "EpochFinalised",
          args: { netuid, epoch },
          fromBlock: from,
          toBlock: to,
          strict: true,
        });
      } catch (err) {
        page = smallerPage(err, page); // a provider's range cap: the same blocks again, in smaller pages
        from -= page;
        continue;
      }
      const [log] = logs;
      if (log !== undefined) {
        if (log.args.root !== info.root) {
          throw new Error(
            `EpochFinalised of ${netuid}/${epoch} (block ${log.blockNumber}) has root ${log.args.root} but epochInfo ` +
              `has ${info.root}: read the logs from another RPC node`,
          );
        }
        const tuple = { root: info.root, permitsBitmap: log.args.permitsBitmap, bondsHash: log.args.bondsHash };
        this.#finalised.set(key, tuple);
        return tuple;
      }
      // Finalisation happens by the deadline: no need to read further once a page ends past it.
      const end = await client.getBlock({ blockNumber: to });
      if (slotOf(end.timestamp, this.deps.genesisTime) > info.deadline) break;
    }
    throw new Error(
      `epoch ${netuid}/${epoch} finalised with root ${info.root} but no EpochFinalised log follows its close ` +
        `(block ${closeBlock}): read the logs from another RPC node`,
    );
  }

  /**
   * The result of a finalised epoch, checked against its finalised tuple. A stored result that differs (a bad
   * cache: a crash mid-upgrade, another node's file, a damaged disk) is set aside as `<file>.mismatch-<root>` and
   * the epoch recomputed once from chain; throws only when the recomputed result differs too.
   */
  private async finalisedResult(
    netuid: number,
    epoch: bigint,
    generation: number,
    info: EpochInfo,
  ): Promise<{ stored: StoredEpoch; finalised: FinalisedTuple }> {
    const finalised = await this.finalisedTuple(netuid, epoch, generation, info);
    const { store } = this.deps;
    await this.bindStore();
    const cached = store.load(netuid, epoch, generation);
    if (cached !== undefined) {
      const diff = resultMismatches(store, cached, finalised);
      if (diff.length === 0) return { stored: cached, finalised };
      const aside = store.setAside(netuid, epoch, generation, cached.root);
      this.deps.log?.warn(
        { netuid, epoch: epoch.toString(), generation, diff, aside },
        "stored epoch result differs from the finalised one: set aside, recomputing it from chain",
      );
    }
    let fresh = await this.computeFresh(netuid, epoch, generation, info);
    let diff = resultMismatches(store, fresh, finalised);
    if (diff.length === 1 && BigInt(fresh.permitsBitmap) !== finalised.permitsBitmap) {
      // Only the permits differ: nothing on chain checks them, and the quorum (or the bootstrap owner) finalised
      // others than Yuma's. The chain's are what every peer carries into the next epoch, so this node follows
      // them and keeps Yuma's beside them, for challengeWrongPermits to prove the finalised ones wrong.
      this.deps.log?.warn(
        {
          netuid,
          epoch: epoch.toString(),
          finalised: finalised.permitsBitmap.toString(2),
          yuma: BigInt(fresh.permitsBitmap).toString(2),
        },
        "the finalised permits are not Yuma's: following the chain's, and challenging them",
      );
      fresh = { ...fresh, permitsBitmap: finalised.permitsBitmap.toString(), yumaPermitsBitmap: fresh.permitsBitmap };
      diff = resultMismatches(store, fresh, finalised);
    }
    if (diff.length > 0) {
      const aside = store.saveAside(fresh);
      throw new Error(
        `epoch ${netuid}/${epoch} recomputed from chain gives root ${fresh.root}, the finalised root is ` +
          `${finalised.root} (${diff.join("; ")}; ours kept at ${aside}): this node's inputs differ from the ` +
          "quorum's, check the RPC node (archive state, complete logs) and the deployment block",
      );
    }
    store.save(fresh);
    return { stored: fresh, finalised };
  }

  #storeBound: Promise<string | undefined> | undefined;

  /**
   * Binds the result store to this deployment once (the chain's id, the Settlement's address, its genesis); every
   * step that reads or writes results calls it first. Resolves to where the directory of an earlier deployment
   * of a reset chain was moved (see ResultStore.bind), undefined when nothing moved.
   */
  bindStore(): Promise<string | undefined> {
    this.#storeBound ??= this.deps.client
      .getChainId()
      .then(async (chainId) => {
        const unrecorded = this.deps.store.recordedIdentity()?.genesisTime === undefined;
        const aside = this.deps.store.bind(
          { chainId, settlement: this.deps.contracts.Settlement, genesisTime: Number(this.deps.genesisTime) },
          { unrecordedIsStale: unrecorded && (await this.resultsPastChain()) },
        );
        if (aside !== undefined) {
          this.deps.log?.warn(
            { dir: this.deps.store.dir, aside },
            `the chain was deployed again: the old epoch results are kept as ${aside}, new ones go to ${this.deps.store.dir}`,
          );
        }
        return aside;
      })
      .catch((err: unknown) => {
        // An RPC failure, or a bind that failed (a busy rename, a full disk): try again next time.
        this.#storeBound = undefined;
        throw err;
      });
    return this.#storeBound;
  }

  /**
   * Whether the result store holds an epoch this chain has not reached (an epoch past the netuid's current one, or
   * a later life than its current one): then its results are of an earlier deployment of a reset chain, which
   * starts again at slot 0. Asked only of a directory from before genesis times were recorded.
   */
  private async resultsPastChain(): Promise<boolean> {
    const stored = this.deps.store.newestEpochs();
    if (stored.length === 0) return false;
    const slot = await this.currentSlot();
    for (const { netuid, generation, epoch } of stored) {
      const life = await this.generation(netuid);
      if (generation > life) return true;
      if (generation < life) continue;
      let current: bigint;
      try {
        [current] = await this.deps.client.readContract({
          address: this.deps.contracts.SubnetRegistry,
          abi: subnetRegistryViewAbi,
          functionName: "epochAt",
          args: [netuid, slot],
        });
      } catch (err) {
        if (decodeRevert(err) === undefined) throw err; // the RPC failed: try again next time
        continue; // no such subnet now (or not yet at this slot): no evidence either way
      }
      if (epoch > current) return true;
    }
    return false;
  }

  /** `[start, close]` of epoch `epoch` of the subnet (the registry's `epochBounds`). */
  epochBounds(netuid: number, epoch: bigint): Promise<readonly [bigint, bigint]> {
    return this.deps.client.readContract({
      address: this.deps.contracts.SubnetRegistry,
      abi: subnetRegistryAbi,
      functionName: "epochBounds",
      args: [netuid, epoch],
    });
  }

  /** The last block of epoch `epoch`'s closing slot (undefined if it closed before the deployment). */
  private async closeBlock(netuid: number, epoch: bigint): Promise<bigint | undefined> {
    const [, close] = await this.epochBounds(netuid, epoch);
    if (this.#closeBlocks.has(close)) return this.#closeBlocks.get(close);
    const block = await lastBlockAtOrBeforeSlot(
      this.deps.client,
      this.deps.genesisTime,
      close,
      this.deps.deploymentBlock,
      this.confirmations,
    );
    if (this.confirmations > 0n) {
      // Bounded: a long-running worker settles one closing slot per epoch; the oldest entry goes first.
      const oldest = this.#closeBlocks.keys().next();
      if (this.#closeBlocks.size >= CLOSE_BLOCK_CACHE && !oldest.done) this.#closeBlocks.delete(oldest.value);
      this.#closeBlocks.set(close, block);
    }
    return block;
  }

  /**
   * Computes (or loads) the result of an opened epoch; of a finalised one, the result checked against the
   * finalised tuple (a stored one that differs is set aside and recomputed).
   */
  async compute(netuid: number, epoch: bigint): Promise<StoredEpoch> {
    const generation = await this.generation(netuid);
    const info = await this.info(netuid, epoch);
    if (info.status === EpochStatus.Finalised) {
      return (await this.finalisedResult(netuid, epoch, generation, info)).stored;
    }
    await this.bindStore();
    const cached = this.deps.store.load(netuid, epoch, generation);
    if (cached) return cached;
    const stored = await this.computeFresh(netuid, epoch, generation, info);
    this.deps.store.save(stored);
    return stored;
  }

  /** Computes the result of an opened epoch from chain, ignoring (and not writing) the store. */
  private async computeFresh(netuid: number, epoch: bigint, generation: number, info: EpochInfo): Promise<StoredEpoch> {
    if (info.status === EpochStatus.None) throw new Error(`epoch ${netuid}/${epoch} is not open yet`);
    const closeBlock = await this.closeBlock(netuid, epoch);
    if (closeBlock === undefined) throw new Error(`epoch ${netuid}/${epoch} closed before the deployment`);
    const previous = await this.previousResult(netuid, epoch, { closeBlock, generation });
    const { input, hotkeys } = await assembleEpochInput({
      client: this.deps.client,
      contracts: this.deps.contracts,
      genesisTime: this.deps.genesisTime,
      fromBlock: this.deps.deploymentBlock,
      netuid,
      epoch,
      previous,
      emission: info.budget,
      closeBlock,
      ...(this.deps.logPageBlocks === undefined ? {} : { logPageBlocks: this.deps.logPageBlocks }),
    });
    const output = runEpoch(input);
    const result = buildEpochResult({ netuid, epoch, hotkeys, output });
    const stored: StoredEpoch = {
      netuid,
      generation,
      epoch: epoch.toString(),
      root: result.root,
      bondsHash: result.bondsHash,
      permitsBitmap: result.permitsBitmap.toString(),
      totals: { incentive: result.totals.incentive.toString(), dividend: result.totals.dividend.toString() },
      bonds: output.bonds,
      tree: result.tree.dump(),
      scores: {
        consensus: output.consensus,
        validatorTrust: output.validatorTrust,
        incentive: output.incentive,
        dividends: output.dividends,
      },
    };
    return stored;
  }

  /** One pass over one epoch: open, compute, vote. Safe to call repeatedly. */
  async settle(netuid: number, epoch: bigint, closeSlot: bigint): Promise<SettleOutcome> {
    if ((await this.currentSlot()) <= closeSlot) return { kind: "not-closed", closeSlot };
    await this.ensureOpen(netuid, epoch);
    const info = await this.info(netuid, epoch);
    if (info.status === EpochStatus.RolledOver) return { kind: "rolled-over" };
    if (info.status === EpochStatus.Finalised) return { kind: "finalised", root: info.root };
    const stored = await this.compute(netuid, epoch);

    const me = getAddress(this.deps.wallet.account.address);
    if (info.bootstrap) {
      // Before the first finalised epoch the owner's hotkey alone finalises (SYSTEM.md §2.5).
      const [, ownerHotkey] = await this.deps.client.readContract({
        address: this.deps.contracts.SubnetRegistry,
        abi: subnetRegistryViewAbi,
        functionName: "subnetOwner",
        args: [netuid],
      });
      if (getAddress(ownerHotkey) !== me) return { kind: "not-permitted", root: stored.root };
    } else {
      const uid = await this.uidOf(netuid, me);
      if (uid === undefined || ((info.eligible >> BigInt(uid)) & 1n) === 0n) {
        return { kind: "not-permitted", root: stored.root };
      }
      if (((info.pendingVoters >> BigInt(uid)) & 1n) === 0n) return { kind: "already-voted", root: stored.root };
    }
    const { wallet } = this.deps;
    let tx: Hex;
    const what = `submitEpochResult ${netuid}/${epoch}`;
    try {
      tx = await this.send(what, {
        ...this.settlement,
        functionName: "submitEpochResult",
        args: [
          netuid,
          epoch,
          stored.root,
          BigInt(stored.permitsBitmap),
          stored.bondsHash,
          { incentive: BigInt(stored.totals.incentive), dividend: BigInt(stored.totals.dividend) },
        ],
        account: wallet.account,
        chain: wallet.chain,
      });
    } catch (err) {
      // Other votes reached the quorum between our read and our vote (refused at estimation, EpochNotOpen, or
      // reverted in the same block): nothing is left to vote; the epoch is followed as final. Any other failure
      // (the node, the process) is the caller's to retry.
      const refused =
        revertName(err) === "EpochNotOpen" || (err instanceof Error && err.message.startsWith(`${what} reverted in`));
      const now = refused ? await this.info(netuid, epoch) : undefined;
      if (now?.status === EpochStatus.Finalised) {
        this.deps.log?.info({ netuid, epoch: epoch.toString() }, "epoch finalised by other votes before ours landed");
        return { kind: "finalised", root: now.root };
      }
      throw err;
    }
    return { kind: "submitted", root: stored.root, tx };
  }

  /**
   * Challenges the subnet's latest finalised permits (`Settlement.challengePermits`) when they are provably not
   * Yuma's top-k: the bootstrap owner (or a colluding quorum) granting permits to itself alone would otherwise
   * keep every other validator from voting for good. Checked once per finalisation; nothing is read beyond the
   * settlement's permits when this node's own result of that epoch has the same permits. Returns the challenge
   * sent, or undefined (honest permits, a deviation within the verifier's margins, or already disproved).
   */
  async challengeWrongPermits(netuid: number): Promise<(PermitsChallenge & { epoch: bigint; tx: Hex }) | undefined> {
    const { client, contracts, store } = this.deps;
    const { at, permits } = await readLatestPermitsPinned(client, contracts, netuid);
    if (permits === undefined || permits.disproved) return undefined;
    const generation = await this.generation(netuid);
    const key = `${netuid}/${generation}/${permits.epoch}`;
    if (this.#permitsChecked.has(key)) return undefined;
    await this.bindStore();
    const ours = store.load(netuid, permits.epoch, generation);
    const found =
      ours !== undefined && BigInt(ours.yumaPermitsBitmap ?? ours.permitsBitmap) === permits.bitmap
        ? undefined
        : await findChallengeOf(
            client,
            contracts,
            netuid,
            permits,
            at,
            await this.closeBlock(netuid, permits.epoch).catch(() => undefined),
          );
    if (found === undefined) {
      this.#permitsChecked.add(key);
      return undefined;
    }
    const { wallet } = this.deps;
    let tx: Hex;
    try {
      tx = await this.send(`challengePermits ${netuid}/${permits.epoch}`, {
        ...this.settlement,
        functionName: "challengePermits",
        args: [netuid, found.excludedUid, found.permittedUid],
        account: wallet.account,
        chain: wallet.chain,
      });
    } catch (err) {
      // Another challenger was first (refused at estimation, or reverted in the same block): the permits are
      // disproved either way. Any other failure is retried at the next check, at most CHALLENGE_TRIES times per
      // finalisation (a node whose estimate passes where the chain reverts would burn gas every pass).
      const now = await readFinalisedPermits(client, contracts, netuid);
      const tries = (this.#challengeTries.get(key) ?? 0) + 1;
      this.#challengeTries.set(key, tries);
      if (revertName(err) === "PermitsAlreadyDisproved" || now?.epoch !== permits.epoch || now.disproved) {
        this.#permitsChecked.add(key);
        return undefined;
      }
      if (tries >= CHALLENGE_TRIES) {
        this.#permitsChecked.add(key);
        this.deps.log?.error(
          { netuid, epoch: permits.epoch.toString(), tries, err: err instanceof Error ? err.message : String(err) },
          "challengePermits keeps failing: given up for these permits (tao epoch challenge-permits sends it by hand)",
        );
      }
      throw err;
    }
    this.#permitsChecked.add(key);
    this.deps.log?.warn(
      {
        netuid,
        epoch: permits.epoch.toString(),
        way: found.way,
        excludedUid: found.excludedUid,
        permittedUid: found.permittedUid,
        tx,
      },
      "finalised permits are not Yuma's top-k: challenged, the next epochs take votes from every staked uid",
    );
    return { ...found, epoch: permits.epoch, tx };
  }

  /** The settlement's vote window after an epoch's close, in slots (0: one epoch length). */
  async deadlineSlots(): Promise<bigint> {
    return this.deps.client.readContract({ ...this.settlement, functionName: "deadlineSlots" });
  }

  /**
   * Whether epoch `epoch` (in state `info`, not finalised) is past its deadline at `slot`, so it can only be rolled
   * over: an opened epoch's deadline was fixed when it opened (no read); an unopened one's follows the current
   * `deadlineSlots` from its bounds (`bounds`, when the caller has read them).
   */
  async pastDeadline(
    netuid: number,
    epoch: bigint,
    info: EpochInfo,
    slot: bigint,
    bounds?: readonly [bigint, bigint],
  ): Promise<boolean> {
    if (info.status === EpochStatus.Open) return slot > info.deadline;
    const [[start, close], slots] = await Promise.all([
      bounds ?? this.epochBounds(netuid, epoch),
      this.deadlineSlots(),
    ]);
    return slot > settlementDeadline(start, close, slots);
  }

  /** Rolls a past-deadline epoch's emission into the next epoch (anyone may). Idempotent. */
  async rollOver(netuid: number, epoch: bigint): Promise<Hex | undefined> {
    const { wallet } = this.deps;
    try {
      return await this.send(`rollOver ${netuid}/${epoch}`, {
        ...this.settlement,
        functionName: "rollOver",
        args: [netuid, epoch],
        account: wallet.account,
        chain: wallet.chain,
      });
    } catch (err) {
      // Someone else rolled it over (or it finalised) between our read and our transaction: fine.
      const status = (await this.info(netuid, epoch)).status;
      if (status === EpochStatus.RolledOver || status === EpochStatus.Finalised) return undefined;
      throw err;
    }
  }

  private async uidOf(netuid: number, hotkey: Address): Promise<number | undefined> {
    const info = await this.deps.client.readContract({
      address: this.deps.contracts.SubnetRegistry,
      abi: subnetRegistryViewAbi,
      functionName: "uidOf",
      args: [netuid, hotkey],
    });
    return info[0] ? info[1] : undefined;
  }

  /** Claims every unclaimed leaf with a non-zero amount of a finalised epoch; returns how many were claimed. */
  async claimAll(netuid: number, epoch: bigint): Promise<number> {
    const info = await this.info(netuid, epoch);
    if (info.status !== EpochStatus.Finalised) return 0;
    const generation = await this.generation(netuid);
    const { stored } = await this.finalisedResult(netuid, epoch, generation, info);
    const tree = this.deps.store.tree(stored);
    const payable = [...tree.entries()].filter(([, leaf]) => BigInt(leaf[4]) + BigInt(leaf[5]) !== 0n);
    // One read per payable leaf, in parallel (viem batches them when the transport supports it).
    const claimed = await Promise.all(
      payable.map(([, leaf]) =>
        this.deps.client.readContract({
          ...this.settlement,
          functionName: "isClaimed",
          args: [netuid, epoch, leaf[2]],
        }),
      ),
    );
    const pending = payable
      .filter((_, k) => !claimed[k])
      .map(([i, [, , uid, hotkey, incentive, dividend]]) => ({
        uid,
        hotkey,
        incentive: BigInt(incentive),
        dividend: BigInt(dividend),
        proof: tree.getProof(i) as Hex[],
      }));
    const size = this.deps.claimBatchSize ?? 64;
    const { wallet } = this.deps;
    for (let i = 0; i < pending.length; i += size) {
      await this.send(`claimBatch ${netuid}/${epoch}`, {
        ...this.settlement,
        functionName: "claimBatch",
        args: [netuid, epoch, pending.slice(i, i + size)],
        account: wallet.account,
        chain: wallet.chain,
      });
    }
    // Finalised per-uid emission feeds pruning: refresh the registry's pruning order once claims recorded it.
    if (pending.length > 0) {
      await this.send(`syncPruningScores ${netuid}`, {
        address: this.deps.contracts.SubnetRegistry,
        abi: subnetRegistryAbi,
        functionName: "syncPruningScores",
        args: [netuid],
        account: wallet.account,
        chain: wallet.chain,
      });
    }
    return pending.length;
  }
}
