// Miners for the in-process network's tests (no tests here): each with its own fake Ollama server (deterministic
// answers) and its own data dir (a fresh temporary one), started through `startMinerProcess` as `npm start` does,
// with a 1 s clock skew: the tests share one clock, and a miner's first start with a new store refuses nonces for
// one clock skew, so that lasts 1 s instead of 30.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LocalAccount, PublicClient } from "viem";
import type { LocalChain, NeuronKeys } from "../../offchain/localnet/bootstrap.js";
import { startMinerProcess } from "../../offchain/miner/chain.js";
import type { RunningMiner } from "../../offchain/miner/runMiner.js";
import { startFakeOllama, type FakeOllama } from "../../offchain/ollama/fakeServer.js";
import type { ProtocolDeployment } from "../../offchain/validator/adapters/protocol.js";

export interface FakeMiners {
  readonly miners: RunningMiner[];
  /** `fakes[i]` answers for `miners[i]`: set its mode to make that miner slow or wrong. */
  readonly fakes: FakeOllama[];
  close(): Promise<void>;
}

/** Starts one miner per key on `netuid` (already registered), each served by its own fake Ollama. */
export async function startFakeMiners(
  net: { client: PublicClient; chain: LocalChain; deployment: ProtocolDeployment; netuid: number },
  minerKeys: readonly { hotkey: LocalAccount }[] | readonly NeuronKeys[],
  o: { model?: string } = {},
): Promise<FakeMiners> {
  const miners: RunningMiner[] = [];
  const fakes: FakeOllama[] = [];
  const dataRoot = mkdtempSync(path.join(tmpdir(), "fake-miners-"));
  const close = async () => {
    for (const m of miners) await m.close();
    for (const f of fakes) await f.close();
    rmSync(dataRoot, { recursive: true, force: true });
  };
  try {
    for (const [i, k] of minerKeys.entries()) {
      const fake = await startFakeOllama(o.model ? { models: [o.model] } : {});
      fakes.push(fake);
      miners.push(
        await startMinerProcess({
          client: net.client,
          deployment: net.deployment,
          netuid: net.netuid,
          network: "hardhat",
          hotkey: k.hotkey,
          hotkeyWallet: net.chain.wallet(k.hotkey),
          ollamaHost: fake.url,
          ...(o.model ? { model: o.model } : {}),
          metagraphRefreshMs: 1_000,
          limits: { clockSkewMs: 1_000 },
          dataDir: path.join(dataRoot, `miner-${i + 1}`),
        }),
      );
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { miners, fakes, close };
}
