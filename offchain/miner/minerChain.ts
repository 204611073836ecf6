/**
 * What the miner needs from the chain: implemented over viem and the registry in offchain/miner/chain.ts
 * (`createMinerChain`); tests use an in-memory fake.
 */
import type { Address, Hex } from "viem";
import type { MetagraphSnapshot } from "../metagraph/types.js";

export interface RegistrationReceipt {
  uid: number;
  /** Rao actually burned. */
  burned: bigint;
  txHash?: Hex;
}

export interface ServeReceipt {
  txHash?: Hex;
}

export interface MinerChain {
  /** EVM chain id: part of every signed axon message, so traffic cannot be replayed across networks. */
  readonly chainId: number;
  /** Current registration burn on the subnet, in rao. */
  burnCost(netuid: number): Promise<bigint>;
  /** Registers the miner's hotkey, burning at most `maxBurn` rao (the contract enforces it too). */
  register(netuid: number, maxBurn: bigint): Promise<RegistrationReceipt>;
  /**
   * Publishes the axon endpoint (`serveAxon`): URL, protocol (0 = TCP/HTTP), protocol version. Throws
   * `ServingRateLimitedError` when the registry refuses with ServingRateLimited (served too recently).
   */
  serveAxon(netuid: number, endpoint: string, protocol: number, version: number): Promise<ServeReceipt>;
  isRegistered(netuid: number, hotkey: Address): Promise<boolean>;
  /** The native (gas) balance of `address`, in wei; optional for chains that charge no gas. */
  gasBalance?(address: Address): Promise<bigint>;
  /** The subnet's neurons (read on a timer by the metagraph cache, never per request). */
  metagraph(netuid: number): Promise<MetagraphSnapshot>;
}

/**
 * The registry refused serveAxon with ServingRateLimited: this hotkey served less than the subnet's serving rate
 * limit (SERVING_RATE_LIMIT slots) ago. Serving is allowed again from `nextSlot`, about `waitMs` from now.
 */
export class ServingRateLimitedError extends Error {
  constructor(
    readonly endpoint: string,
    readonly nextSlot: bigint,
    readonly waitMs: number,
  ) {
    super(
      `serveAxon(${endpoint}) refused: ServingRateLimited (this hotkey served its axon less than the subnet's serving rate limit ago); serving is allowed again at slot ${nextSlot}, in about ${Math.ceil(waitMs / 1000)} s`,
    );
    this.name = "ServingRateLimitedError";
  }
}
