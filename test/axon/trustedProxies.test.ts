/**
 * Trusted reverse proxies: which addresses are trusted, and what trusting them changes in the axon (the per-IP
 * bucket keys on the forwarded client address, the proxy's sockets are not capped); without any, X-Forwarded-For
 * is ignored.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { parseAxonConfig } from "../../offchain/axon/config.js";
import { parseTrustedProxies } from "../../offchain/axon/trustedProxies.js";
import { raw, signed, sleep, startAxon, TEXT, type Fixture, type RawResponse } from "./helpers.js";

/** Which of `addresses` the predicate of `entries` trusts. */
function trustedOf(entries: string[], addresses: string[]): string[] {
  const trusted = parseTrustedProxies(entries);
  return addresses.filter((a) => trusted(a));
}

const invalid = (entry: string) =>
  `trusted proxy ${JSON.stringify(entry)} is not an IP address or CIDR range (like 10.0.0.1 or 10.0.0.0/8)`;

describe("parseTrustedProxies", () => {
  it("addresses: only the address itself, in any spelling", () => {
    assert.deepEqual(
      trustedOf(["127.0.0.1", "::1"], ["127.0.0.1", "127.0.0.2", "::1", "0:0:0:0:0:0:0:1", "::2", "10.0.0.1"]),
      ["127.0.0.1", "::1", "0:0:0:0:0:0:0:1"],
    );
    assert.deepEqual(trustedOf([" 10.0.0.1 "], ["10.0.0.1"]), ["10.0.0.1"], "an entry is trimmed");
  });

  it("IPv4 CIDR ranges", () => {
    assert.deepEqual(
      trustedOf(
        ["10.0.0.0/8", "192.168.1.0/24"],
        ["10.0.0.1", "10.255.1.2", "11.0.0.1", "192.168.1.77", "192.168.2.1"],
      ),
      ["10.0.0.1", "10.255.1.2", "192.168.1.77"],
    );
    assert.deepEqual(trustedOf(["10.0.0.7/32"], ["10.0.0.7", "10.0.0.8"]), ["10.0.0.7"]);
  });

  it("IPv6 CIDR ranges, which match IPv6 addresses only", () => {
    assert.deepEqual(
      trustedOf(["fd00::/8", "2001:db8:1::/48"], ["fd12:3456::1", "fe80::1", "2001:db8:1:ffff::1", "2001:db8:2::1"]),
      ["fd12:3456::1", "2001:db8:1:ffff::1"],
    );
    assert.deepEqual(trustedOf(["2000::/7"], ["2001:db8::1", "1.2.3.4", "::ffff:1.2.3.4"]), ["2001:db8::1"]);
  });

  it("refuses ranges that trust nearly everyone, naming them (a trusted address can claim any client's)", () => {
    for (const [entry, what] of [
      ["0.0.0.0/0", "every IPv4 address (a /0; at most a /8)"],
      ["::/0", "every IPv6 address (a /0; at most a /7)"],
      ["::ffff:0:0/96", "every IPv4 address (a /0; at most a /8)"],
      ["128.0.0.0/1", "too many IPv4 addresses (a /1; at most a /8)"],
      ["fc00::/6", "too many IPv6 addresses (a /6; at most a /7)"],
    ] as const) {
      assert.throws(
        () => parseTrustedProxies([entry]),
        (e: Error) => (
          assert.equal(
            e.message,
            `trusted proxy ${JSON.stringify(entry)} covers ${what}: a trusted address can claim any client address, so list only your proxy's own addresses`,
          ),
          true
        ),
      );
    }
    assert.doesNotThrow(() => parseTrustedProxies(["10.0.0.0/8", "fc00::/7"]), "the widest accepted");
  });

  it("IPv4-mapped IPv6 is its IPv4 address, in entries and addresses", () => {
    assert.deepEqual(trustedOf(["127.0.0.1"], ["::ffff:127.0.0.1", "::ffff:127.0.0.2"]), ["::ffff:127.0.0.1"]);
    assert.deepEqual(trustedOf(["::ffff:10.0.0.1"], ["10.0.0.1", "::ffff:10.0.0.1", "10.0.0.2"]), [
      "10.0.0.1",
      "::ffff:10.0.0.1",
    ]);
    assert.deepEqual(trustedOf(["::ffff:10.0.0.0/104"], ["10.9.9.9", "::ffff:10.9.9.9", "11.0.0.1"]), [
      "10.9.9.9",
      "::ffff:10.9.9.9",
    ]);
    assert.deepEqual(trustedOf(["10.0.0.0/8"], ["::ffff:10.1.2.3", "::ffff:11.1.2.3"]), ["::ffff:10.1.2.3"]);
  });

  it("an unparsable address is never trusted, and no entry trusts nothing", () => {
    const odd = ["", "garbage", "unknown", "10.1", "0x7f.0.0.1", "1.2.3.4:80", "[::1]", "10.0.0.300"];
    assert.deepEqual(trustedOf(["0.0.0.0/8", "::/7"], odd), []);
    assert.deepEqual(trustedOf([], ["127.0.0.1", "::1"]), []);
  });

  it("an invalid entry throws, naming it and the fix", () => {
    for (const entry of [
      "10.0.0.300",
      "10.0.0.0/33",
      "10.0.0.0/",
      "fd00::/129",
      "fd00::1::2",
      "10.1",
      "localhost",
      "10.0.0.1 10.0.0.2",
      "",
    ]) {
      assert.throws(
        () => parseTrustedProxies(["127.0.0.1", entry]),
        (e: Error) => (assert.equal(e.message, invalid(entry)), true),
        JSON.stringify(entry),
      );
    }
  });

  it("the axon config refuses an invalid entry, naming it", async () => {
    assert.throws(
      () => parseAxonConfig({ chainId: 1, netuid: 1, trustedProxies: ["127.0.0.1", "10.0.0.300"] }),
      (e: Error) => (assert.equal(e.message, `invalid axon setting trustedProxies.1: ${invalid("10.0.0.300")}`), true),
    );
    await assert.rejects(
      startAxon({ trustedProxies: ["fd00::/200"] }),
      /^Error: invalid axon setting trustedProxies\.0: trusted proxy "fd00::\/200" is not an IP address or CIDR range/,
    );
    assert.deepEqual(parseAxonConfig({ chainId: 1, netuid: 1 }).trustedProxies, [], "none by default");
  });
});

/** A signed task sent with `X-Forwarded-For: forwarded` (none when undefined). */
async function sendFrom(fx: Fixture, forwarded: string | undefined): Promise<RawResponse> {
  const { headers, body } = await signed(fx, TEXT);
  return raw(fx.url, {
    headers: forwarded === undefined ? headers : { ...headers, "x-forwarded-for": forwarded },
    body,
  });
}

async function statuses(fx: Fixture, forwarded: string | undefined, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await sendFrom(fx, forwarded)).status);
  return out;
}

// A burst of 2 per source address, refilled too slowly to matter here; the per-validator limit never binds.
const ipLimits = { ipRatePerSecond: 0.01, ipRateBurst: 2, ratePerSecond: 1000, rateBurst: 1000 };

describe("axon behind a trusted proxy: the per-IP bucket", () => {
  it("keys on the forwarded client address: one client over its burst is 429, another is still served", async () => {
    const fx = await startAxon({ ...ipLimits, trustedProxies: ["127.0.0.1"] });
    try {
      assert.deepEqual(await statuses(fx, "203.0.113.5", 2), [200, 200]);
      const over = await sendFrom(fx, "203.0.113.5");
      assert.equal(over.status, 429, over.body);
      assert.equal(over.json().error, "rate_limited");
      assert.match(over.json().reason ?? "", /^more than 0\.01 requests\/s from 203\.0\.113\.5: retry in \d+ ms$/);
      assert.deepEqual(await statuses(fx, "203.0.113.6", 2), [200, 200], "another client has its own bucket");
      assert.deepEqual(await statuses(fx, undefined, 2), [200, 200], "the proxy's own requests have theirs");
      // Addresses a client put in front of the one the proxy appended are not believed.
      const spoofed = await sendFrom(fx, "198.51.100.9, 203.0.113.5");
      assert.equal(spoofed.status, 429, "still client 203.0.113.5");
      assert.match(spoofed.json().reason ?? "", /from 203\.0\.113\.5:/);
      // An IPv6 client is keyed by its /64, as a direct one would be.
      assert.deepEqual(await statuses(fx, "2001:db8:1:2::5", 2), [200, 200]);
      const v6 = await sendFrom(fx, "2001:db8:1:2::6");
      assert.equal(v6.status, 429);
      assert.match(v6.json().reason ?? "", /from 2001:db8:1:2::\/64:/);
      assert.equal(fx.backend.calls.length, 8);
    } finally {
      await fx.close();
    }
  });

  it("without trusted proxies X-Forwarded-For is ignored: spoofed addresses share the socket's bucket", async () => {
    for (const trustedProxies of [undefined, ["10.0.0.1"]]) {
      const fx = await startAxon({ ...ipLimits, ...(trustedProxies === undefined ? {} : { trustedProxies }) });
      try {
        assert.equal((await sendFrom(fx, "203.0.113.5")).status, 200);
        assert.equal((await sendFrom(fx, "203.0.113.6")).status, 200);
        const third = await sendFrom(fx, "203.0.113.7");
        assert.equal(third.status, 429, `${String(trustedProxies)}: ${third.body}`);
        assert.match(third.json().reason ?? "", /from 127\.0\.0\.1:/);
      } finally {
        await fx.close();
      }
    }
  });
});

/** A TCP socket to the axon from `localAddress`, resolved once connected. */
function openSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", localAddress }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Opens `n` idle sockets from `localAddress`; resolves with them and how many the axon closed within `waitMs`. */
async function idleSockets(
  url: string,
  localAddress: string,
  n: number,
  waitMs: number,
): Promise<{ closed: number; sockets: Socket[] }> {
  const port = Number(new URL(url).port);
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) sockets.push(await openSocket(port, localAddress));
  const closed = await Promise.all(
    sockets.map(
      (s) =>
        new Promise<boolean>((resolve) => {
          s.on("error", () => {});
          const timer = setTimeout(() => resolve(false), waitMs);
          s.once("close", () => {
            clearTimeout(timer);
            resolve(true);
          });
        }),
    ),
  );
  return { closed: closed.filter(Boolean).length, sockets };
}

describe("axon behind a trusted proxy: the per-address socket cap", () => {
  it("sockets from a trusted proxy are not capped; other addresses still are", async () => {
    const fx = await startAxon({ maxSocketsPerIp: 2, trustedProxies: ["127.0.0.1"] });
    const open: Socket[] = [];
    try {
      const proxy = await idleSockets(fx.url, "127.0.0.1", 5, 300);
      open.push(...proxy.sockets);
      assert.equal(proxy.closed, 0, "none of 5 sockets from the proxy is closed");
      assert.ok(
        proxy.sockets.every((s) => !s.destroyed),
        "all still open",
      );
      assert.equal((await raw(fx.url, { method: "GET", path: "/health" })).status, 200, "and another is served");
      const other = await idleSockets(fx.url, "127.0.0.2", 3, 300);
      open.push(...other.sockets);
      assert.equal(other.closed, 1, "the third socket from 127.0.0.2 (not a proxy) is closed");
    } finally {
      for (const s of open) s.destroy();
      await fx.close();
    }
  });

  it("without trusted proxies the third socket from 127.0.0.1 is destroyed", async () => {
    const fx = await startAxon({ maxSocketsPerIp: 2 });
    const open: Socket[] = [];
    try {
      const { closed, sockets } = await idleSockets(fx.url, "127.0.0.1", 3, 300);
      open.push(...sockets);
      assert.equal(closed, 1, "the third socket is closed");
      for (const s of sockets) s.destroy(); // 127.0.0.1 is at its cap: free it for /metrics
      await sleep(50);
      const metrics = await raw(fx.url, { method: "GET", path: "/metrics" });
      assert.match(metrics.body, /^axon_sockets_refused_total 1$/m);
    } finally {
      for (const s of open) s.destroy();
      await fx.close();
    }
  });
});
