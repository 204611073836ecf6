/**
 * `npm run anvil [-- <anvil flags>]`: Anvil from the npm package for `npm run deploy -- --network localhost`, on
 * 127.0.0.1:8545, mining a block every second. Validators read a few blocks behind the head (`--confirmations`,
 * default 2), which a node that only mines on transactions never moves; and chain time must pass for slots and
 * epochs. Each default gives way to the flag that sets it (`--port 8745`, `--block-time 12`, `--no-mining`).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { anvilExecutable } from "../offchain/deploy/anvil.js";

const args = process.argv.slice(2);
const has = (...flags: string[]) => args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
const defaults = [
  ...(has("--host") ? [] : ["--host", "127.0.0.1"]),
  ...(has("--port", "-p") ? [] : ["--port", "8545"]),
  ...(has("--block-time", "-b", "--no-mining") ? [] : ["--block-time", "1"]),
];
const binary = anvilExecutable();
const child = spawn(binary, [...defaults, ...args], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("error", (err) => {
  process.stderr.write(`error: cannot run Anvil (${binary}): ${err.message}; run \`npm install\` to get it\n`);
  process.exit(1);
});
// Stopped by a signal we forwarded (Ctrl-C): the shell's convention, 128 + the signal's number.
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 0)));
