import { createRequire } from "node:module";
import path from "node:path";
import hardhatToolboxViemPlugin from "@nomicfoundation/hardhat-toolbox-viem";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler comes from the npm `solc` package (WebAssembly): nothing is downloaded at build time.
const require = createRequire(import.meta.url);
const solcDir = path.dirname(require.resolve("solc/package.json"));
const solcVersion: string = require("solc/package.json").version;

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin],
  solidity: {
    profiles: {
      default: {
        compilers: [
          {
            version: solcVersion,
            path: path.join(solcDir, "soljson.js"),
            settings: { optimizer: { enabled: true, runs: 20_000 }, evmVersion: "cancun" },
          },
        ],
        overrides: {
          // Staking and its emission module sit at the 24,576-byte code limit: fewer optimizer runs keep them
          // under.
          "contracts/StakingEmissionModule.sol": {
            version: solcVersion,
            path: path.join(solcDir, "soljson.js"),
            settings: { optimizer: { enabled: true, runs: 2_000 }, evmVersion: "cancun" },
          },
          "contracts/Staking.sol": {
            version: solcVersion,
            path: path.join(solcDir, "soljson.js"),
            settings: { optimizer: { enabled: true, runs: 5_000 }, evmVersion: "cancun" },
          },
        },
      },
    },
  },
  paths: {
    tests: { nodejs: "test", solidity: "test/solidity" },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 32, depth: 40 },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    // The CLI's and the workers' `localhost` reads ANVIL_URL, then RPC_URL: the deploy script must agree.
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.ANVIL_URL ?? process.env.RPC_URL ?? "http://127.0.0.1:8545",
    },
    anvil: {
      type: "http",
      chainType: "l1",
      url: process.env.ANVIL_URL ?? process.env.RPC_URL ?? "http://127.0.0.1:8545",
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("BASE_SEPOLIA_PRIVATE_KEY")],
    },
    bittensorTestnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("BITTENSOR_TESTNET_RPC_URL"),
      accounts: [configVariable("BITTENSOR_TESTNET_PRIVATE_KEY")],
    },
  },
});
