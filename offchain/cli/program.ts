import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { createApp } from "./command-group.js";
import { debugEnabled, errorCode, errorJson, errorMessage, formatError, oneLine, USAGE_EXIT_CODE } from "./errors.js";
import { processIo, type CliIo } from "./io.js";
import { NETWORK_ENV } from "./userConfig.js";
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

/**
 * Whether `--json` is on the command line (before a `--`). Read from argv rather than the parsed options because
 * a failure can come before commander has parsed them (an unknown option, a group that does not load).
 */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** Commander's message without its `error: ` prefix; help shown for a missing subcommand gets a sentence. */
function commanderMessage(e: CommanderError): string {
  if (e.code === "commander.help") return "a command is missing: the help above lists the commands (see --help)";
  return oneLine(e.message).replace(/^error:\s*/, "");
}

/**
 * Reports a failure: always the one `error: ...` line on stderr (for people and logs); under `--json` also
 * `{"error":{"code","message"}}` as the one line on stdout, where scripts already parse the result (as btcli's
 * --json-output does), so a script reads stdout alone and tells success from failure by the exit code.
 */
function report(e: unknown, io: CliIo, json: boolean): number {
  io.stderr.write(`${formatError(e)}\n`);
  if (debugEnabled(io.env) && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  if (json) io.stdout.write(`${errorJson(errorCode(e), errorMessage(e))}\n`);
  return typeof (e as { exitCode?: unknown }).exitCode === "number" ? (e as { exitCode: number }).exitCode : 1;
}

/**
 * Runs `tao` with `argv` (without node and script) and returns the exit code; never calls process.exit.
 * Exit codes: 0 success (and --help / --version), 2 a usage error (commander's), 1 any other failure.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const json = jsonRequested(argv);
  let program: Command;
  try {
    program = await buildProgram(io);
  } catch (e) {
    return report(e, io, json);
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      // Commander already printed its one-line message (or the help) on stderr.
      if (json) io.stdout.write(`${errorJson("usage", commanderMessage(e))}\n`);
      return USAGE_EXIT_CODE;
    }
    return report(e, io, json);
  }
}
