/**
 * A miner's published endpoint must not reach into the validator's network: with `allowPrivateEndpoints: false`
 * the dendrite refuses (bad_endpoint, nothing sent) every destination that is not public unicast, whether the
 * host is an IP literal in any spelling the URL parser accepts or a name that resolves to such an address.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { LookupAddress } from "node:dns";
import type { AddressInfo, LookupFunction } from "node:net";
import { after, before, describe, it } from "node:test";
import { Dendrite, nonPublicReason, publicOnlyLookup } from "../../offchain/dendrite/index.js";
import { H, RH } from "../../offchain/protocol/index.js";
import { CHAIN_ID, NETUID, TEXT, newKey, signAnswer, type Key } from "../axon/helpers.js";

/** A lookup that answers every name with `addresses` (what a hostile DNS server would say). */
const resolvesTo =
  (...addresses: string[]): LookupFunction =>
  (_hostname, options, callback) => {
    const list: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    if (options.all === true) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };

describe("dendrite: non-public endpoints are refused off local networks", () => {
  let validator: Key;
  let miner: Key;
  let server: Server;
  let port = 0;
  let requests = 0;
  let connections = 0;
  before(async () => {
    validator = newKey();
    miner = newKey();
    // A service on the validator's loopback that answers like a miner would (so the allowed case succeeds).
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on("end", () => {
        void (async () => {
          const requestId = String(req.headers[H.requestId]);
          const body = Buffer.from(JSON.stringify({ v: 1, requestId, text: "inside" }));
          const { hash, sig } = await signAnswer(miner, validator.address, req, body);
          res
            .writeHead(200, { "content-type": "application/json", [RH.bodyHash]: hash, [RH.signature]: sig })
            .end(body);
        })();
      });
    });
    server.on("connection", () => connections++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const dendrite = (o: { allowPrivateEndpoints: boolean; lookup?: LookupFunction }): Dendrite =>
    new Dendrite({ signer: validator.signer, chainId: CHAIN_ID, netuid: NETUID, timeoutMs: 2_000, ...o });

  async function queryEach(d: Dendrite, hosts: string[]) {
    try {
      return await Promise.all(
        hosts.map(async (host) => ({
          host,
          r: await d.query({ hotkey: miner.address, url: `http://${host}:${port}` }, TEXT),
        })),
      );
    } finally {
      d.close();
    }
  }

  it("refuses loopback however it is written, and the service there sees nothing", async () => {
    const before = { requests, connections };
    const results = await queryEach(dendrite({ allowPrivateEndpoints: false }), [
      "127.0.0.1",
      "localhost", // a name: refused on the address it resolves to
      "2130706433", // decimal, normalised by the URL parser to 127.0.0.1
      "0x7f.1",
      "0177.0.0.1",
      "127.1",
      "[::ffff:127.0.0.1]",
      "[::1]",
      "[::127.0.0.1]",
    ]);
    for (const { host, r } of results) {
      assert.equal(r.ok, false, `${host} was queried`);
      if (r.ok) continue;
      assert.deepEqual([r.status, r.error], [0, "bad_endpoint"], `${host}: ${r.error} ${r.reason}`);
      assert.match(r.reason, /not a public unicast|resolves to/, host);
    }
    assert.deepEqual({ requests, connections }, before, "no connection was made, no request sent");
  });

  it("refuses private, link-local, shared, benchmarking, documentation, multicast and broadcast literals", async () => {
    const hosts = [
      "0.0.0.0",
      "0",
      "10.1.2.3",
      "100.64.0.1",
      "169.254.169.254",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "198.18.0.1",
      "192.0.2.1",
      "198.51.100.7",
      "203.0.113.7",
      "224.0.0.1",
      "239.255.255.250",
      "255.255.255.255",
      "[fc00::1]",
      "[fd12:3456::1]",
      "[fe80::1]",
      "[ff02::1]",
      "[::]",
      "[2001:db8::1]",
      "[::ffff:10.0.0.1]",
      "[::ffff:169.254.169.254]",
      "[64:ff9b::7f00:1]", // NAT64 of 127.0.0.1
    ];
    const before = connections;
    for (const { host, r } of await queryEach(dendrite({ allowPrivateEndpoints: false }), hosts))
      assert.equal(!r.ok && r.error, "bad_endpoint", `${host} was not refused`);
    assert.equal(connections, before);
  });

  it("refuses a name that resolves to a non-public address, or to any among public ones", async () => {
    const before = { requests, connections };
    for (const addresses of [["127.0.0.1"], ["::1"], ["8.8.8.8", "127.0.0.1"], ["10.0.0.5"]]) {
      const [{ r }] = await queryEach(dendrite({ allowPrivateEndpoints: false, lookup: resolvesTo(...addresses) }), [
        "miner.example.com",
      ]);
      assert.equal(r!.ok, false);
      if (r!.ok) continue;
      assert.deepEqual([r!.status, r!.error], [0, "bad_endpoint"], `${addresses.join(",")}: ${r!.reason}`);
      assert.match(r!.reason, /miner\.example\.com resolves to/);
    }
    assert.deepEqual({ requests, connections }, before, "no connection was made, no request sent");
  });

  it("allows the same destinations with allowPrivateEndpoints (local networks)", async () => {
    const results = await queryEach(dendrite({ allowPrivateEndpoints: true }), [
      "127.0.0.1",
      "2130706433",
      "[::ffff:127.0.0.1]",
    ]);
    for (const { host, r } of results) assert.equal(r.ok && r.text, "inside", `${host}: ${JSON.stringify(r)}`);
    // The injected resolver is the one the agent connects with.
    const [{ r }] = await queryEach(dendrite({ allowPrivateEndpoints: true, lookup: resolvesTo("127.0.0.1") }), [
      "miner.example.com",
    ]);
    assert.equal(r!.ok && r!.text, "inside", JSON.stringify(r));
  });

  it("a Dendrite built without the option refuses them: loopback is opted into (tests, benches, local networks)", async () => {
    const d = new Dendrite({ signer: validator.signer, chainId: CHAIN_ID, netuid: NETUID });
    try {
      const r = await d.query({ hotkey: miner.address, url: `http://127.0.0.1:${port}` }, TEXT);
      assert.equal(!r.ok && r.error, "bad_endpoint", JSON.stringify(r));
    } finally {
      d.close();
    }
  });
});

describe("endpoint checks", () => {
  it("public unicast addresses pass, IPv4-mapped ones are judged as IPv4", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      assert.equal(nonPublicReason(a), undefined, a);
    for (const a of ["127.0.0.1", "::ffff:127.0.0.1", "::1", "fe80::1", "fc00::1", "100.64.0.1", "not-an-ip"])
      assert.notEqual(nonPublicReason(a), undefined, a);
  });

  it("the agent lookup answers public addresses in the form asked (one, or all)", async () => {
    const lookup = publicOnlyLookup(resolvesTo("8.8.8.8", "2606:4700:4700::1111"));
    const one = await new Promise<unknown[]>((resolve) => lookup("miner.example.com", {}, (...args) => resolve(args)));
    assert.deepEqual(one, [null, "8.8.8.8", 4]);
    const all = await new Promise<unknown[]>((resolve) =>
      lookup("miner.example.com", { all: true }, (...args) => resolve(args)),
    );
    assert.deepEqual(all, [
      null,
      [
        { address: "8.8.8.8", family: 4 },
        { address: "2606:4700:4700::1111", family: 6 },
      ],
    ]);
  });
});
