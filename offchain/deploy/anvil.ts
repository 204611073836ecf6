import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { repoRoot } from "./artifacts.js";

/** A running Anvil (from the npm package `@foundry-rs/anvil`) on the loopback interface. */
export interface AnvilProcess {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:`port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

/**
 * The real Anvil binary shipped in the platform package. `node_modules/.bin/anvil` is a Node wrapper that can
 * exit before the binary it spawned, leaving an orphan; we start the binary itself.
 */
export function anvilExecutable(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const binary = path.join(
    repoRoot,
    "node_modules",
    "@foundry-rs",
    `anvil-${process.platform}-${arch}`,
    "bin",
    process.platform === "win32" ? "anvil.exe" : "anvil",
  );
  return existsSync(binary) ? binary : path.join(repoRoot, "node_modules", ".bin", "anvil");
}

/**
 * Starts Anvil and resolves once it answers JSON-RPC. Without `port` Anvil binds a port the OS picks and
 * reports it ("Listening on 127.0.0.1:PORT"): no window in which another process can take a port we chose,
 * so parallel tests never talk to each other's node.
 */
export async function startAnvil(
  options: {
    port?: number;
    args?: string[];
    timeoutMs?: number;
    /**
     * Its own process group, for a long-running network (`npm start`): a terminal's Ctrl-C then reaches the
     * caller alone, which stops its workers before the chain they read and stops Anvil last. The caller must
     * stop it on every signal it handles: a signal that kills the caller outright leaves such an Anvil running.
     * Default false: Anvil dies with the caller's group (tests, scripts).
     */
    ownGroup?: boolean;
  } = {},
): Promise<AnvilProcess> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(
    anvilExecutable(),
    ["--host", "127.0.0.1", "--port", String(options.port ?? 0), ...(options.args ?? [])],
    { stdio: ["ignore", "pipe", "pipe"], detached: options.ownGroup === true },
  );
  // On the caller's way out by `process.exit` or the end of its event loop (a signal's default action skips it).
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  // Anvil logs every request on stdout: read it until the listening line, then keep draining it unread.
  const port = await new Promise<number>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`anvil did not start listening within ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      seen = (seen + d.toString()).slice(-4096);
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with code ${code}: ${stderr.trim()}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) break;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer on ${url} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
