import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getPublicClient, parseNetworkName, redactRpcUrl, resolveNetwork } from "../../offchain/chain/client.js";

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

  it("refuses a deployments file whose chain id is not the public network's", () => {
    assert.throws(
      () => resolveNetwork("sepolia", { env: { SEPOLIA_RPC_URL: "https://s.example" }, chainId: 31337 }),
      /deployments\/sepolia\.json says chain 31337 but sepolia is chain 11155111: redeploy/,
    );
    assert.equal(
      resolveNetwork("sepolia", { env: { SEPOLIA_RPC_URL: "https://s.example" }, chainId: 11155111 }).chain.id,
      11155111,
    );
  });

  it("an explicit rpcUrl (--rpc-url) wins over the environment and the deployments file, on every network", () => {
    const net = resolveNetwork("sepolia", {
      env: { SEPOLIA_RPC_URL: "https://env.example" },
      deploymentRpcUrl: "https://file.example",
      rpcUrl: "https://flag.example",
    });
    assert.equal(net.rpcUrl, "https://flag.example");
    assert.equal(net.rpcSource, "--rpc-url");
    assert.throws(
      () => resolveNetwork("localnet", { env: {}, rpcUrl: "ftp://x" }),
      /\(from --rpc-url\) must start with http.*: fix --rpc-url/,
    );
  });

  it("shows RPC URLs without the user info, path or query that carry provider keys", () => {
    assert.equal(redactRpcUrl("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
    assert.equal(redactRpcUrl("https://user:S3CRET@rpc.example:443"), "https://rpc.example/…");
    assert.equal(redactRpcUrl("https://eth-sepolia.g.alchemy.com/v2/KEY123"), "https://eth-sepolia.g.alchemy.com/…");
    assert.equal(redactRpcUrl("wss://rpc.example/ws?apikey=K"), "wss://rpc.example/…");
    assert.doesNotMatch(
      (() => {
        try {
          resolveNetwork("sepolia", { env: { SEPOLIA_RPC_URL: "ftp://u:KEY9@x/KEY9" } });
          return "";
        } catch (e) {
          return (e as Error).message;
        }
      })(),
      /KEY9/,
    );
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

describe("RPC retries", () => {
  it("retries a failing RPC node with growing pauses, then succeeds (RPC_RETRY)", async () => {
    const { createServer } = await import("node:http");
    const { RPC_RETRY } = await import("../../offchain/chain/client.js");
    const seen: number[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        seen.push(performance.now());
        if (seen.length <= 2) {
          res.writeHead(503).end("overloaded"); // twice unavailable, then fine
          return;
        }
        const { id } = JSON.parse(body) as { id: number };
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x2a" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    try {
      const client = getPublicClient(resolveNetwork("anvil", { env: { ANVIL_URL: `http://127.0.0.1:${port}` } }));
      assert.equal(await client.getBlockNumber({ cacheTime: 0 }), 42n);
      assert.equal(seen.length, 3);
      const gaps = [seen[1]! - seen[0]!, seen[2]! - seen[1]!];
      assert.ok(gaps[0]! >= RPC_RETRY.retryDelay - 5, `first pause ${gaps[0]} ms`);
      assert.ok(gaps[1]! >= 2 * RPC_RETRY.retryDelay - 5, `second pause ${gaps[1]} ms (backoff)`);
    } finally {
      server.close();
    }
  });
});

describe("RPC read queue", () => {
  it("keeps at most RPC_READS_IN_FLIGHT of the process client's reads at its node at once", async () => {
    const { createServer } = await import("node:http");
    const { RPC_READS_IN_FLIGHT } = await import("../../offchain/chain/readLimit.js");
    let atNode = 0;
    let most = 0;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        atNode++;
        most = Math.max(most, atNode);
        const { id } = JSON.parse(body) as { id: number };
        setTimeout(() => {
          atNode--;
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x7" }));
        }, 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    try {
      const client = getPublicClient(resolveNetwork("anvil", { env: { ANVIL_URL: `http://127.0.0.1:${port}` } }));
      const reads = 3 * RPC_READS_IN_FLIGHT;
      const balances = await Promise.all(
        Array.from({ length: reads }, (_, i) =>
          client.getBalance({ address: `0x${(i + 1).toString(16).padStart(40, "0")}` }),
        ),
      );
      assert.deepEqual(balances, Array<bigint>(reads).fill(7n));
      assert.equal(most, RPC_READS_IN_FLIGHT, "the node never saw more than the bound, and saw that many");
    } finally {
      server.close();
    }
  });
});

describe("chain id check", () => {
  it("names where the RPC URL came from, and suggests a redeploy on local networks only", async () => {
    const { assertChainId } = await import("../../offchain/chain/client.js");
    const node = { getChainId: async () => 31337 } as unknown as import("viem").PublicClient;
    const sepolia = resolveNetwork("sepolia", { env: {}, rpcUrl: "http://127.0.0.1:1" });
    await assert.rejects(assertChainId(node, sepolia, 11155111, "deployments/sepolia.json"), (e: Error) => {
      assert.match(e.message, /\(from --rpc-url\) is chain 31337: pass --rpc-url of the right node$/);
      return true;
    });
    const fromEnv = resolveNetwork("sepolia", { env: { SEPOLIA_RPC_URL: "http://127.0.0.1:2" } });
    await assert.rejects(
      assertChainId(node, fromEnv, 11155111, "deployments/sepolia.json"),
      /\(from SEPOLIA_RPC_URL\) is chain 31337: point SEPOLIA_RPC_URL at the right node$/,
    );
    const local = resolveNetwork("localhost", { env: {} });
    await assert.rejects(
      assertChainId(node, local, 1, "deployments/localhost.json"),
      /point ANVIL_URL at the right node or redeploy with `npm run deploy -- --network localhost`$/,
    );
  });
});
