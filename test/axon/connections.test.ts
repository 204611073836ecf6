/** Socket caps of the axon: per source address, in all, and how long a client may take over its headers. */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { raw, sleep, startAxon } from "./helpers.js";

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** A TCP socket to the axon from `localAddress`, resolved once connected. */
function openSocket(port: number, localAddress = "127.0.0.1"): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", localAddress }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves with the ms until the peer closes `s` (and what it sent), or with undefined after `limitMs`. */
function closedWithin(s: Socket, limitMs: number): Promise<{ ms: number; data: string } | undefined> {
  const t0 = Date.now();
  let data = "";
  s.on("data", (c: Buffer) => (data += c.toString("utf8")));
  s.on("error", () => {}); // a reset is a close too
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), limitMs);
    s.once("close", () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - t0, data });
    });
  });
}

/** GET /health from `localAddress` (one fresh socket). */
function health(url: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL("/health", url), { agent: false, localAddress }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("axon socket limits", () => {
  it("maxSocketsPerIp: a socket beyond the cap is destroyed at once; other addresses are served", async () => {
    const fx = await startAxon({ maxSocketsPerIp: 2 });
    const port = portOf(fx.url);
    const idle: Socket[] = [];
    try {
      idle.push(await openSocket(port), await openSocket(port));
      await sleep(50); // the server has seen both
      const third = await openSocket(port);
      idle.push(third);
      const closed = await closedWithin(third, 2_000);
      assert.ok(closed !== undefined, "the third socket from 127.0.0.1 is closed");
      assert.ok(closed.ms < 1_000, `at once (${closed.ms} ms)`);
      assert.equal(closed.data, "", "without an answer");
      // Another source address is under its own cap: served while 127.0.0.1 is at its cap.
      assert.equal(await health(fx.url, "127.0.0.2"), 200);
      // A socket that closes frees its place.
      const gone = closedWithin(idle[0]!, 2_000);
      idle[0]!.destroy();
      await gone;
      await sleep(50);
      assert.equal(await health(fx.url, "127.0.0.1"), 200);
      const metrics = await raw(fx.url, { method: "GET", path: "/metrics" });
      assert.match(metrics.body, /^axon_sockets_refused_total 1$/m);
    } finally {
      for (const s of idle) s.destroy();
      await fx.close();
    }
  });

  it("headersTimeoutMs: a socket that sends partial headers, or nothing, is closed once it passes", async () => {
    const fx = await startAxon({ headersTimeoutMs: 300 });
    const port = portOf(fx.url);
    const sockets: Socket[] = [];
    try {
      const slow = await openSocket(port);
      const silent = await openSocket(port);
      sockets.push(slow, silent);
      const slowClosed = closedWithin(slow, 3_000);
      const silentClosed = closedWithin(silent, 3_000);
      slow.write("GET /health HTTP/1.1\r\nHost: axon\r\n"); // and never the blank line
      const a = await slowClosed;
      assert.ok(a !== undefined, "the slow-header socket is closed (Node's default would keep it 60 s)");
      assert.ok(a.ms >= 250 && a.ms < 1_500, `within the headers timeout and one sweep (${a.ms} ms)`);
      assert.match(a.data, /^HTTP\/1\.1 408/, "with a 408");
      const b = await silentClosed;
      assert.ok(b !== undefined, "a socket that sends nothing is closed too");
      assert.ok(b.ms < 1_500, `${b.ms} ms`);
      assert.equal(await health(fx.url, "127.0.0.1"), 200, "a prompt client is still served");
    } finally {
      for (const s of sockets) s.destroy();
      await fx.close();
    }
  });

  it("the settings are validated, naming the setting", async () => {
    await assert.rejects(startAxon({ maxSocketsPerIp: -1 }), /invalid axon setting maxSocketsPerIp/);
    await assert.rejects(startAxon({ headersTimeoutMs: 10 }), /invalid axon setting headersTimeoutMs/);
    await assert.rejects(startAxon({ maxConnections: 0 }), /invalid axon setting maxConnections/);
    await assert.rejects(startAxon({ maxPerValidator: 0 }), /invalid axon setting maxPerValidator/);
  });

  it("maxConnections is set on the server", async () => {
    const fx = await startAxon({ maxConnections: 7 });
    try {
      assert.equal(fx.axon.fastify.server.maxConnections, 7);
      assert.equal((await startAxonDefaults()).maxConnections, 1024);
    } finally {
      await fx.close();
    }
  });
});

async function startAxonDefaults(): Promise<{ maxConnections: number }> {
  const fx = await startAxon();
  try {
    return { maxConnections: fx.axon.fastify.server.maxConnections };
  } finally {
    await fx.close();
  }
}
