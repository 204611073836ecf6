/**
 * The axon's socket, header, per-IP and per-validator limits, set from the miner's flags: each flag reaches the
 * running axon, the axon's defaults hold without them, and a bad value is refused naming the flag and the fix.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { connect, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { parseAxonConfig } from "../../offchain/axon/config.js";
import type { MetagraphSnapshot } from "../../offchain/metagraph/types.js";
import { buildProgram, configFromFlags } from "../../offchain/miner/main.js";
import { parseMinerConfig, runMiner, type MinerChain, type RunningMiner } from "../../offchain/miner/index.js";
import { startFakeOllama, type FakeOllama } from "../../offchain/ollama/index.js";
import { NonceSource } from "../../offchain/protocol/index.js";
import { CHAIN_ID, NETUID, TEXT, newKey, raw, signed, until, type Key } from "../axon/helpers.js";

class Sink extends Writable {
  override _write(_c: Buffer, _e: string, cb: () => void): void {
    cb();
  }
}

const unused = (): Promise<never> => Promise.reject(new Error("not used in this test"));

/** A chain where `miner` is registered (uid 0) beside one permitted validator (uid 1). */
function chainFor(miner: Key, validator: Key): MinerChain {
  return {
    chainId: CHAIN_ID,
    burnCost: unused,
    register: unused,
    serveAxon: unused,
    isRegistered: async () => true,
    metagraph: async (netuid: number): Promise<MetagraphSnapshot> => ({
      netuid,
      slot: 0n,
      neurons: [
        { uid: 0, hotkey: miner.address, coldkey: miner.address, stake: 0n, validatorPermit: false },
        { uid: 1, hotkey: validator.address, coldkey: validator.address, stake: 10n ** 12n, validatorPermit: true },
      ],
    }),
  };
}

const argv = (...a: string[]) => ["node", "main.ts", ...a];
const required = ["--network", "localnet", "--netuid", String(NETUID), "--wallet", "w"];

/** The flags → config path `npm run miner` takes (commander, then zod); throws what the operator would read. */
function fromFlags(...flags: string[]) {
  const opts = buildProgram()
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .parse(argv(...required, ...flags))
    .opts();
  return configFromFlags(opts as Parameters<typeof configFromFlags>[0]);
}

interface Started {
  running: RunningMiner;
  /** Signs a task as the permitted validator, with nonces the miner's first start accepts at once. */
  sign(timeoutMs?: number): Promise<{ headers: Record<string, string>; body: Buffer }>;
}

/** A miner started from these flags (on loopback, a free port, the fake Ollama, a fresh data dir, --no-serve). */
async function startMiner(fake: FakeOllama, ...flags: string[]): Promise<Started> {
  const miner = newKey();
  const validator = newKey();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "miner-limits-"));
  const config = fromFlags(
    ...["--host", "127.0.0.1", "--port", "0", "--model", "tiny:1b", "--ollama-host", fake.url],
    ...["--no-serve", "--data-dir", dataDir, ...flags],
  );
  const running = await runMiner(config, {
    chain: chainFor(miner, validator),
    hotkey: miner.signer,
    progressOut: new Sink(),
  });
  // A new store refuses nonces dated before its first start plus the clock skew: these run that far ahead.
  const skew = running.axon.config.clockSkewMs;
  const fx = { miner, validator, nonces: new NonceSource(() => Date.now() + skew) };
  return {
    running,
    sign: (timeoutMs = 5_000) => signed(fx as unknown as Parameters<typeof signed>[0], TEXT, { timeoutMs }),
  };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves with the ms until the peer closes `s` and what it sent, or with undefined after `limitMs`. */
function closedWithin(s: Socket, limitMs: number): Promise<{ ms: number; data: string } | undefined> {
  const t0 = Date.now();
  let data = "";
  s.on("data", (c: Buffer) => (data += c.toString("utf8")));
  s.on("error", () => {});
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), limitMs);
    s.once("close", () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - t0, data });
    });
  });
}

/** Opens `n` idle sockets to `url` and reports how many the axon closed within `waitMs`. */
async function idleSockets(url: string, n: number, waitMs: number): Promise<{ closed: number; sockets: Socket[] }> {
  const port = Number(new URL(url).port);
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) sockets.push(await openSocket(port));
  const closes = await Promise.all(sockets.map((s) => closedWithin(s, waitMs)));
  return { closed: closes.filter((c) => c !== undefined).length, sockets };
}

describe("miner flags for the axon's limits", () => {
  let fake: FakeOllama;
  before(async () => {
    fake = await startFakeOllama({ models: ["tiny:1b"] });
  });
  after(async () => {
    await fake.close();
  });

  it("every flag reaches the running axon", async () => {
    const { running } = await startMiner(
      fake,
      ...["--max-concurrent", "8", "--queue-size", "4", "--max-per-validator", "3"],
      ...["--ip-rate", "50", "--ip-burst", "70", "--max-connections", "7"],
      ...["--max-sockets-per-ip", "0", "--headers-timeout-ms", "2500"],
    );
    try {
      const c = running.axon.config;
      assert.deepEqual(
        {
          maxPerValidator: c.maxPerValidator,
          ipRatePerSecond: c.ipRatePerSecond,
          ipRateBurst: c.ipRateBurst,
          maxConnections: c.maxConnections,
          maxSocketsPerIp: c.maxSocketsPerIp,
          headersTimeoutMs: c.headersTimeoutMs,
        },
        {
          maxPerValidator: 3,
          ipRatePerSecond: 50,
          ipRateBurst: 70,
          maxConnections: 7,
          maxSocketsPerIp: 0,
          headersTimeoutMs: 2500,
        },
      );
      assert.equal(running.axon.fastify.server.maxConnections, 7, "set on the server itself");
    } finally {
      await running.close();
    }
  });

  it("without the flags the axon keeps its defaults; --max-per-validator's follows --max-concurrent", async () => {
    const c = parseMinerConfig({ network: "localnet", netuid: 1, wallet: "w" }).limits;
    const axonDefaults = parseAxonConfig({ chainId: 1, netuid: 1 });
    assert.deepEqual(
      [c.maxConnections, c.maxSocketsPerIp, c.headersTimeoutMs, c.ipRatePerSecond],
      [axonDefaults.maxConnections, axonDefaults.maxSocketsPerIp, axonDefaults.headersTimeoutMs, 200],
      "the miner's defaults are the axon's",
    );
    assert.deepEqual([c.maxPerValidator, c.ipRateBurst], [undefined, undefined], "left to the axon / derived");
    assert.deepEqual([c.trustedProxies, axonDefaults.trustedProxies], [[], []], "no proxy is trusted");
    const plain = await startMiner(fake);
    try {
      const a = plain.running.axon.config;
      assert.deepEqual(
        [a.maxPerValidator, a.maxConnections, a.maxSocketsPerIp, a.headersTimeoutMs, a.ipRatePerSecond, a.ipRateBurst],
        [1, 1024, 64, 10_000, 200, 400],
      );
      assert.deepEqual(a.trustedProxies, []);
      assert.equal(plain.running.axon.fastify.server.maxConnections, 1024);
    } finally {
      await plain.running.close();
    }
    const eight = await startMiner(fake, "--max-concurrent", "8", "--ip-rate", "3");
    try {
      assert.equal(eight.running.axon.config.maxPerValidator, 2, "a quarter of --max-concurrent 8");
      assert.equal(eight.running.axon.config.ipRateBurst, 6, "twice --ip-rate");
    } finally {
      await eight.running.close();
    }
  });

  it("--max-sockets-per-ip 0 (behind a reverse proxy): more than 64 sockets from one address stay open", async () => {
    const plain = await startMiner(fake);
    try {
      const { closed, sockets } = await idleSockets(plain.running.url, 65, 300);
      for (const s of sockets) s.destroy();
      assert.equal(closed, 1, "by default the 65th socket from 127.0.0.1 is closed");
    } finally {
      await plain.running.close();
    }
    const proxied = await startMiner(fake, "--max-sockets-per-ip", "0");
    try {
      const { closed, sockets } = await idleSockets(proxied.running.url, 80, 300);
      try {
        assert.equal(closed, 0, "none of 80 sockets from one address is closed");
        const health = await raw(proxied.running.url, { method: "GET", path: "/health" });
        assert.equal(health.status, 200, "and the 81st is served");
      } finally {
        for (const s of sockets) s.destroy();
      }
    } finally {
      await proxied.running.close();
    }
  });

  it("--max-per-validator 1: a second concurrent request from one validator is 429 rate_limited", async () => {
    // 8 slots: the default would allow this validator 2 requests at once.
    const { running, sign } = await startMiner(fake, "--max-concurrent", "8", "--max-per-validator", "1");
    await fake.setMode({ latencyMs: 600 });
    try {
      const first = raw(running.url, await sign());
      await until(() => running.axon.stats().active === 1, 3_000, "the first request running");
      const second = await raw(running.url, await sign());
      assert.equal(second.status, 429, second.body);
      assert.equal(second.json().error, "rate_limited");
      assert.match(second.json().reason ?? "", /maxPerValidator 1/);
      assert.equal((await first).status, 200, "the first is answered");
    } finally {
      await fake.setMode({ latencyMs: 0 });
      await running.close();
    }
  });

  it("--ip-rate and --ip-burst: the per-address bucket refuses past the burst, before the signature counts", async () => {
    const { running, sign } = await startMiner(fake, "--ip-rate", "1", "--ip-burst", "3");
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await raw(running.url, await sign());
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429], "a burst of 3 (the default would be twice --ip-rate: 2)");
      assert.match(last!.json().reason ?? "", /more than 1 requests\/s from 127\.0\.0\.1/);
    } finally {
      await running.close();
    }
  });

  it("--trust-proxy: the list reaches the axon, and the per-address limits then apply to the forwarded client", async () => {
    const listed = fromFlags("--trust-proxy", "127.0.0.1, 10.0.0.0/8", "--trust-proxy", "fd00::/8").limits;
    assert.deepEqual(listed.trustedProxies, ["127.0.0.1", "10.0.0.0/8", "fd00::/8"], "comma-separated, repeatable");
    const { running, sign } = await startMiner(
      fake,
      ...["--trust-proxy", "127.0.0.1", "--ip-rate", "0.01", "--ip-burst", "1", "--max-sockets-per-ip", "1"],
    );
    const sockets: Socket[] = [];
    try {
      assert.deepEqual(running.axon.config.trustedProxies, ["127.0.0.1"]);
      const from = async (client: string) => {
        const { headers, body } = await sign();
        return raw(running.url, { headers: { ...headers, "x-forwarded-for": client }, body });
      };
      assert.equal((await from("203.0.113.5")).status, 200);
      const again = await from("203.0.113.5");
      assert.equal(again.status, 429, "that client's burst of 1 is spent");
      assert.match(again.json().reason ?? "", /from 203\.0\.113\.5:/);
      assert.equal((await from("203.0.113.6")).status, 200, "another client behind the proxy is served");
      // The proxy (127.0.0.1) holds more sockets than --max-sockets-per-ip 1.
      const { closed, sockets: open } = await idleSockets(running.url, 3, 300);
      sockets.push(...open);
      assert.equal(closed, 0, "none of the proxy's 3 sockets is closed");
    } finally {
      for (const s of sockets) s.destroy();
      await running.close();
    }
  });

  it("--headers-timeout-ms: a socket that never finishes its headers gets 408 and is closed", async () => {
    const { running } = await startMiner(fake, "--headers-timeout-ms", "300");
    const s = await openSocket(Number(new URL(running.url).port));
    try {
      const closed = closedWithin(s, 3_000);
      s.write("GET /health HTTP/1.1\r\nHost: axon\r\n"); // and never the blank line
      const c = await closed;
      assert.ok(c !== undefined, "closed (the default would keep it 10 s)");
      assert.ok(c.ms < 1_500, `soon after 300 ms (${c.ms} ms)`);
      assert.match(c.data, /^HTTP\/1\.1 408/);
    } finally {
      s.destroy();
      await running.close();
    }
  });

  it("a bad value is refused naming the flag and the fix, one line per setting", async () => {
    const refused: Array<[string[], RegExp]> = [
      [
        ["--max-per-validator", "0"],
        /^invalid miner setting limits\.maxPerValidator: --max-per-validator must be a whole number from 1 to 100000 \(got 0\)$/,
      ],
      [
        ["--max-per-validator", "37"],
        /^invalid miner setting limits\.maxPerValidator: --max-per-validator 37 is more than --max-concurrent 4 plus --queue-size 32 \(36\), so it could never bind: set it to at most 36 .*or raise --max-concurrent or --queue-size$/,
      ],
      [
        ["--max-per-validator", "6", "--max-concurrent", "2", "--queue-size", "3"],
        /--max-per-validator 6 is more than --max-concurrent 2 plus --queue-size 3 \(5\)/,
      ],
      [
        ["--max-connections", "0"],
        /^invalid miner setting limits\.maxConnections: --max-connections must be a whole number from 1 to 1000000 \(got 0\)$/,
      ],
      [
        ["--max-sockets-per-ip", "1000001"],
        /^invalid miner setting limits\.maxSocketsPerIp: --max-sockets-per-ip must be a whole number from 0 \(0 = off\) to 1000000 \(got 1000001\)$/,
      ],
      [["--max-sockets-per-ip", "-1"], /--max-sockets-per-ip must be a whole number \(got "-1"\)/],
      [
        ["--headers-timeout-ms", "50"],
        /^invalid miner setting limits\.headersTimeoutMs: --headers-timeout-ms must be a whole number from 100 to 120000 \(got 50\)$/,
      ],
      [
        ["--ip-rate", "-1"],
        /^invalid miner setting limits\.ipRatePerSecond: --ip-rate must be a number from 0 \(0 = off\) to 100000 \(got -1\)$/,
      ],
      [["--ip-rate", "fast"], /--ip-rate must be a number \(got "fast"\)/],
      [
        ["--ip-burst", "0"],
        /^invalid miner setting limits\.ipRateBurst: --ip-burst must be a whole number from 1 to 1000000 \(got 0\)$/,
      ],
      [["--ip-burst", "1.5"], /--ip-burst must be a whole number \(got "1\.5"\)/],
      [
        ["--trust-proxy", "127.0.0.1,10.0.0.300"],
        /^invalid miner setting limits\.trustedProxies\.1: --trust-proxy: trusted proxy "10\.0\.0\.300" is not an IP address or CIDR range \(like 10\.0\.0\.1 or 10\.0\.0\.0\/8\)$/,
      ],
      [["--trust-proxy", "10.0.0.0/33"], /--trust-proxy: trusted proxy "10\.0\.0\.0\/33" is not an IP address/],
      [["--trust-proxy", "10.0.0.1 10.0.0.2"], /--trust-proxy: trusted proxy "10\.0\.0\.1 10\.0\.0\.2" is not/],
      [["--trust-proxy", ""], /--trust-proxy: trusted proxy "" is not an IP address/],
    ];
    for (const [flags, message] of refused)
      assert.throws(
        () => fromFlags(...flags),
        (e: Error) => (assert.match(e.message, message), true),
        flags.join(" "),
      );
    assert.doesNotThrow(() => fromFlags("--max-per-validator", "36"), "every slot and queue place: allowed");
    assert.throws(
      () => fromFlags("--max-connections", "0", "--headers-timeout-ms", "99", "--ip-burst", "0"),
      (e: Error) => {
        const lines = e.message.split("\n");
        assert.equal(lines.length, 3, e.message);
        assert.match(lines[0]!, /^invalid miner setting limits\.ipRateBurst: --ip-burst /);
        assert.match(lines[1]!, /^invalid miner setting limits\.maxConnections: --max-connections /);
        assert.match(lines[2]!, /^invalid miner setting limits\.headersTimeoutMs: --headers-timeout-ms /);
        return true;
      },
    );
  });
});
