import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createPublicClient, getAddress, http } from "viem";
import { emissionAbi, taoAbi } from "../../offchain/abi/index.js";
import { repoRoot } from "../../offchain/deploy/artifacts.js";
import { startAnvil, type AnvilProcess } from "../../offchain/deploy/anvil.js";
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
