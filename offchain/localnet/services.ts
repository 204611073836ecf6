import path from "node:path";
import { pino } from "pino";
import type { LocalAccount } from "viem";
import type { Deployment } from "../deploy/deployProtocol.js";
import { createLogger, type Logger } from "../log.js";
import { startMinerProcess } from "../miner/chain.js";
import type { RunningMiner } from "../miner/runMiner.js";
import { parseConfig } from "../validator/config.js";
import { startValidator, type RunningValidator } from "../validator/start.js";
import type { LocalChain, NeuronKeys } from "./bootstrap.js";

export interface LocalServicesOptions {
  chain: LocalChain;
  deployment: Deployment;
  netuid: number;
  owner: NeuronKeys;
  validators: NeuronKeys[];
  miners: NeuronKeys[];
  /** One Ollama host per miner (the same host repeated when a real Ollama serves them all). */
  ollamaHosts: string[];
  model: string;
  dataDir: string;
  /** Validator query timeout (ms). */
  timeoutMs: number;
  log: (line: string) => void;
}

export interface LocalServices {
  miners: RunningMiner[];
  validators: RunningValidator[];
  /** Where each worker's log goes: `<dataDir>/logs/<name>.log`, pino JSON lines (level: `LOG_LEVEL`, default info). */
  logsDir: string;
  stop(): Promise<void>;
}

/** Starts the local network's miners (axons on loopback) and validators in this process. */
export async function startLocalServices(o: LocalServicesOptions): Promise<LocalServices> {
  const miners: RunningMiner[] = [];
  const validators: RunningValidator[] = [];
  const client = o.chain.publicClient;
  const logsDir = path.join(o.dataDir, "logs");
  const files: ReturnType<typeof pino.destination>[] = [];
  const loggerFor = (name: string): Logger => {
    const file = pino.destination({ dest: path.join(logsDir, `${name}.log`), mkdir: true, sync: false });
    files.push(file);
    return createLogger(name, { destination: file, pretty: false }); // JSON lines in the file even with LOG_PRETTY
  };
  const stop = async () => {
    await Promise.allSettled(validators.map((v) => v.stop()));
    await Promise.allSettled(miners.map((m) => m.close()));
    // Ending a destination flushes what is buffered (and waits for a file still opening).
    await Promise.allSettled(
      files.map(
        (f) =>
          new Promise<void>((resolve) => {
            f.once("close", resolve);
            f.once("error", () => resolve());
            f.end();
          }),
      ),
    );
  };
  try {
    for (const [i, k] of o.miners.entries()) {
      const miner = await startMinerProcess({
        client,
        deployment: o.deployment as never,
        netuid: o.netuid,
        network: "localnet",
        hotkey: k.hotkey,
        hotkeyWallet: o.chain.wallet(k.hotkey),
        ollamaHost: o.ollamaHosts[i] ?? o.ollamaHosts[0]!,
        model: o.model,
        metagraphRefreshMs: 1_000,
        // Each miner's own store (accepted nonces). `.localnet/` is new on every `npm start`, so each miner's first
        // start refuses nonces for a clock skew: a 2 s skew (miners and validators share this machine's clock) keeps
        // that short; a miner restarted on the same dir refuses only replays.
        dataDir: path.join(o.dataDir, "miners", `miner-${i + 1}`),
        limits: { clockSkewMs: 2_000 },
        logger: loggerFor(`miner-${i + 1}`),
      });
      miners.push(miner);
      o.log(`miner ${i + 1} (${k.hotkey.address}) serving`);
    }
    const keys: [string, LocalAccount][] = [
      ["owner-validator", o.owner.hotkey],
      ...o.validators.map((v, i): [string, LocalAccount] => [`validator-${i + 2}`, v.hotkey]),
    ];
    for (const [name, hotkey] of keys) {
      const config = parseConfig({
        network: "localnet",
        netuids: [o.netuid],
        wallet: { name, hotkey: "default" },
        timeoutMs: o.timeoutMs,
        roundIntervalMs: 50,
        emaAlpha: 0.3,
        taskMix: { verifiable: 1, open: 0 },
        dbPath: path.join(o.dataDir, `${name}.db`),
        confirmations: 0,
        commitAfterSlots: 6,
        commitGuardSlots: 4,
      });
      validators.push(
        await startValidator(config, {
          chain: { client, wallet: o.chain.wallet(hotkey), deployment: o.deployment as never },
          logger: loggerFor(name),
        }),
      );
      o.log(`validator ${name} (${hotkey.address}) running`);
    }
    return { miners, validators, logsDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
