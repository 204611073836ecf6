/**
 * `npm run miner -- --network <name> --netuid N --wallet <name> [options]`
 *
 * Parses flags (commander), validates them (zod, config.ts), builds the chain client and hotkey through
 * the wiring factory, runs the miner and shuts it down cleanly on SIGINT/SIGTERM (a second signal exits
 * at once).
 */
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { createLogger, type Logger } from "../log.js";
import { connectMinerChain, type MinerWiring, type MinerWiringRequest } from "./chain.js";
import { parseMinerConfig, type MinerConfig, type MinerConfigInput } from "./config.js";
import { runMiner, type MinerDeps } from "./runMiner.js";
import { withWalletNames } from "../wallet/fundHint.js";

function int(name: string): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number (got ${JSON.stringify(v)})`);
    return Number(v);
  };
}

/** A comma-separated list (trimmed); the flag may be repeated, adding to the list. */
function list(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...v.split(",").map((e) => e.trim())];
}

function num(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} must be a number (got ${JSON.stringify(v)})`);
    return n;
  };
}

export function buildProgram(): Command {
  return new Command("miner")
    .description("Serve a subnet as a miner: Ollama behind a signed axon")
    .requiredOption("--network <name>", "network to mine on (localnet, anvil, a deployed network name)")
    .requiredOption("--netuid <n>", "subnet id", int("--netuid"))
    .requiredOption("--wallet, --wallet-name <name>", "wallet (coldkey) name")
    .option("--hotkey, --wallet-hotkey <name>", "hotkey name in the wallet", "default")
    .option("--wallets-dir <dir>", "wallets directory (default $TAO_WALLETS_DIR or ~/.bittensor-evm/wallets)")
    .option("--host <address>", "address the axon binds to", "0.0.0.0")
    .option("--port <n>", "axon port", int("--port"), 8091)
    .option("--external-url <url>", "URL validators use to reach this axon (published on chain)")
    .option("--model <name>", "Ollama model", "llama3.2:1b")
    .option("--ollama-host <url>", "Ollama server (default: $OLLAMA_HOST or http://127.0.0.1:11434)")
    .option("--fake-ollama", "use the built-in deterministic fake Ollama (local networks, demos)", false)
    .option("--register", "register the hotkey when it is not registered", false)
    .option("--max-burn <tao>", "highest registration burn accepted, in TAO")
    .option("--no-serve", "do not publish the endpoint on chain")
    .option("--max-concurrent <n>", "generations at once", int("--max-concurrent"))
    .option("--queue-size <n>", "requests waiting for a slot (served by stake)", int("--queue-size"))
    .option("--rate <perSecond>", "requests per second per validator", num("--rate"))
    .option("--burst <n>", "burst per validator", int("--burst"))
    .option(
      "--max-per-validator <n>",
      "requests one validator may have running plus queued, 429 beyond (default a quarter of --max-concurrent, " +
        "at least 1; at most --max-concurrent + --queue-size)",
      int("--max-per-validator"),
    )
    .option(
      "--ip-rate <perSecond>",
      "requests per second per source address, checked before the signature (default 200; 0 = off, e.g. behind " +
        "a reverse proxy not named in --trust-proxy, where every request comes from the proxy's address)",
      num("--ip-rate"),
    )
    .option("--ip-burst <n>", "burst per source address (default twice --ip-rate)", int("--ip-burst"))
    .option("--max-connections <n>", "open sockets the axon accepts in all (default 1024)", int("--max-connections"))
    .option(
      "--max-sockets-per-ip <n>",
      "open sockets per source address, an IPv6 /64 counting as one (default 64; 0 = off, e.g. behind a reverse " +
        "proxy not named in --trust-proxy, where every socket comes from the proxy's address)",
      int("--max-sockets-per-ip"),
    )
    .option(
      "--trust-proxy <addresses>",
      "reverse proxies whose X-Forwarded-For is believed, comma-separated IPs or CIDR ranges (e.g. 127.0.0.1 or " +
        "10.0.0.0/8): the per-IP limits then apply to the forwarded client address and the proxies' sockets are " +
        "not capped per address; list only the proxy's own addresses (a trusted address can claim any client)",
      list,
    )
    .option(
      "--headers-timeout-ms <ms>",
      "time a client has to send a request's headers before a 408 and the socket closed (default 10000)",
      int("--headers-timeout-ms"),
    )
    .option("--generation-timeout-ms <ms>", "longest one generation may take", int("--generation-timeout-ms"))
    .option(
      "--data-dir <dir>",
      "where the miner keeps its state (miner.db: accepted nonces, so a restart refuses replays) " +
        "(default ~/.bittensor-evm/miners/<wallet>/<hotkey>/netuid<N>)",
    )
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace", "info")
    .showHelpAfterError();
}

interface Flags {
  network: string;
  netuid: number;
  walletName: string;
  walletHotkey: string;
  walletsDir?: string;
  host: string;
  port: number;
  externalUrl?: string;
  model: string;
  ollamaHost?: string;
  fakeOllama: boolean;
  register: boolean;
  maxBurn?: string;
  serve: boolean;
  maxConcurrent?: number;
  queueSize?: number;
  rate?: number;
  burst?: number;
  maxPerValidator?: number;
  ipRate?: number;
  ipBurst?: number;
  maxConnections?: number;
  maxSocketsPerIp?: number;
  trustProxy?: string[];
  headersTimeoutMs?: number;
  generationTimeoutMs?: number;
  dataDir?: string;
  logLevel: string;
}

/** Flags → validated config (throws one line naming the bad setting). */
export function configFromFlags(f: Flags): MinerConfig {
  const limits: NonNullable<MinerConfigInput["limits"]> = {};
  if (f.maxConcurrent !== undefined) limits.maxConcurrent = f.maxConcurrent;
  if (f.queueSize !== undefined) limits.queueSize = f.queueSize;
  if (f.rate !== undefined) limits.ratePerSecond = f.rate;
  if (f.burst !== undefined) limits.rateBurst = f.burst;
  if (f.maxPerValidator !== undefined) limits.maxPerValidator = f.maxPerValidator;
  if (f.ipRate !== undefined) limits.ipRatePerSecond = f.ipRate;
  if (f.ipBurst !== undefined) limits.ipRateBurst = f.ipBurst;
  if (f.maxConnections !== undefined) limits.maxConnections = f.maxConnections;
  if (f.maxSocketsPerIp !== undefined) limits.maxSocketsPerIp = f.maxSocketsPerIp;
  if (f.trustProxy !== undefined) limits.trustedProxies = f.trustProxy;
  if (f.headersTimeoutMs !== undefined) limits.headersTimeoutMs = f.headersTimeoutMs;
  if (f.generationTimeoutMs !== undefined) limits.generationTimeoutMs = f.generationTimeoutMs;
  const input: MinerConfigInput = {
    network: f.network,
    netuid: f.netuid,
    wallet: f.walletName,
    hotkey: f.walletHotkey,
    ...(f.walletsDir === undefined ? {} : { walletsDir: f.walletsDir }),
    host: f.host,
    port: f.port,
    externalUrl: f.externalUrl,
    model: f.model,
    ...(f.ollamaHost === undefined ? {} : { ollamaHost: f.ollamaHost }),
    fakeOllama: f.fakeOllama,
    register: f.register,
    maxBurn: f.maxBurn,
    serve: f.serve,
    ...(f.dataDir === undefined ? {} : { dataDir: f.dataDir }),
    logLevel: f.logLevel as MinerConfig["logLevel"],
    limits,
  };
  return parseMinerConfig(input);
}

// ============================================================================================
// WIRING FACTORY — the one place the miner meets the chain and the wallet. `wire` defaults to
// connectMinerChain (offchain/miner/chain.ts: the deployment file, the RPC and the wallets directory).
// ============================================================================================
export async function buildMinerDeps(
  config: MinerConfig,
  logger: Logger,
  wire: (req: MinerWiringRequest) => Promise<MinerWiring> = connectMinerChain,
): Promise<MinerDeps> {
  const { chain, hotkey } = await wire({
    network: config.network,
    netuid: config.netuid,
    wallet: config.wallet,
    hotkey: config.hotkey,
    ...(config.walletsDir === undefined ? {} : { walletsDir: config.walletsDir }),
  });
  return { chain, hotkey, logger };
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const flags = buildProgram().parse(argv).opts<Flags>();
  let config: MinerConfig;
  try {
    config = configFromFlags(flags);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger("miner", { level: config.logLevel });
  let miner;
  try {
    miner = await runMiner(config, await buildMinerDeps(config, logger));
  } catch (err) {
    const message = withWalletNames((err as Error).message, {
      wallet: config.wallet,
      hotkey: config.hotkey,
      network: config.network,
    });
    logger.fatal({ err: message }, "miner could not start");
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
    return;
  }
  installShutdown(miner, logger);
}

/**
 * One Ctrl-C reaches the process more than once: the terminal signals the whole foreground group (npm, tsx and
 * node), and npm and tsx each relay it to their child. Signals this close after the first are that same one.
 */
export const SAME_SIGNAL_MS = 1_000;

/**
 * SIGINT/SIGTERM: close the miner (stop accepting, abort running generations, close Ollama streams and the
 * metagraph timer), then exit 0; a second signal (SAME_SIGNAL_MS or more after the first) exits 1 at once.
 * Returns a function removing the handlers.
 */
export function installShutdown(
  miner: { close(): Promise<void> },
  logger: Logger,
  exit: (code: number) => void = (c) => process.exit(c),
  now: () => number = () => performance.now(),
): () => void {
  let firstAt: number | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (firstAt !== undefined) {
      if (now() - firstAt < SAME_SIGNAL_MS) return; // the same Ctrl-C, relayed
      logger.warn({ signal }, "second signal: exiting now");
      exit(1);
      return;
    }
    firstAt = now();
    logger.info({ signal }, "signal received: shutting down");
    miner.close().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err: (err as Error).message }, "shutdown failed");
        exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
