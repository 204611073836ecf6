import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createPublicClient, getAddress, http } from "viem";
import { emissionAbi, taoAbi } from "../../offchain/abi/index.js";
import { repoRoot } from "../../offchain/deploy/artifacts.js";
import { freePort, startAnvil, type AnvilProcess } from "../../offchain/deploy/anvil.js";
import type { Deployment } from "../../offchain/deploy/deployProtocol.js";

const run = promisify(execFile);

describe("npm run deploy against a real Anvil process", () => {
  let anvil: AnvilProcess;
  const dir = mkdtempSync(path.join(tmpdir(), "deployments-"));

  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil?.stop();
  });

  it("deploys, writes deployments/anvil.json, and the chain reads back", async () => {
    await run(
      path.join(repoRoot, "node_modules", ".bin", "hardhat"),
      ["run", "scripts/deploy.ts", "--network", "anvil"],
      {
        cwd: repoRoot,
        env: { ...process.env, ANVIL_URL: anvil.url, TAO_DEPLOYMENTS_DIR: dir },
      },
    );
    const deployment = JSON.parse(readFileSync(path.join(dir, "anvil.json"), "utf8")) as Deployment;
    assert.equal(deployment.network, "anvil");
    assert.equal(deployment.chainId, 31337);
    assert.ok(deployment.deploymentBlock >= 1);

    const client = createPublicClient({ transport: http(anvil.url) });
    const { TAO, Emission } = deployment.contracts;
    assert.equal(
      getAddress(await client.readContract({ address: Emission, abi: emissionAbi, functionName: "tao" })),
      TAO,
    );
    assert.equal(
      getAddress(await client.readContract({ address: TAO, abi: taoAbi, functionName: "minter" })),
      Emission,
    );
    assert.equal(
      Number(await client.readContract({ address: Emission, abi: emissionAbi, functionName: "genesisTime" })),
      deployment.genesisTime,
    );
    const block = await client.getBlock({ blockNumber: BigInt(deployment.deploymentBlock) });
    assert.equal(Number(block.timestamp), deployment.genesisTime);
    assert.equal(await client.readContract({ address: TAO, abi: taoAbi, functionName: "decimals" }), 9);
  });
});

describe("npm run anvil (scripts/anvil.ts)", () => {
  it(
    "takes another port, mines a block a second, and stops Anvil when it is stopped",
    { timeout: 30_000 },
    async () => {
      const port = await freePort();
      const child = spawn(
        path.join(repoRoot, "node_modules", ".bin", "tsx"),
        ["scripts/anvil.ts", "--port", String(port)],
        {
          cwd: repoRoot,
          stdio: "ignore",
        },
      );
      const url = `http://127.0.0.1:${port}`;
      const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
      try {
        let first: bigint | undefined;
        for (let i = 0; i < 100 && first === undefined; i++) {
          first = await client.getBlockNumber({ cacheTime: 0 }).catch(() => undefined);
          if (first === undefined) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(first !== undefined, `Anvil answers on ${url}`);
        await new Promise((r) => setTimeout(r, 2_500));
        const later = await client.getBlockNumber({ cacheTime: 0 });
        assert.ok(later >= first + 2n, `blocks ${first} -> ${later} in 2.5 s without transactions`);
      } finally {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(client.getBlockNumber({ cacheTime: 0 }), "Anvil stopped with the script");
    },
  );
});
