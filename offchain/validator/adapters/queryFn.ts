/**
 * The QueryFn port over the dendrite: one long-lived Dendrite (keep-alive agents, nonce source, key cache) per
 * subnet per process. The chain adapter's metagraph gives each axon its hotkey and netuid (`ChainAxon`), which
 * the dendrite needs to sign the request and to check the miner's signature.
 *
 * Two bounds protect the validator from its miners:
 * - destinations: only public unicast addresses, unless `allowPrivateEndpoints` (local networks, whose miners
 *   serve on 127.0.0.1): a published endpoint must not reach into the validator's network;
 * - answer size: no more than scoring reads (DEFAULT_MAX_ANSWER_CHARS characters, in at most
 *   `maxResponseBytesFor` of them bytes): a longer answer scores 0, so reading and checking it only spends the
 *   CPU that honest miners' latencies are measured on.
 */
import type { Address } from "viem";
import { Dendrite, maxResponseBytesFor } from "../../dendrite/index.js";
import type { Logger } from "../../log.js";
import type { HotkeySigner } from "../../protocol/signatures.js";
import { DEFAULT_MAX_ANSWER_CHARS } from "../../scoring/score.js";
import type { Axon } from "../metagraph.js";
import type { QueryFn } from "../round.js";

/** An axon as the chain adapter builds it: where, and whose. */
export interface ChainAxon extends Axon {
  hotkey: Address;
  netuid: number;
}

function isChainAxon(a: Axon): a is ChainAxon {
  const x = a as Partial<ChainAxon>;
  return typeof x.hotkey === "string" && typeof x.netuid === "number";
}

export interface DendritePool {
  query: QueryFn;
  /** The dendrite of `netuid` (created on first use). */
  dendrite(netuid: number): Dendrite;
  close(): void;
}

export function createDendriteQuery(o: {
  signer: HotkeySigner;
  chainId: number;
  logger?: Logger;
  socketsPerHost?: number;
  /**
   * Query loopback and private endpoints too: only on a local network (`isLocalNetwork`). Default false, so a
   * validator on a public network never connects into its own network whatever a miner publishes.
   */
  allowPrivateEndpoints?: boolean;
}): DendritePool {
  const byNetuid = new Map<number, Dendrite>();
  const dendrite = (netuid: number): Dendrite => {
    let d = byNetuid.get(netuid);
    if (!d) {
      d = new Dendrite({
        signer: o.signer,
        chainId: o.chainId,
        netuid,
        allowPrivateEndpoints: o.allowPrivateEndpoints ?? false,
        maxAnswerChars: DEFAULT_MAX_ANSWER_CHARS,
        maxResponseBytes: maxResponseBytesFor(DEFAULT_MAX_ANSWER_CHARS),
        ...(o.logger ? { logger: o.logger } : {}),
        ...(o.socketsPerHost ? { socketsPerHost: o.socketsPerHost } : {}),
      });
      byNetuid.set(netuid, d);
    }
    return d;
  };
  const query: QueryFn = async (axon, task, timeoutMs, signal) => {
    if (!isChainAxon(axon)) {
      return {
        ok: false,
        status: 0,
        error: "no_hotkey",
        latencyMs: 0,
      };
    }
    // The wire task is only the prompt: the expected answer never leaves the validator.
    return dendrite(axon.netuid).query(
      { hotkey: axon.hotkey, url: axon.url },
      { kind: "text", prompt: task.prompt },
      { timeoutMs, signal },
    );
  };
  return {
    query,
    dendrite,
    close() {
      for (const d of byNetuid.values()) d.close();
      byNetuid.clear();
    },
  };
}
