import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { createApp, NETWORK_ENV } from "./command-group.js";
import { debugEnabled, formatError, oneLine } from "./errors.js";
import { processIo, type CliIo } from "./io.js";
import { loadCommandGroups } from "./load-commands.js";
import { NETWORK_NAMES } from "../chain/client.js";
import { DEFAULT_WALLETS_DIR, WALLETS_DIR_ENV } from "../wallet/paths.js";

/** This package's version (package.json next to offchain/). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Builds the `tao` program with every command group under offchain/cli/commands/. */
export async function buildProgram(io: CliIo): Promise<Command> {
  const program = new Command("tao")
    .description("Bittensor on an EVM chain: wallets, subnets, staking, weights and epochs (in the style of btcli)")
    .version(packageVersion(), "-V, --version", "print the version of bittensor-evm")
    .addOption(
      new Option("--network <name>", `network: ${NETWORK_NAMES.join(", ")} (default: $${NETWORK_ENV} or localhost)`),
    )
    .option("--json", "print machine-readable JSON on stdout; never prompt")
    .option("-y, --yes", "do not ask for confirmation before spending or overwriting")
    .option("--wallets-dir <dir>", `wallets directory (default: $${WALLETS_DIR_ENV} or ${DEFAULT_WALLETS_DIR})`)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`${oneLine(s)}\n`),
    })
    .exitOverride();
  const app = createApp(io);
  for (const group of await loadCommandGroups()) {
    // Subcommands inherit the output configuration and exitOverride from the program.
    const command = program.command(group.name).description(group.summary);
    if (group.aliases) command.aliases([...group.aliases]);
    group.register(command, app);
  }
  return program;
}

/** Runs `tao` with `argv` (without node and script) and returns the exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(io);
  } catch (e) {
    io.stderr.write(`${formatError(e)}\n`);
    if (debugEnabled(io.env) && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed its (one-line) message
    io.stderr.write(`${formatError(e)}\n`);
    if (debugEnabled(io.env) && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return typeof (e as { exitCode?: unknown }).exitCode === "number" ? (e as { exitCode: number }).exitCode : 1;
  }
}
