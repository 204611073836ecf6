import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  deploymentPath,
  readDeployment,
  requireContract,
  writeDeployment,
  type DeploymentInput,
} from "../../offchain/chain/deployments.js";

const TAO = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const EMISSION = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

function sample(overrides: Partial<DeploymentInput> = {}): DeploymentInput {
  return {
    network: "localhost",
    chainId: 31337,
    rpcUrl: "http://127.0.0.1:8545",
    genesisTime: 1_700_000_000,
    deploymentBlock: 1,
    contracts: { TAO, Emission: EMISSION },
    ...overrides,
  };
}

describe("deployments/<network>.json", () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-deployments-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function writeRaw(network: string, body: unknown): Promise<string> {
    const file = path.join(dir, `${network}.json`);
    await fs.writeFile(file, typeof body === "string" ? body : JSON.stringify(body));
    return file;
  }

  it("round-trips: checksummed addresses, bigint block and time, extra fields kept", async () => {
    const file = await writeDeployment({ ...sample({ deploymentBlock: 12n }), deployer: "ops" } as DeploymentInput, {
      dir,
    });
    assert.equal(file, path.join(dir, "localhost.json"));
    const raw = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
    assert.equal(raw.deploymentBlock, 12, "written as a JSON number");
    const d = await readDeployment("localhost", { dir });
    assert.equal(d.contracts.TAO, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assert.equal(d.genesisTime, 1_700_000_000n);
    assert.equal(d.deploymentBlock, 12n);
    assert.equal(d.deployer, "ops");
    assert.equal(d.file, file);
  });

  it("reads the directory from TAO_DEPLOYMENTS_DIR", async () => {
    assert.equal(deploymentPath("sepolia", undefined, { TAO_DEPLOYMENTS_DIR: dir }), path.join(dir, "sepolia.json"));
    const d = await readDeployment("localhost", { env: { TAO_DEPLOYMENTS_DIR: dir } });
    assert.equal(d.chainId, 31337);
  });

  it("says how to create a missing file", async () => {
    await assert.rejects(
      readDeployment("anvil", { dir }),
      (e: Error) =>
        e.message.includes(path.join(dir, "anvil.json")) &&
        e.message.includes("run `npm run deploy -- --network anvil`") &&
        e.message.includes("TAO_DEPLOYMENTS_DIR"),
    );
  });

  it("points a command that left out --network at npm start's localnet when only that one exists", async () => {
    const own = await fs.mkdtemp(path.join(os.tmpdir(), "tao-deployments-ln-"));
    try {
      await assert.rejects(
        readDeployment("localhost", { dir: own }),
        (e: Error) => !e.message.includes("--network localnet"),
      );
      await writeDeployment({ ...sample(), network: "localnet" } as DeploymentInput, { dir: own });
      await assert.rejects(
        readDeployment("localhost", { dir: own }),
        /no deployment for network localhost: .* pass `--network localnet` for the network `npm start` runs, or run `npm run deploy -- --network localhost`/,
      );
    } finally {
      await fs.rm(own, { recursive: true, force: true });
    }
  });

  it("names the file and the missing field", async () => {
    const { Emission: _e, ...noEmission } = sample().contracts as Record<string, string>;
    const file = await writeRaw("localhost", { ...sample(), contracts: noEmission });
    await assert.rejects(
      readDeployment("localhost", { dir }),
      new RegExp(
        `^DeploymentError: ${escape(file)}: contracts\\.Emission is missing: run \`npm run deploy -- --network localhost\`$`,
      ),
    );
    const { genesisTime: _g, ...noGenesis } = sample();
    await writeRaw("localhost", noGenesis);
    await assert.rejects(
      readDeployment("localhost", { dir }),
      /: genesisTime is missing: run `npm run deploy -- --network localhost`/,
    );
    const { contracts: _c, ...noContracts } = sample();
    await writeRaw("localhost", noContracts);
    await assert.rejects(readDeployment("localhost", { dir }), /: contracts is missing: /);
  });

  it("rejects bad values with the field name", async () => {
    await writeRaw("localhost", sample({ contracts: { TAO: "0x1234", Emission: EMISSION } }));
    await assert.rejects(
      readDeployment("localhost", { dir }),
      /: contracts\.TAO is not a 0x-prefixed 20-byte address: /,
    );
    await writeRaw("localhost", sample({ deploymentBlock: -1 }));
    await assert.rejects(readDeployment("localhost", { dir }), /: deploymentBlock must be a non-negative integer: /);
    await writeRaw("localhost", sample({ contracts: { TAO, Emission: EMISSION, Staking: "nope" } }));
    await assert.rejects(
      readDeployment("localhost", { dir }),
      /: contracts\.Staking is not a 0x-prefixed 20-byte address/,
    );
    await writeRaw("localhost", "{ nope");
    await assert.rejects(readDeployment("localhost", { dir }), /localhost\.json is not valid JSON .*npm run deploy/);
    await writeRaw("localhost", sample({ network: "sepolia" }));
    await assert.rejects(readDeployment("localhost", { dir }), /network is "sepolia" but the file is for "localhost"/);
  });

  it("refuses to write an invalid deployment", async () => {
    await assert.rejects(
      writeDeployment(sample({ contracts: { TAO, Emission: "0xzz" } }), { dir: path.join(dir, "w") }),
      /contracts\.Emission is not a 0x-prefixed 20-byte address/,
    );
    await assert.rejects(fs.stat(path.join(dir, "w", "localhost.json")), /ENOENT/);
  });

  it("says which optional contract a deployment predates", async () => {
    await writeDeployment(sample(), { dir });
    const d = await readDeployment("localhost", { dir });
    assert.equal(requireContract(d, "Emission"), "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    assert.throws(
      () => requireContract(d, "Staking"),
      /contracts\.Staking is missing \(not deployed on localhost yet\): run `npm run deploy -- --network localhost`/,
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
