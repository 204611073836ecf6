import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { subnetRegistryAbi, taoAbi } from "../../offchain/abi/index.js";
import { readDeployment } from "../../offchain/chain/deployments.js";
import { repoRoot } from "../../offchain/deploy/artifacts.js";
import { freePort } from "../../offchain/deploy/anvil.js";

/**
 * Runs `npm start -- --epochs 1 --json` (= `tao localnet up`) as a user would, on a free port. With `whileUp`, it
 * is called once stdout holds the whole summary (with `--keep`, while the network still runs), then the run is
 * stopped with SIGINT as Ctrl-C would.
 */
function localnetUp(
  args: string[],
  whileUp?: (summary: { rpcUrl: string }) => Promise<void>,
): Promise<{ code: number | null; stdout: string; stderr: string; whileUpError?: unknown }> {
  return new Promise((resolve) => {
    const child = spawn(
      path.join(repoRoot, "node_modules", ".bin", "tsx"),
      [path.join(repoRoot, "offchain", "cli", "main.ts"), "--json", "localnet", "up", ...args],
      { cwd: repoRoot, env: { ...process.env, OLLAMA_HOST: "http://127.0.0.1:9" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let called = false;
    let whileUpError: unknown;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!whileUp || called) return;
      let summary: { rpcUrl: string };
      try {
        summary = JSON.parse(stdout) as { rpcUrl: string };
      } catch {
        return; // not all of it yet
      }
      called = true;
      whileUp(summary)
        .catch((e: unknown) => (whileUpError = e))
        .finally(() => child.kill("SIGINT"));
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr, whileUpError }));
  });
}

describe("npm start (tao localnet up)", () => {
  it(
    "settles an epoch with non-zero claims against the built-in Ollama server, twice in a row, and when its port is taken; --keep prints the summary while the chain stays up",
    { timeout: 400_000 },
    async () => {
      // The second run asks for a port that is taken, as 8545 often is: it must pick another.
      const taken = await freePort();
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(taken, "127.0.0.1", () => resolve()));
      try {
        for (let run = 0; run < 2; run++) {
          const port = run === 0 ? await freePort() : taken;
          // The first run goes long enough for revealed weights to pay a miner (the first epochs have none).
          const epochs = run === 0 ? "3" : "1";
          // The second run keeps the network: its summary must come while the chain still answers.
          let chainIdWhileUp: string | undefined;
          let spareTao: bigint[] = [];
          let networkRateLimit: bigint | undefined;
          const { code, stdout, stderr, whileUpError } = await localnetUp(
            ["--epochs", epochs, "--port", String(port), ...(run === 1 ? ["--keep"] : [])],
            run === 1
              ? async ({ rpcUrl }) => {
                  const res = await fetch(rpcUrl, {
                    method: "POST",
                    headers: { "content-type": "application/json" },
                    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
                  });
                  chainIdWhileUp = ((await res.json()) as { result: string }).result;
                  // Anvil's accounts 5-9 are funded for the CLI (README: `tao subnet create` with one of them).
                  const client = createPublicClient({ transport: http(rpcUrl) });
                  const { contracts } = await readDeployment("localnet");
                  const dev = (i: number) =>
                    mnemonicToAccount("test test test test test test test test test test test junk", {
                      addressIndex: i,
                    }).address;
                  networkRateLimit = await client.readContract({
                    address: contracts.SubnetRegistry!,
                    abi: subnetRegistryAbi,
                    functionName: "networkParam",
                    args: [2], // NetworkRateLimit: `tao subnet create` works within minutes
                  });
                  spareTao = await Promise.all(
                    [5, 9].map((i) =>
                      client.readContract({
                        address: contracts.TAO,
                        abi: taoAbi,
                        functionName: "balanceOf",
                        args: [dev(i)],
                      }),
                    ),
                  );
                }
              : undefined,
          );
          assert.equal(code, 0, `run ${run} exited ${code}: ${stderr.slice(-2000)}`);
          assert.equal(whileUpError, undefined, `the kept network did not answer: ${String(whileUpError)}`);
          if (run === 1) {
            assert.equal(chainIdWhileUp, "0x7a69", "--keep printed the summary while the chain was still up");
            assert.match(stderr, /network kept running at/);
            assert.equal(networkRateLimit, 10n, "subnet creations 10 slots apart");
            assert.deepEqual(spareTao, [2_000n * 10n ** 9n, 2_000n * 10n ** 9n], "spare coldkeys hold 2,000 TAO");
          }
          const summary = JSON.parse(stdout) as {
            rpcUrl: string;
            settledEpochs: string[];
            claims: number;
            claimedAlpha: string;
            ollama: { builtIn: boolean };
            metagraph: { uid: number; axon: string; stakeWeight: string }[];
          };
          assert.ok(summary.settledEpochs.length >= 1, "at least one epoch settled");
          assert.ok(summary.claims > 0 && BigInt(summary.claimedAlpha) > 0n, "non-zero claims");
          assert.equal(summary.ollama.builtIn, true);
          if (run === 0) {
            assert.equal(summary.rpcUrl, `http://127.0.0.1:${port}`);
            // uid 2 is the miner whose built-in Ollama answers correctly, 3 wrongly, 4 too slowly.
            const stake = (uid: number) => BigInt(summary.metagraph.find((n) => n.uid === uid)!.stakeWeight);
            assert.ok(stake(2) > 0n, "the correct miner's incentive was claimed into its stake");
            assert.equal(stake(4), 0n, "the slow miner earned nothing");
            // Each worker logs to its own file, which the progress lines name.
            assert.match(stderr, /worker logs: \.localnet\/logs\//);
            const lines = (name: string) =>
              readFileSync(path.join(repoRoot, ".localnet", "logs", `${name}.log`), "utf8")
                .split("\n")
                .filter((l) => l !== "")
                .map((l) => JSON.parse(l) as { name: string; msg: string });
            for (const name of ["miner-1", "miner-3", "owner-validator", "validator-2"])
              assert.ok(
                lines(name).some((l) => l.name === name),
                `${name}.log holds the worker's JSON lines`,
              );
            assert.ok(
              lines("owner-validator").some((l) => /validator stopped/.test(l.msg)),
              "the log is flushed when npm start stops",
            );
          } else {
            assert.notEqual(summary.rpcUrl, `http://127.0.0.1:${taken}`, "a taken port is not reused");
            assert.match(stderr, new RegExp(`port ${taken} is taken`));
          }
          assert.equal(summary.metagraph.length, 5);
          const served = summary.metagraph.filter((n) => n.axon.startsWith("http://127.0.0.1:"));
          assert.equal(served.length, 3, "3 miners served");
        }
      } finally {
        blocker.close();
      }
    },
  );
});
