import type { Command } from "commander";
import { z } from "zod";
import { localnetUp, type LocalnetSummary } from "../../localnet/up.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { formatTao, renderTable } from "../output.js";

const upOptions = z.object({
  epochs: z.coerce.number().int().min(1, "--epochs must be at least 1").default(3),
  keep: z.boolean().default(false),
  port: z.coerce.number().int().min(1).max(65535).default(8545),
  tempo: z.coerce
    .number()
    .int()
    .min(4, "--tempo must be at least 4 slots (commit, reveal and settle need room)")
    .default(20),
  model: z
    .string()
    .min(1)
    .default(process.env.TAO_MODEL ?? "llama3.2:1b"),
  msPerSlot: z.coerce.number().int().min(20).default(200),
});

function register(group: Command, app: CliApp): void {
  group
    .command("up")
    .description("start Anvil, deploy, create a subnet with 3 miners and 2 validators, and run until epochs settle")
    .option("--epochs <n>", "settled epochs to wait for", "3")
    .option("--keep", "leave the network running afterwards (Ctrl-C stops it)")
    .option("--port <port>", "preferred RPC port (a free one is used if it is taken)", "8545")
    .option("--tempo <slots>", "slots per epoch on the local subnet", "20")
    .option("--model <name>", "Ollama model the miners serve")
    .option("--ms-per-slot <ms>", "real milliseconds per 12-second slot", "200")
    .action(
      app.action(upOptions, async (ctx, options) => {
        const controller = new AbortController();
        const onSignal = () => {
          ctx.out.note("stopping…");
          controller.abort();
        };
        // SIGHUP too (the terminal closed): Anvil runs in its own process group and stops only when told to.
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        process.once("SIGHUP", onSignal);
        try {
          const print = (summary: LocalnetSummary) =>
            ctx.out.result(summary, () =>
              [
                `\nSubnet ${summary.netuid}: ${summary.settledEpochs.length} epochs settled (${summary.settledEpochs.join(", ")}), ${summary.claims} claims, ${formatTao(BigInt(summary.claimedAlpha))} α claimed`,
                renderTable(
                  ["uid", "hotkey", "coldkey", "stake weight (α)", "permit", "axon"],
                  summary.metagraph.map((n) => [
                    String(n.uid),
                    n.hotkey,
                    n.coldkey,
                    formatTao(BigInt(n.stakeWeight)),
                    n.permit ? "yes" : "",
                    n.axon,
                  ]),
                ),
                summary.ollama.builtIn
                  ? "Miners answered through the built-in test Ollama server."
                  : `Miners answered through Ollama at ${summary.ollama.host}.`,
                options.keep
                  ? `Next: the chain stays up at ${summary.rpcUrl} for the CLI (\`npx tao --network localnet metagraph --netuid ${summary.netuid} --results-dir .localnet/epochs\`); Ctrl-C stops it.`
                  : `Next: \`npm start -- --keep\` leaves the chain up for the CLI (\`npx tao --network localnet metagraph --netuid ${summary.netuid} --results-dir .localnet/epochs\`);`,
                "run your own miner or validator, on this network or a testnet: see README.md (Running a miner, Running a validator).",
              ].join("\n"),
            );
          // The summary is printed as soon as the epochs are paid, so `--keep` shows it while the chain stays up.
          await localnetUp({
            ...options,
            // Progress goes to stderr even with --json: stdout carries only the summary.
            log: (line) => ctx.io.stderr.write(`[localnet] ${line}\n`),
            onSummary: print,
            signal: controller.signal,
          });
        } finally {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
          process.off("SIGHUP", onSignal);
        }
      }),
    );
}

export default defineCommandGroup({
  name: "localnet",
  summary: "a local network with miners and validators (npm start)",
  order: 90,
  register,
});
