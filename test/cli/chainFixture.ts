// The chain the CLI tests run against (no tests here): a real Anvil with the protocol deployed the way
// `npm run deploy` does it, a deployments file, and wallets made with `tao wallet create`, funded with gas and
// with TAO granted from the Emission reserve.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  type Address,
  type Hex,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { emissionAbi, subnetRegistryAbi } from "../../offchain/abi/index.js";
import { startAnvil, type AnvilProcess } from "../../offchain/deploy/anvil.js";
import { deployProtocol, routeEmission, type Deployment } from "../../offchain/deploy/deployProtocol.js";
import { writeDeployment } from "../../offchain/chain/deployments.js";
import { REPO_ROOT, tao, type CliRun } from "./support.js";

export const DEPLOYER = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
export const TAO = 1_000_000_000n;
export const PASSWORD = "correct horse battery";

/** Exactly one line on stderr, starting with `error:`, and a non-zero exit. */
export function assertOneLineError(r: CliRun, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `expected failure, got: ${r.stdout}`);
  const lines = r.stderr.split("\n").filter(Boolean);
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
}

export interface CliChain {
  readonly anvil: AnvilProcess;
  /** Temporary directory holding `deployments/` and `wallets/`. */
  readonly dir: string;
  /** The environment every `tao` call of the test gets. */
  readonly env: NodeJS.ProcessEnv;
  readonly pub: PublicClient;
  readonly gov: WalletClient;
  readonly test: TestClient;
  readonly deployment: Deployment;
  /** Each wallet's coldkey and default hotkey. */
  readonly keys: Record<string, { coldkey: Address; hotkey: Address }>;
  /** `tao --json --yes …`, asserted to succeed, its JSON output parsed. */
  ok(argv: string[], extra?: NodeJS.ProcessEnv): Promise<Record<string, unknown>>;
  /** Moves chain time forward by `slots` 12-second slots and mines a block. */
  advanceSlots(slots: number): Promise<void>;
  /**
   * Pins the clock to a slot's start: mines a block opening the next slot and sets the block after it one
   * second later, so an `eth_call` now and the next transaction read the same slot.
   */
  pinNextSlot(): Promise<void>;
  stop(): Promise<void>;
}

export interface CliChainOptions {
  /** Prefix of the temporary directory. */
  readonly tmpPrefix: string;
  /** Wallets to create (each gets 100 ETH of gas on its coldkey and hotkey). */
  readonly wallets: readonly string[];
  /** TAO (whole) granted to wallets from the reserve. */
  readonly grants: Readonly<Record<string, bigint>>;
}

/**
 * Starts Anvil, deploys, creates and funds the wallets. The subnet lock is lowered to 100 TAO (a deeper pool:
 * the lock seeds it); the reserve accrues 1 TAO a slot for 1,000 slots and governance grants from it; then
 * emission is routed to Staking.
 */
export async function startCliChain(o: CliChainOptions): Promise<CliChain> {
  if (!existsSync(path.join(REPO_ROOT, "artifacts", "contracts", "Staking.sol", "Staking.json"))) {
    const build = spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", "hardhat"), ["compile"], {
      cwd: REPO_ROOT,
      stdio: "inherit",
    });
    assert.equal(build.status, 0, "npx hardhat compile failed");
  }
  const anvil = await startAnvil();
  process.once("exit", () => anvil.process.kill("SIGKILL"));
  const transport = http(anvil.url);
  const pub = createPublicClient({ chain: foundry, transport });
  const gov = createWalletClient({ account: DEPLOYER, chain: foundry, transport });
  const test = createTestClient({ mode: "anvil", chain: foundry, transport });
  const deployment = await deployProtocol(pub, gov, { network: "localhost", rpcUrl: anvil.url, routeEmission: false });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), o.tmpPrefix));
  await writeDeployment(deployment, { dir: path.join(dir, "deployments") });
  const env: NodeJS.ProcessEnv = {
    TAO_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    TAO_WALLETS_DIR: path.join(dir, "wallets"),
    TAO_PASSWORD: PASSWORD,
    TAO_KEYSTORE_SCRYPT_N: "1024",
  };
  const ok = async (argv: string[], extra: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> => {
    const r = await tao(["--json", "--yes", ...argv], { ...env, ...extra });
    assert.equal(r.code, 0, `tao ${argv.join(" ")} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const advanceSlots = async (slots: number): Promise<void> => {
    await test.increaseTime({ seconds: slots * 12 });
    await test.mine({ blocks: 1 });
  };
  const wait = async (hash: Hex) => assert.equal((await pub.waitForTransactionReceipt({ hash })).status, "success");
  const c = deployment.contracts;
  const pinNextSlot = async (): Promise<void> => {
    const genesis = await pub.readContract({ address: c.Emission, abi: emissionAbi, functionName: "genesisTime" });
    const head = (await pub.getBlock()).timestamp;
    const start = genesis + ((head - genesis) / 12n + 1n) * 12n;
    await test.setNextBlockTimestamp({ timestamp: start });
    await test.mine({ blocks: 1 });
    await test.setNextBlockTimestamp({ timestamp: start + 1n });
  };

  const keys: Record<string, { coldkey: Address; hotkey: Address }> = {};
  for (const name of o.wallets) {
    const created = await ok(["wallet", "create", "--wallet-name", name]);
    const coldkey = (created.coldkey as { address: Address }).address;
    const hotkey = (created.hotkey as { address: Address }).address;
    keys[name] = { coldkey, hotkey };
    await test.setBalance({ address: coldkey, value: parseEther("100") });
    await test.setBalance({ address: hotkey, value: parseEther("100") });
  }
  await wait(
    await gov.writeContract({
      address: c.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "setNetworkParam",
      args: [0, 100n * TAO],
    }),
  );
  await advanceSlots(1_000);
  await wait(await gov.writeContract({ address: c.Emission, abi: emissionAbi, functionName: "coinbase" }));
  for (const [name, amount] of Object.entries(o.grants)) {
    await wait(
      await gov.writeContract({
        address: c.Emission,
        abi: emissionAbi,
        functionName: "grantReserve",
        args: [keys[name]!.coldkey, amount * TAO],
      }),
    );
  }
  await routeEmission(pub, gov, deployment);

  return {
    anvil,
    dir,
    env,
    pub,
    gov,
    test,
    deployment,
    keys,
    pinNextSlot,
    ok,
    advanceSlots,
    async stop() {
      await anvil.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
