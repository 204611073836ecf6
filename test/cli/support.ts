// Shared helpers for the CLI tests (no tests here). Each test passes its environment explicitly: Hardhat runs
// every test file in one process, so nothing may be set on process.env.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { runCli } from "../../offchain/cli/program.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TAO_BIN = path.join(REPO_ROOT, "bin", "tao.mjs");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A config file that does not exist: `tao` run by the tests reads no user's `~/.bittensor-evm/config.json` (a
 * saved network or wallet would change what they run against) unless a test passes its own TAO_CONFIG.
 */
export const NO_USER_CONFIG = path.join(mkdtempSync(path.join(os.tmpdir(), "tao-no-config-")), "config.json");

/** Runs `tao` in this process with its own environment and a non-TTY stdin. */
export async function tao(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  env = { TAO_CONFIG: NO_USER_CONFIG, ...env };
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign(new PassThrough(), { isTTY: false as const });
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env,
  });
  return { code, stdout, stderr };
}

/** Runs `bin/tao.mjs` as a child process (the real launcher, through tsx). */
export function taoProcess(argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TAO_BIN, ...argv], {
      env,
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`tao ${argv.join(" ")} did not finish in ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** The minimal environment a child `tao` needs, plus `extra`. */
export function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TAO_CONFIG: NO_USER_CONFIG, ...extra };
}

/**
 * The Anvil executable. node_modules/.bin/anvil is a Node shim that re-raises SIGTERM on itself before the real
 * binary has exited, orphaning it; spawning the platform binary the shim would run lets the test reap it.
 * Falls back to the shim where the platform package is not installed.
 */
export { anvilExecutable } from "../../offchain/deploy/anvil.js";
