import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getPublicClient, parseNetworkName, resolveNetwork } from "../../offchain/chain/client.js";

describe("network resolution", () => {
  it("defaults localhost/anvil to 127.0.0.1:8545, overridable by ANVIL_URL then RPC_URL", () => {
    assert.equal(resolveNetwork("localhost", { env: {} }).rpcUrl, "http://127.0.0.1:8545");
    assert.equal(resolveNetwork("anvil", { env: { RPC_URL: "http://10.0.0.2:8545" } }).rpcUrl, "http://10.0.0.2:8545");
    const both = resolveNetwork("anvil", { env: { ANVIL_URL: "http://a:1", RPC_URL: "http://b:2" } });
    assert.equal(both.rpcUrl, "http://a:1");
    assert.equal(both.rpcSource, "ANVIL_URL");
    assert.equal(both.chain.id, 31337);
  });

  it("prefers the environment, then the deployments file's rpcUrl", () => {
    const fromFile = resolveNetwork("localhost", { env: {}, deploymentRpcUrl: "http://127.0.0.1:9999" });
    assert.equal(fromFile.rpcUrl, "http://127.0.0.1:9999");
    assert.equal(fromFile.rpcSource, "deployments");
    const fromEnv = resolveNetwork("localhost", {
      env: { ANVIL_URL: "http://x:1" },
      deploymentRpcUrl: "http://127.0.0.1:9999",
    });
    assert.equal(fromEnv.rpcUrl, "http://x:1");
  });

  it("requires the RPC variable for public networks and names it", () => {
    assert.throws(() => resolveNetwork("sepolia", { env: {} }), /network sepolia has no RPC URL: set SEPOLIA_RPC_URL/);
    assert.throws(() => resolveNetwork("baseSepolia", { env: {} }), /set BASE_SEPOLIA_RPC_URL/);
    assert.throws(() => resolveNetwork("bittensorTestnet", { env: {} }), /set BITTENSOR_TESTNET_RPC_URL/);
    const bt = resolveNetwork("bittensorTestnet", {
      env: { BITTENSOR_TESTNET_RPC_URL: "https://test.chain.opentensor.ai" },
    });
    assert.equal(bt.chain.id, 945);
    assert.equal(resolveNetwork("sepolia", { env: { SEPOLIA_RPC_URL: "wss://s.example" } }).chain.id, 11155111);
  });

  it("rejects unknown networks and malformed URLs", () => {
    assert.throws(
      () => parseNetworkName("mainnet"),
      /unknown network "mainnet": use one of localhost, anvil, localnet, sepolia, baseSepolia, bittensorTestnet/,
    );
    assert.throws(
      () => resolveNetwork("sepolia", { env: { SEPOLIA_RPC_URL: "ftp://x" } }),
      /RPC URL "ftp:\/\/x" for network sepolia \(from SEPOLIA_RPC_URL\) must start with http/,
    );
  });

  it("takes the chain id of the deployment (a local node may not be 31337)", () => {
    assert.equal(resolveNetwork("localhost", { env: {}, chainId: 1337 }).chain.id, 1337);
  });

  it("reuses one PublicClient per network and URL", () => {
    const net = resolveNetwork("localhost", { env: {} });
    assert.equal(getPublicClient(net), getPublicClient(resolveNetwork("localhost", { env: {} })));
    assert.notEqual(
      getPublicClient(net),
      getPublicClient(resolveNetwork("localhost", { env: { ANVIL_URL: "http://127.0.0.1:1" } })),
    );
  });
});
