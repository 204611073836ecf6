/**
 * The QueryFn port over the dendrite: one long-lived Dendrite (keep-alive agents, nonce source, key cache) per
 * subnet per process. The chain adapter's metagraph gives each axon its hotkey and netuid (`ChainAxon`), which
 * the dendrite needs to sign the request and to check the miner's signature.
 */
import type { Address } from "viem";
import { Dendrite } from "../../dendrite/index.js";
import type { Logger } from "../../log.js";
import type { HotkeySigner } from "../../protocol/signatures.js";
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
}): DendritePool {
  const byNetuid = new Map<number, Dendrite>();
  const dendrite = (netuid: number): Dendrite => {
    let d = byNetuid.get(netuid);
    if (!d) {
      d = new Dendrite({
        signer: o.signer,
        chainId: o.chainId,
        netuid,
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
