/**
 * What the miner needs from the chain. The chain engineer implements this over the real contracts
 * (offchain/miner/chain.ts is the wiring point); tests use an in-memory fake.
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
  /** Publishes the axon endpoint (`serveAxon`): URL, protocol (0 = TCP/HTTP), protocol version. */
  serveAxon(netuid: number, endpoint: string, protocol: number, version: number): Promise<ServeReceipt>;
  isRegistered(netuid: number, hotkey: Address): Promise<boolean>;
  /** The subnet's neurons (read on a timer by the metagraph cache, never per request). */
  metagraph(netuid: number): Promise<MetagraphSnapshot>;
}
