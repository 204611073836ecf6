/**
 * The SettlementPort over the EpochWorker. How the service's four calls map onto it:
 *
 * - compute: opens the closed epoch when nobody has (minting first), then computes (or loads) its result;
 *   the bonds go to the service's store as JSON bytes.
 * - submit: one `settle` pass. It returns the vote's transaction; when there is nothing to vote (the epoch
 *   is already final, this hotkey already voted, holds no permit, or the epoch rolled over) it returns the
 *   zero hash and the service goes on to follow the epoch. An epoch not closed yet at the confirmed head throws
 *   NotYetError, so the service waits and retries on a later step.
 * - status: "finalised" once Finalised, and also once RolledOver (nothing will ever be claimable there, and
 *   the claim that follows finds nothing). An epoch still open (or never opened) past its deadline is rolled
 *   over first (anyone may; its emission goes to the next epoch opened), so a vote that never reached the quorum
 *   is resolved instead of followed for ever.
 * - claim: claims every unclaimed non-zero leaf (anyone may claim for anyone); returns the last claim
 *   transaction, or undefined when there was nothing left to claim.
 */
import { mkdirSync } from "node:fs";
import {
  zeroHash,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { Logger } from "pino";
import { ResultStore } from "../../epoch/resultStore.js";
import { EpochStatus, EpochWorker } from "../../epoch/worker.js";
import { NotYetError, type SettlementPort } from "../ports.js";
import { protocolAddresses, type ProtocolDeployment, type Wallet } from "./protocol.js";

export interface SettlementPortOptions {
  client: PublicClient;
  /** The validator's hotkey: it votes and pays for opens and claims. */
  wallet: Wallet;
  deployment: ProtocolDeployment;
  /** Where epoch results (trees, bonds) are kept. */
  resultsDir: string;
  logger?: Logger;
  claimBatchSize?: number;
  /** Blocks on top of an epoch's first post-close block before it counts as closed (the validator's own depth). */
  confirmations?: number;
}

export interface WorkerSettlementPort extends SettlementPort {
  readonly worker: EpochWorker;
}

/** A wallet that remembers the hash of the last transaction it sent (the worker returns counts, not hashes). */
function recording(wallet: Wallet): { wallet: Wallet; last: () => Hex | undefined } {
  let last: Hex | undefined;
  const original = wallet.writeContract.bind(wallet);
  const writeContract = (async (args: Parameters<Wallet["writeContract"]>[0]) => {
    const hash = await original(args);
    last = hash;
    return hash;
  }) as Wallet["writeContract"];
  return { wallet: { ...wallet, writeContract } as Wallet, last: () => last };
}

export function createSettlementPort(o: SettlementPortOptions): WorkerSettlementPort {
  const a = protocolAddresses(o.deployment);
  mkdirSync(o.resultsDir, { recursive: true });
  const rec = recording(o.wallet);
  const results = new ResultStore(o.resultsDir);
  const worker = new EpochWorker({
    client: o.client,
    wallet: rec.wallet as WalletClient<Transport, Chain | undefined, Account>,
    contracts: {
      SubnetRegistry: a.SubnetRegistry,
      Staking: a.Staking,
      Weights: a.Weights,
      Settlement: a.Settlement,
    },
    genesisTime: a.genesisTime,
    deploymentBlock: a.deploymentBlock,
    store: results,
    ...(o.logger ? { log: o.logger } : {}),
    ...(o.claimBatchSize ? { claimBatchSize: o.claimBatchSize } : {}),
    ...(o.confirmations === undefined ? {} : { confirmations: o.confirmations }),
  });
  const closeSlot = async (netuid: number, epoch: bigint): Promise<bigint> =>
    (await worker.epochBounds(netuid, epoch))[1];

  return {
    worker,
    async compute(netuid, epoch) {
      const e = BigInt(epoch);
      const close = await closeSlot(netuid, e);
      if ((await worker.currentSlot()) <= close)
        throw new NotYetError(`epoch ${netuid}/${epoch} closes at slot ${close}: not closed yet at the confirmed head`);
      await worker.ensureOpen(netuid, e);
      const stored = await worker.compute(netuid, e);
      return { root: stored.root, bonds: new TextEncoder().encode(JSON.stringify(stored.bonds)) };
    },
    async submit(netuid, epoch, root) {
      const e = BigInt(epoch);
      const outcome = await worker.settle(netuid, e, await closeSlot(netuid, e));
      switch (outcome.kind) {
        case "not-closed":
          throw new NotYetError(`epoch ${netuid}/${epoch} closes at slot ${outcome.closeSlot}: not closed yet`);
        case "submitted":
          if (outcome.root !== root)
            throw new Error(`epoch ${netuid}/${epoch}: voted root ${outcome.root} differs from stored root ${root}`);
          return outcome.tx;
        default:
          o.logger?.info({ netuid, epoch, outcome: outcome.kind }, "nothing to vote");
          return zeroHash;
      }
    },
    async status(netuid, epoch) {
      const e = BigInt(epoch);
      let info = await worker.info(netuid, e);
      if (
        (info.status === EpochStatus.None || info.status === EpochStatus.Open) &&
        (await worker.pastDeadline(netuid, e, info, await worker.currentSlot()))
      ) {
        const tx = await worker.rollOver(netuid, e);
        info = await worker.info(netuid, e);
        o.logger?.warn(
          { netuid, epoch, tx },
          tx ? "epoch missed its deadline: rolled over" : "epoch missed its deadline: rolled over by someone else",
        );
      }
      if (info.status === EpochStatus.Finalised) {
        // Finalised permits that are provably not Yuma's top-k are challenged (the next epochs then take every
        // staked uid's vote); a failure is logged and retried at the next status check (at most 3 sends per finalisation).
        await worker
          .challengeWrongPermits(netuid)
          .catch((err: unknown) =>
            o.logger?.error(
              { netuid, err: err instanceof Error ? err.message : String(err) },
              "permits challenge failed",
            ),
          );
      }
      return info.status === EpochStatus.Finalised || info.status === EpochStatus.RolledOver ? "finalised" : "pending";
    },
    async claim(netuid, epoch) {
      const before = rec.last();
      const n = await worker.claimAll(netuid, BigInt(epoch));
      const after = rec.last();
      return n > 0 && after !== before ? after : undefined;
    },
    async forget(netuid, epochs) {
      const generation = await worker.generation(netuid);
      let removed = 0;
      for (const e of epochs) removed += results.remove(netuid, BigInt(e), generation);
      return removed;
    },
  };
}
