import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createPublicClient, getAddress, http, zeroAddress } from "viem";
import { emissionAbi } from "../../offchain/abi/index.js";
import { repoRoot } from "../../offchain/deploy/artifacts.js";
import { startAnvil, type AnvilProcess } from "../../offchain/deploy/anvil.js";
import type { Deployment } from "../../offchain/deploy/deployProtocol.js";
import {
  checkChainId,
  checkOverwrite,
  checkPrivateKey,
  DeployConfigError,
  expectedChainId,
  parseRouteEmission,
  recordedRpcUrl,
} from "../../offchain/deploy/deployScript.js";

const run = promisify(execFile);
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

describe("deploy script checks", () => {
  it("records the RPC URL of local networks only (public provider URLs carry API keys)", () => {
    for (const network of ["localhost", "anvil", "localnet", "hardhat", "hardhatMainnet"]) {
      assert.equal(recordedRpcUrl(network, "http://127.0.0.1:8545"), "http://127.0.0.1:8545", network);
    }
    for (const network of ["sepolia", "baseSepolia", "bittensorTestnet", "someOtherNet"]) {
      assert.equal(recordedRpcUrl(network, "https://eth-sepolia.g.alchemy.com/v2/SECRETKEY"), undefined, network);
    }
    assert.equal(recordedRpcUrl("localhost", undefined), undefined);
  });

  it("replaces a local network's file, and a public one's only with DEPLOY_OVERWRITE=true", () => {
    const held = "chain 945, block 7, TAO 0x00000000000000000000000000000000000000aa";
    assert.equal(checkOverwrite("sepolia", "deployments/sepolia.json", undefined, {}), false, "no file yet");
    assert.equal(checkOverwrite("localnet", "deployments/localnet.json", held, {}), false, "local: replaced as is");
    assert.equal(checkOverwrite("sepolia", "deployments/sepolia.json", held, { DEPLOY_OVERWRITE: "true" }), true);
    for (const env of [{}, { DEPLOY_OVERWRITE: "false" }]) {
      assert.throws(
        () => checkOverwrite("sepolia", "deployments/sepolia.json", held, env),
        (e: Error) => e instanceof DeployConfigError && e.message.includes(`sepolia deployment (${held})`),
      );
    }
    assert.throws(
      () => checkOverwrite("sepolia", "deployments/sepolia.json", held, { DEPLOY_OVERWRITE: "yes" }),
      /DEPLOY_OVERWRITE="yes" is not true or false/,
    );
  });

  it("reads DEPLOY_ROUTE_EMISSION: unset/true routes, false does not, anything else is refused", () => {
    assert.equal(parseRouteEmission({}), true);
    assert.equal(parseRouteEmission({ DEPLOY_ROUTE_EMISSION: "" }), true);
    assert.equal(parseRouteEmission({ DEPLOY_ROUTE_EMISSION: "true" }), true);
    assert.equal(parseRouteEmission({ DEPLOY_ROUTE_EMISSION: "false" }), false);
    for (const bad of ["0", "no", "FALSE", "false "]) {
      assert.throws(
        () => parseRouteEmission({ DEPLOY_ROUTE_EMISSION: bad }),
        (e: unknown) =>
          e instanceof DeployConfigError &&
          e.message.startsWith(`DEPLOY_ROUTE_EMISSION=${JSON.stringify(bad)} is not true or false: set`) &&
          !e.message.includes("\n"),
      );
    }
  });

  it("knows each public network's chain id and refuses a node of another chain", () => {
    assert.equal(expectedChainId("sepolia"), 11155111);
    assert.equal(expectedChainId("baseSepolia"), 84532);
    assert.equal(expectedChainId("bittensorTestnet"), 945);
    assert.equal(expectedChainId("localhost"), undefined);
    checkChainId("sepolia", 11155111);
    checkChainId("localhost", 1);
    assert.throws(
      () => checkChainId("sepolia", 1),
      /^DeployConfigError: network sepolia is chain 11155111 but SEPOLIA_RPC_URL points at a node of chain 1: set SEPOLIA_RPC_URL/,
    );
  });

  it("refuses a malformed private key without printing it", () => {
    checkPrivateKey("SEPOLIA_PRIVATE_KEY", DEV_KEY);
    checkPrivateKey("SEPOLIA_PRIVATE_KEY", DEV_KEY.slice(2));
    for (const bad of ["0x12", `${DEV_KEY}00`, "not-a-key-at-all"]) {
      assert.throws(
        () => checkPrivateKey("SEPOLIA_PRIVATE_KEY", bad),
        (e: unknown) =>
          e instanceof DeployConfigError &&
          /^SEPOLIA_PRIVATE_KEY is not a private key \(\d+ characters\): set it to 0x and 64 hex digits/.test(
            e.message,
          ) &&
          !e.message.includes(bad),
      );
    }
  });
});

describe("npm run deploy onto public networks (Anvil posing as one)", () => {
  let anvil: AnvilProcess;
  const dir = mkdtempSync(path.join(tmpdir(), "deployments-public-"));
  const hardhat = path.join(repoRoot, "node_modules", ".bin", "hardhat");
  const deploy = (network: string, env: NodeJS.ProcessEnv) =>
    run(hardhat, ["run", "scripts/deploy.ts", "--network", network], {
      cwd: repoRoot,
      env: { ...process.env, TAO_DEPLOYMENTS_DIR: dir, ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout: string; stderr: string }) => ({
        code: e.code ?? 1,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  before(async () => {
    anvil = await startAnvil({ args: ["--chain-id", "945"] });
  });
  after(async () => {
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a node of another chain before deploying anything", async () => {
    const r = await deploy("sepolia", { SEPOLIA_RPC_URL: anvil.url, SEPOLIA_PRIVATE_KEY: DEV_KEY });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr.trim(),
      "error: network sepolia is chain 11155111 but SEPOLIA_RPC_URL points at a node of chain 945: set SEPOLIA_RPC_URL to a sepolia RPC URL (nothing was deployed)",
    );
    assert.equal(existsSync(path.join(dir, "sepolia.json")), false);
    const client = createPublicClient({ transport: http(anvil.url) });
    assert.equal(await client.getTransactionCount({ address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" }), 0);
  });

  it("names a missing RPC variable in one line", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TAO_DEPLOYMENTS_DIR: dir };
    delete env.BASE_SEPOLIA_RPC_URL;
    delete env.BASE_SEPOLIA_PRIVATE_KEY;
    const r = await run(hardhat, ["run", "scripts/deploy.ts", "--network", "baseSepolia"], { cwd: repoRoot, env }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code?: number; stderr: string }) => ({ code: e.code ?? 1, stderr: e.stderr }),
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      "error: BASE_SEPOLIA_RPC_URL is not set: export it or store it with `npx hardhat keystore set BASE_SEPOLIA_RPC_URL` (nothing was deployed)",
    );
  });

  it("refuses a malformed private key in one line", async () => {
    const r = await deploy("bittensorTestnet", {
      BITTENSOR_TESTNET_RPC_URL: anvil.url,
      BITTENSOR_TESTNET_PRIVATE_KEY: "0x12",
    });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr.trim(),
      "error: BITTENSOR_TESTNET_PRIVATE_KEY is not a private key (4 characters): set it to 0x and 64 hex digits (`npx hardhat keystore set BITTENSOR_TESTNET_PRIVATE_KEY` or the environment)",
    );
  });

  it("with DEPLOY_ROUTE_EMISSION=false leaves emission unrouted, says what next, and writes no RPC URL", async () => {
    const rpcUrl = `${anvil.url}/?apikey=SECRETKEY`;
    const r = await deploy("bittensorTestnet", {
      BITTENSOR_TESTNET_RPC_URL: rpcUrl,
      BITTENSOR_TESTNET_PRIVATE_KEY: DEV_KEY,
      DEPLOY_ROUTE_EMISSION: "false",
    });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(path.join(dir, "bittensorTestnet.json"), "utf8");
    assert.equal(text.includes("SECRETKEY"), false, text);
    const deployment = JSON.parse(text) as Deployment;
    assert.equal(deployment.chainId, 945);
    assert.equal(deployment.rpcUrl, undefined);
    const client = createPublicClient({ transport: http(anvil.url) });
    const receiver = await client.readContract({
      address: deployment.contracts.Emission,
      abi: emissionAbi,
      functionName: "receiver",
    });
    assert.equal(getAddress(receiver), zeroAddress);
    assert.match(r.stdout, /Emission is not routed/);
    assert.match(
      r.stdout,
      /npx tao --network bittensorTestnet emission grant --to <coldkey> --amount <TAO> --wallet gov/,
    );
    assert.match(r.stdout, /npx tao --network bittensorTestnet emission route --wallet gov/);
    assert.match(r.stdout, /export BITTENSOR_TESTNET_RPC_URL=<RPC URL> first/, "the CLI needs the URL too");
  });

  it("refuses to deploy a public network again over its file, unless DEPLOY_OVERWRITE=true, and keeps the old file", async () => {
    const file = path.join(dir, "bittensorTestnet.json");
    const before = readFileSync(file, "utf8");
    const client = createPublicClient({ transport: http(anvil.url) });
    const deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    const nonce = await client.getTransactionCount({ address: deployer });
    const env = { BITTENSOR_TESTNET_RPC_URL: anvil.url, BITTENSOR_TESTNET_PRIVATE_KEY: DEV_KEY };
    const refused = await deploy("bittensorTestnet", env);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(
      refused.stderr.trim(),
      /^error: \S*bittensorTestnet\.json already holds the bittensorTestnet deployment \(chain 945, block \d+, TAO 0x[0-9a-fA-F]{40}\): .*set DEPLOY_OVERWRITE=true .*\(nothing was deployed\)$/,
    );
    assert.equal(readFileSync(file, "utf8"), before, "the file is unchanged");
    assert.equal(await client.getTransactionCount({ address: deployer }), nonce, "nothing was sent");

    const again = await deploy("bittensorTestnet", { ...env, DEPLOY_OVERWRITE: "true" });
    assert.equal(again.code, 0, again.stderr);
    const kept = readdirSync(dir).filter((f) => f.startsWith("bittensorTestnet.json.replaced-"));
    assert.equal(kept.length, 1, readdirSync(dir).join(", "));
    assert.equal(readFileSync(path.join(dir, kept[0]!), "utf8"), before, "the old file is kept as it was");
    assert.notEqual(readFileSync(file, "utf8"), before, "the new deployment is written");
  });
});
