/** A subnet's neurons as the serving side needs them: who is a validator, with how much stake, and where. */
import { z } from "zod";
import type { Address } from "viem";

/** Where a miner serves (`serveAxon` on chain): an http(s) URL, the protocol (0 = TCP) and its version. */
export interface AxonEndpoint {
  url: string;
  protocol: number;
  version: number;
}

export interface NeuronInfo {
  uid: number;
  hotkey: Address;
  coldkey: Address;
  /** Stake weight in rao (the same number Yuma and permits use). */
  stake: bigint;
  validatorPermit: boolean;
  axon?: AxonEndpoint;
}

export interface MetagraphSnapshot {
  netuid: number;
  /** The slot the snapshot was read at, when the source knows it. */
  slot?: bigint;
  neurons: NeuronInfo[];
}

/** Reads one subnet's metagraph from chain (the miner's: `registryMetagraph`); called on a timer, never per request. */
export type MetagraphSource = () => Promise<MetagraphSnapshot>;

/** The read side an axon needs: O(1) lookups into the latest snapshot. */
export interface MetagraphView {
  lookup(hotkey: string): NeuronInfo | undefined;
  /** Milliseconds since the snapshot in use was fetched; Infinity before the first. */
  ageMs(): number;
  /**
   * False before the first snapshot and while the snapshot is older than the view trusts (the chain unreachable
   * for too long): lookups say nothing then, and the axon answers 503 metagraph_unavailable, not "not registered".
   */
  available(): boolean;
  readonly size: number;
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 0x-prefixed 20-byte address");

export const neuronSchema = z.object({
  uid: z.number().int().min(0).max(65_535),
  hotkey: address,
  coldkey: address,
  stake: z.bigint().nonnegative(),
  validatorPermit: z.boolean(),
  axon: z
    .object({
      url: z.string().url(),
      protocol: z.number().int().min(0).max(255),
      version: z.number().int().min(0),
    })
    .optional(),
});

export const snapshotSchema = z.object({
  netuid: z.number().int().min(0).max(65_535),
  slot: z.bigint().nonnegative().optional(),
  neurons: z.array(neuronSchema).max(4096),
});
