/**
 * WIRING POINT — to be replaced by the chain engineer.
 *
 * Builds the miner's chain client and loads its hotkey from the wallet. Until the contracts client and
 * the wallet store are wired in, it refuses with a clear error; everything else in the miner is injected
 * through `runMiner(config, deps)` and tested with fakes.
 */
import type { HotkeySigner } from "../protocol/signatures.js";
import type { MinerChain } from "./minerChain.js";

export interface MinerWiringRequest {
  network: string;
  netuid: number;
  wallet: string;
  hotkey: string;
}

export interface MinerWiring {
  chain: MinerChain;
  hotkey: HotkeySigner;
}

export async function connectMinerChain(req: MinerWiringRequest): Promise<MinerWiring> {
  throw new Error(
    `miner chain access is not wired yet (network ${req.network}, wallet ${req.wallet}/${req.hotkey}): ` +
      "offchain/miner/chain.ts must build a MinerChain over the contracts and load the hotkey from the wallet",
  );
}
