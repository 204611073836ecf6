/**
 * `npm run validator -- --network <name> --netuid N --wallet <name> [--hotkey <name>] [options]`
 *
 * Flags (commander) are merged over an optional JSON config file (`--config`): only the flags given override
 * the file (the wallet field by field; `--wallet` may be left out when the file names it), and validated by the
 * validator's zod schema (config.ts); the hotkey is read from the wallets directory; logs are pino JSON
 * lines. SIGINT/SIGTERM stop the loop, close the dendrites and the SQLite store, then exit 0; a second
 * signal exits 1 at once.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { createLogger, LOG_LEVELS, type LogLevel } from "../log.js";
import { installShutdown } from "../miner/main.js";
import { ConfigError, parseConfig, type ValidatorConfig } from "./config.js";
import { startValidator } from "./start.js";

function int(name: string): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number (got ${JSON.stringify(v)})`);
    return Number(v);
  };
}

export function buildProgram(): Command {
  return (
    new Command("validator")
      .description("Validate subnets: score miners, commit and reveal weights, settle epochs, claim")
      .requiredOption("--network <name>", "network (localhost, anvil, sepolia, ...): deployments/<name>.json")
      .requiredOption("--netuid <n>", "subnet to validate (repeat for several)", (v: string, prev: number[] = []) => [
        ...prev,
        int("--netuid")(v),
      ])
      .option("--wallet <name>", "wallet whose hotkey signs (required unless the config file names it)")
      .option("--hotkey <name>", `hotkey name in the wallet (default: the config file's, else "${DEFAULT_HOTKEY}")`)
      .option("--wallets-dir <dir>", "wallets directory (default $TAO_WALLETS_DIR or ~/.bittensor-evm/wallets)")
      // tao's spellings of --wallet and --hotkey.
      .addOption(new Option("--wallet-name <name>", "same as --wallet").hideHelp())
      .addOption(new Option("--wallet-hotkey <name>", "same as --hotkey").hideHelp())
      .option("--config <file>", "JSON config file; flags override it")
      .option("--rpc-url <url>", "RPC URL overriding the network's")
      .option(
        "--db <file>",
        "SQLite store (default ~/.bittensor-evm/validators/<wallet>/<hotkey>/<network>/validator.db)",
      )
      .option("--timeout-ms <ms>", "per-request miner timeout (default 12000)", int("--timeout-ms"))
      .option("--round-interval-ms <ms>", "pause between rounds (default 60000)", int("--round-interval-ms"))
      .option(
        "--tick-interval-ms <ms>",
        "run the weights and settlement schedule this often between rounds (default 10000; 0 = after rounds only)",
        int("--tick-interval-ms"),
      )
      .option("--concurrency <n>", "requests in flight per round", int("--concurrency"))
      .option("--confirmations <n>", "blocks before chain data counts as final (default 2)", int("--confirmations"))
      .option("--metrics-port <port>", "serve Prometheus metrics on GET /metrics (127.0.0.1)", int("--metrics-port"))
      .option("--model <name>", "Ollama model for open prompts' reference answers (enables open prompts)")
      .option("--embed-model <name>", "Ollama embedding model scoring open answers (default nomic-embed-text)")
      .option("--log-level <level>", LOG_LEVELS.join(", "), "info")
      .showHelpAfterError()
  );
}

/** The hotkey used when neither `--hotkey` nor the config file's `wallet.hotkey` names one. */
export const DEFAULT_HOTKEY = "default";

export interface Flags {
  network: string;
  netuid: number[];
  wallet?: string;
  hotkey?: string;
  walletName?: string;
  walletHotkey?: string;
  walletsDir?: string;
  config?: string;
  rpcUrl?: string;
  db?: string;
  timeoutMs?: number;
  roundIntervalMs?: number;
  tickIntervalMs?: number;
  concurrency?: number;
  confirmations?: number;
  metricsPort?: number;
  model?: string;
  embedModel?: string;
  logLevel: string;
}

/**
 * The wallet: the config file's `wallet` with only the flags given laid over it, field by field (`--wallet`
 * → name, `--hotkey` → hotkey, `--wallets-dir` → path); the hotkey defaults to "default" when neither names
 * one. A file value that is not an object is returned as it is, for the schema to report.
 */
export function mergeWallet(
  file: unknown,
  f: Pick<Flags, "wallet" | "hotkey" | "walletsDir" | "walletName" | "walletHotkey">,
  source = "flags",
): unknown {
  if (file !== undefined && (typeof file !== "object" || file === null || Array.isArray(file))) return file;
  const merged: Record<string, unknown> = {
    ...(file as Record<string, unknown> | undefined),
    ...((f.wallet ?? f.walletName) !== undefined ? { name: f.wallet ?? f.walletName } : {}),
    ...((f.hotkey ?? f.walletHotkey) !== undefined ? { hotkey: f.hotkey ?? f.walletHotkey } : {}),
    ...(f.walletsDir !== undefined ? { path: f.walletsDir } : {}),
  };
  if (merged.name === undefined)
    throw new ConfigError(source, [
      "wallet.name: no wallet given; pass --wallet <name> or set wallet.name in --config",
    ]);
  merged.hotkey ??= DEFAULT_HOTKEY;
  return merged;
}

/** `--model` / `--embed-model` laid over the config file's `model`, field by field (the schema checks the rest). */
function modelFromFlags(file: unknown, name: string | undefined, embedModel: string | undefined): unknown {
  const base = typeof file === "object" && file !== null && !Array.isArray(file) ? file : {};
  return {
    ...base,
    ...(name !== undefined ? { name } : {}),
    ...(embedModel !== undefined ? { embedModel } : {}),
  };
}

/** Flags over the config file → validated config (ConfigError lists every problem). */
export function configFromFlags(
  f: Flags,
  readFile: (p: string) => string = (p) => readFileSync(p, "utf8"),
): ValidatorConfig {
  let base: Record<string, unknown> = {};
  if (f.config !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFile(f.config));
    } catch (e) {
      throw new ConfigError(f.config, [`cannot read it as JSON: ${e instanceof Error ? e.message : String(e)}`]);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json))
      throw new ConfigError(f.config, [`(top level): must be a JSON object (got ${JSON.stringify(json)})`]);
    base = json as Record<string, unknown>;
  }
  const input: Record<string, unknown> = {
    ...base,
    network: f.network,
    netuids: f.netuid,
    wallet: mergeWallet(base.wallet, f, f.config ?? "flags"),
    ...(f.rpcUrl !== undefined ? { rpcUrl: f.rpcUrl } : {}),
    ...(f.db !== undefined ? { dbPath: f.db } : {}),
    ...(f.timeoutMs !== undefined ? { timeoutMs: f.timeoutMs } : {}),
    ...(f.roundIntervalMs !== undefined ? { roundIntervalMs: f.roundIntervalMs } : {}),
    ...(f.tickIntervalMs !== undefined ? { tickIntervalMs: f.tickIntervalMs } : {}),
    ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
    ...(f.confirmations !== undefined ? { confirmations: f.confirmations } : {}),
    ...(f.metricsPort !== undefined ? { metricsPort: f.metricsPort } : {}),
    ...(f.model !== undefined || f.embedModel !== undefined
      ? { model: modelFromFlags(base.model, f.model, f.embedModel) }
      : {}),
  };
  return parseConfig(input, f.config ?? "flags");
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const flags = buildProgram().parse(argv).opts<Flags>();
  if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) {
    process.stderr.write(`error: --log-level ${flags.logLevel} is not one of ${LOG_LEVELS.join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  let config: ValidatorConfig;
  try {
    config = configFromFlags(flags);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger("validator", { level: flags.logLevel as LogLevel });
  let running;
  try {
    running = await startValidator(config, { logger });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, "validator could not start");
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  installShutdown({ close: () => running.stop() }, logger);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
