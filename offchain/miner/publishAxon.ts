/**
 * Publishing the axon endpoint on chain (serveAxon) without wasting a transaction or dying on the registry's
 * serving rate limit (SERVING_RATE_LIMIT slots between serves of one hotkey):
 *
 * - the hotkey's axon in the (started) metagraph already has this url, protocol and version: nothing is sent,
 *   so a miner restarted within the rate limit comes straight back up;
 * - the registry answers ServingRateLimited (the endpoint changed too soon after the last serve): logged with
 *   the slot serving is allowed again, and retried then, while the axon keeps serving;
 * - any other failure of the first try is thrown (start-up fails with it); a later try's failure is logged and
 *   retried with backoff.
 */
import type { Address } from "viem";
import type { Logger } from "../log.js";
import type { MetagraphView } from "../metagraph/types.js";
import { ServingRateLimitedError, type MinerChain } from "./minerChain.js";

/** "unchanged": already on chain, nothing sent; "pending": a retry is scheduled; "stopped": the miner closed. */
export type PublicationState = "published" | "unchanged" | "pending" | "stopped";

export interface AxonPublication {
  readonly state: PublicationState;
  /** Cancels a scheduled retry. */
  stop(): void;
}

export interface PublishAxonOptions {
  chain: MinerChain;
  /** Where the hotkey's on-chain axon is read (the miner's started metagraph cache). */
  metagraph: MetagraphView;
  netuid: number;
  hotkey: Address;
  endpoint: string;
  protocol: number;
  version: number;
  logger: Logger;
  /** Shortest wait before a retry (default 1 s). */
  minRetryMs?: number;
  /** Wait after a failure other than the rate limit, doubled per failure up to 10 minutes (default 15 s). */
  failureRetryMs?: number;
}

const MAX_RETRY_MS = 600_000;

/** Publishes `endpoint` (or finds it already published, or schedules the retry); see the file comment. */
export async function publishAxon(o: PublishAxonOptions): Promise<AxonPublication> {
  const log = o.logger;
  const minRetryMs = o.minRetryMs ?? 1_000;
  const failureRetryMs = o.failureRetryMs ?? 15_000;
  let state: PublicationState = "pending";
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  const onChain = (): boolean => {
    const axon = o.metagraph.lookup(o.hotkey)?.axon;
    return axon?.url === o.endpoint && axon.protocol === o.protocol && axon.version === o.version;
  };

  const schedule = (waitMs: number): void => {
    if (state === "stopped") return;
    timer = setTimeout(retry, Math.min(MAX_RETRY_MS, Math.max(minRetryMs, waitMs)));
    timer.unref();
  };

  /** One try; throws any failure but the rate limit, which schedules the next try. */
  const attempt = async (): Promise<void> => {
    if (onChain()) {
      state = "unchanged";
      log.info({ endpoint: o.endpoint }, "the axon on chain is already this endpoint: serveAxon not sent");
      return;
    }
    try {
      const receipt = await o.chain.serveAxon(o.netuid, o.endpoint, o.protocol, o.version);
      if (state === "stopped") return;
      state = "published";
      log.info({ endpoint: o.endpoint, tx: receipt.txHash }, "axon published on chain");
    } catch (err) {
      if (!(err instanceof ServingRateLimitedError)) throw err;
      log.warn(
        { endpoint: o.endpoint, nextSlot: err.nextSlot.toString(), retryInMs: Math.max(minRetryMs, err.waitMs) },
        `${err.message}: the axon keeps serving (validators still see the old endpoint) and serveAxon is retried at slot ${err.nextSlot}`,
      );
      schedule(err.waitMs);
    }
  };

  const retry = (): void => {
    timer = undefined;
    if (state === "stopped") return;
    attempt().then(
      () => {
        failures = 0;
      },
      (err: unknown) => {
        failures++;
        const waitMs = Math.min(MAX_RETRY_MS, failureRetryMs * 2 ** Math.min(failures - 1, 10));
        log.error(
          { endpoint: o.endpoint, err: (err as Error)?.message ?? String(err), retryInMs: waitMs },
          "serveAxon failed: the axon keeps serving and serveAxon is retried",
        );
        schedule(waitMs);
      },
    );
  };

  await attempt();
  return {
    get state() {
      return state;
    },
    stop() {
      state = "stopped";
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
