import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  getAddress,
  http,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { emissionAbi, taoAbi } from "../../offchain/abi/index.js";
import { writeDeployment } from "../../offchain/chain/deployments.js";
import { startAnvil, type AnvilProcess } from "../../offchain/deploy/anvil.js";
import { deployProtocol } from "../../offchain/deploy/deployProtocol.js";
import { assertOneLineError } from "./chainFixture.js";
import { childEnv, freePort, REPO_ROOT, tao, taoProcess } from "./support.js";

const ARTIFACT = path.join(REPO_ROOT, "artifacts", "contracts", "Emission.sol", "Emission.json");
const DEPLOYER = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const ZERO = "0x0000000000000000000000000000000000000000";

interface EmissionJson {
  network: string;
  chainId: number;
  blockNumber: string;
  emission: Address;
  tao: Address;
  genesisTime: string;
  currentSlot: string;
  lastMintedSlot: string;
  slotEmission: string;
  issuance: string;
  nextHalvingThreshold: string;
  slotsUntilHalving: string;
  pendingEmission: string;
  reserve: string;
  receiver: Address;
}

describe("tao emission (against a real Anvil)", () => {
  let anvil: AnvilProcess;
  let rpcUrl: string;
  let dir: string;
  let emission: Address;
  let taoToken: Address;
  let genesisTime: bigint;

  before(async () => {
    if (!existsSync(ARTIFACT)) {
      const build = spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", "hardhat"), ["compile"], {
        cwd: REPO_ROOT,
        stdio: "inherit",
      });
      assert.equal(build.status, 0, "npx hardhat compile failed");
    }
    anvil = await startAnvil();
    rpcUrl = anvil.url;
    // Should this process die before `after` runs, do not leave the node behind.
    process.once("exit", () => anvil.process.kill("SIGKILL"));

    // Deploy the way `npm run deploy` does, and write the file with the deploy script's writer: the CLI must
    // read what the deploy path writes. Emission is not routed to Staking, so minted TAO stays in the reserve.
    const transport = http(rpcUrl);
    const pub = createPublicClient({ chain: foundry, transport });
    const wallet = createWalletClient({ account: DEPLOYER, chain: foundry, transport });
    const deployment = await deployProtocol(pub, wallet, { network: "localhost", rpcUrl, routeEmission: false });
    emission = deployment.contracts.Emission;
    taoToken = deployment.contracts.TAO;
    genesisTime = BigInt(deployment.genesisTime);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-cli-emission-"));
    await writeDeployment(deployment, { dir });

    // Exactly 10 slots (120 s) after genesis, nothing minted yet.
    const test = createTestClient({ mode: "anvil", chain: foundry, transport });
    await test.setNextBlockTimestamp({ timestamp: genesisTime + 120n });
    await test.mine({ blocks: 1 });
  });

  after(async () => {
    await anvil?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("`tao --json emission` reports slot, emission, issuance, halving and pending emission", async () => {
    // The RPC URL comes from the deployments file: no ANVIL_URL/RPC_URL in the child's environment.
    const r = await taoProcess(
      ["--json", "--network", "localhost", "emission"],
      childEnv({ TAO_DEPLOYMENTS_DIR: dir }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = JSON.parse(r.stdout) as EmissionJson;
    assert.equal(out.network, "localhost");
    assert.equal(out.chainId, 31337);
    assert.equal(out.emission, emission);
    assert.equal(out.tao, taoToken);
    assert.equal(out.genesisTime, genesisTime.toString());
    assert.equal(out.currentSlot, "10");
    assert.equal(out.lastMintedSlot, "0");
    assert.equal(out.slotEmission, "1000000000", "1 TAO per slot before the first halving");
    assert.equal(out.issuance, "0");
    assert.equal(out.nextHalvingThreshold, "10500000000000000", "half of 21M TAO, in rao");
    assert.equal(out.slotsUntilHalving, "10500000");
    assert.equal(out.pendingEmission, "10000000000", "10 slots x 1 TAO");
    assert.equal(out.reserve, "0");
    assert.equal(out.receiver, ZERO);
    assert.match(out.blockNumber, /^\d+$/);
  });

  it("shows minted issuance in TAO with 9 decimals after a coinbase", async () => {
    const transport = http(rpcUrl);
    const wallet = createWalletClient({ account: DEPLOYER, chain: foundry, transport });
    const pub = createPublicClient({ chain: foundry, transport });
    const hash = await wallet.writeContract({ address: emission, abi: emissionAbi, functionName: "coinbase" });
    await pub.waitForTransactionReceipt({ hash });

    const r = await tao(["emission"], { TAO_DEPLOYMENTS_DIR: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Emission on localhost \(chain 31337, block \d+\)/);
    assert.match(r.stdout, /│ issuance +│ 10\.000000000 TAO +│/);
    assert.match(r.stdout, /│ reserve +│ 10\.000000000 TAO +│/);
    assert.match(r.stdout, /│ pending emission +│ 0\.000000000 TAO +│/);
    assert.match(r.stdout, /│ next halving at issuance +│ 10,500,000\.000000000 TAO +│/);
    assert.match(r.stdout, /│ slots until halving +│ 10,499,990 \(≈ 1,458\.3 days\) +│/);
    assert.match(r.stdout, /│ receiver +│ none \(minted TAO stays in the reserve\) +│/);
  });

  it("refuses a deployments file written for another chain", async () => {
    const other = path.join(dir, "wrongchain");
    await writeDeployment(
      {
        network: "localhost",
        chainId: 1,
        rpcUrl,
        genesisTime,
        deploymentBlock: 1,
        contracts: { TAO: taoToken, Emission: emission },
      },
      { dir: other },
    );
    const r = await tao(["--json", "emission"], { TAO_DEPLOYMENTS_DIR: other });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: .*localhost\.json is for chain 1 but http:\/\/127\.0\.0\.1:\d+ \(from deployments\) is chain 31337: point ANVIL_URL at the right node or redeploy/,
    );
  });

  it("says when the Emission address holds no contract", async () => {
    const stale = path.join(dir, "stale");
    await writeDeployment(
      {
        network: "localhost",
        chainId: 31337,
        rpcUrl,
        genesisTime,
        deploymentBlock: 1,
        contracts: { TAO: taoToken, Emission: DEPLOYER.address },
      },
      { dir: stale },
    );
    const r = await tao(["--json", "emission"], { TAO_DEPLOYMENTS_DIR: stale });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split("\n").filter(Boolean).length, 1);
    assert.match(
      r.stderr,
      /^error: no contract at Emission 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 on localhost .*npm run deploy -- --network localhost/,
    );
  });

  it("says when the node is not reachable, naming the URL and the variable", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await tao(["--json", "emission"], { TAO_DEPLOYMENTS_DIR: dir, ANVIL_URL: closed });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `^error: cannot reach network localhost at ${closed.replace(/\./g, "\\.")} .*: start the node or set ANVIL_URL\\n$`,
      ),
    );
  });

  it("says npm start's localnet stopped, and how to keep it up, when its recorded node is gone", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const gone = path.join(dir, "localnet-gone");
    await writeDeployment(
      {
        network: "localnet",
        chainId: 31337,
        rpcUrl: closed,
        genesisTime,
        deploymentBlock: 1,
        contracts: { TAO: taoToken, Emission: taoToken },
      },
      { dir: gone },
    );
    const r = await tao(["--json", "--network", "localnet", "emission"], { TAO_DEPLOYMENTS_DIR: gone });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: cannot reach network localnet at .*`npm start` stopped .*npm start -- --keep/);
  });
});

describe("tao emission grant / route (governance, against a real Anvil)", () => {
  const TAO_RAO = 1_000_000_000n;
  const BOB_TO: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  let anvil: AnvilProcess;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let emission: Address;
  let staking: Address;
  let taoToken: Address;
  let pub: PublicClient;

  const balanceOf = async (who: Address): Promise<bigint> =>
    pub.readContract({ address: taoToken, abi: taoAbi, functionName: "balanceOf", args: [who] });
  const reserve = (): Promise<bigint> =>
    pub.readContract({ address: emission, abi: emissionAbi, functionName: "reserve" });
  const receiver = async (): Promise<Address> =>
    getAddress(await pub.readContract({ address: emission, abi: emissionAbi, functionName: "receiver" }));

  before(async () => {
    anvil = await startAnvil();
    process.once("exit", () => anvil.process.kill("SIGKILL"));
    const transport = http(anvil.url);
    pub = createPublicClient({ chain: foundry, transport });
    const wallet = createWalletClient({ account: DEPLOYER, chain: foundry, transport });
    // What `DEPLOY_ROUTE_EMISSION=false npm run deploy` does: emission stays unrouted, the reserve accrues.
    const deployment = await deployProtocol(pub, wallet, {
      network: "localhost",
      rpcUrl: anvil.url,
      routeEmission: false,
    });
    emission = deployment.contracts.Emission;
    staking = deployment.contracts.Staking!;
    taoToken = deployment.contracts.TAO;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-cli-emission-gov-"));
    await writeDeployment(deployment, { dir: path.join(dir, "deployments") });
    env = {
      TAO_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
      TAO_WALLETS_DIR: path.join(dir, "wallets"),
      TAO_PASSWORD: "correct horse battery",
      TAO_KEYSTORE_SCRYPT_N: "1024",
    };
    const gov = await tao(["--json", "wallet", "import", "--wallet-name", "gov"], {
      ...env,
      TAO_IMPORT_SECRET: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    });
    assert.equal(gov.code, 0, gov.stderr);
    const bob = await tao(["--json", "wallet", "create", "--wallet-name", "bob"], env);
    assert.equal(bob.code, 0, bob.stderr);
    const bobColdkey = (JSON.parse(bob.stdout) as { coldkey: { address: Address } }).coldkey.address;
    const test = createTestClient({ mode: "anvil", chain: foundry, transport });
    await test.setBalance({ address: bobColdkey, value: 10n ** 20n });
    await test.increaseTime({ seconds: 100 * 12 });
    await test.mine({ blocks: 1 });
  });

  after(async () => {
    await anvil?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("refuses more than the reserve plus pending emission, before sending anything", async () => {
    const r = await tao(
      ["--json", "--yes", "emission", "grant", "--to", BOB_TO, "--amount", "1000", "--wallet", "gov"],
      env,
    );
    assertOneLineError(
      r,
      /--amount 1,000\.000000000 TAO is more than the Emission reserve holds \(1\d\d\.000000000 TAO with pending emission\): lower --amount or wait/,
    );
    assert.equal(await reserve(), 0n, "no coinbase was sent");
  });

  it("refuses a wallet that is not governance", async () => {
    const r = await tao(
      ["--json", "--yes", "emission", "grant", "--to", BOB_TO, "--amount", "1", "--wallet", "bob"],
      env,
    );
    assertOneLineError(
      r,
      /wallet bob's coldkey 0x[0-9a-fA-F]{40} is not governance of Emission on localhost \(owner 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\): pass --wallet/,
    );
    assert.equal(await balanceOf(BOB_TO), 0n);
  });

  it("asks before spending: without --yes under --json nothing is granted", async () => {
    const r = await tao(["--json", "emission", "grant", "--to", BOB_TO, "--amount", "1", "--wallet", "gov"], env);
    assertOneLineError(r, /not confirmed \(Grant 1\.000000000 TAO from the Emission reserve .*pass --yes/);
    assert.equal(await balanceOf(BOB_TO), 0n);
  });

  it("mints pending emission into the reserve and grants from it", async () => {
    const r = await tao(
      ["--json", "--yes", "emission", "grant", "--to", BOB_TO, "--amount", "30.5", "--wallet", "gov"],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { to: Address; amount: string; reserve: string };
    assert.equal(out.to, BOB_TO);
    assert.equal(out.amount, "30500000000");
    assert.equal(await balanceOf(BOB_TO), 30_500_000_000n);
    const left = await reserve();
    assert.equal(out.reserve, left.toString());
    assert.ok(left >= 70n * TAO_RAO - 500_000_000n, `reserve ${left} = the 100+ slots minted less the grant`);
  });

  it("routes emission to Staking once, then says it is already routed", async () => {
    const r = await tao(["--json", "--yes", "emission", "route", "--wallet", "gov"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await receiver(), staking);
    assert.equal((JSON.parse(r.stdout) as { receiver: Address }).receiver, staking);

    const again = await tao(["--json", "--yes", "emission", "route", "--wallet", "gov"], env);
    assertOneLineError(
      again,
      new RegExp(`emission on localhost is already routed to Staking ${staking}: nothing to do`),
    );
  });

  it("still grants from the reserve left after routing", async () => {
    const held = await reserve();
    const r = await tao(
      ["--json", "--yes", "emission", "grant", "--to", BOB_TO, "--amount", "1", "--wallet", "gov"],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await reserve(), held - TAO_RAO);
    assert.equal(await balanceOf(BOB_TO), 31_500_000_000n);
  });
});
