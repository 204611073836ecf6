import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { Dendrite } from "../../offchain/dendrite/index.js";
import { H, RH, bodyHash, responseMessage, type HotkeySigner } from "../../offchain/protocol/index.js";
import { CHAIN_ID, NETUID, SpyBackend, TEXT, newKey, sleep, startAxon, type Fixture, type Key } from "./helpers.js";

/** A hand-rolled peer that answers however a test wants (to play a misbehaving miner). */
async function stubPeer(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => void handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function signedJson(
  signer: HotkeySigner,
  miner: Address,
  validator: Address,
  requestId: string,
  text: string,
): Promise<{ body: Buffer; headers: Record<string, string> }> {
  const body = Buffer.from(JSON.stringify({ v: 1, requestId, text }));
  const hash = bodyHash(body);
  const sig = await signer.signMessage({
    message: responseMessage({ chainId: CHAIN_ID, netuid: NETUID, miner, validator, requestId, bodyHash: hash }),
  });
  return { body, headers: { "content-type": "application/json", [RH.bodyHash]: hash, [RH.signature]: sig } };
}

describe("dendrite against a real axon", () => {
  let fx: Fixture;
  let dendrite: Dendrite;
  let connections = 0;
  before(async () => {
    fx = await startAxon(
      { clockSkewMs: 1_000 }, // a Dendrite's nonces are accepted clockSkewMs after the axon's start
      new SpyBackend(async function* (task) {
        if (task.kind !== "text") return;
        if (task.prompt === "slow") await sleep(2_000);
        for (const piece of ["Hel", "lo", " wor", "ld"]) {
          await sleep(5);
          yield piece;
        }
      }),
    );
    fx.axon.fastify.server.on("connection", () => connections++);
    dendrite = new Dendrite({
      allowPrivateEndpoints: true,
      signer: fx.validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      timeoutMs: 3_000,
    });
    await fx.ready();
  });
  after(async () => {
    dendrite.close();
    await fx.close();
  });

  const target = (): { hotkey: Address; url: string } => ({ hotkey: fx.miner.address, url: fx.url });

  it("answers a JSON query with text and latency, over one kept-alive socket", async () => {
    const before = connections;
    for (let i = 0; i < 4; i++) {
      const r = await dendrite.query(target(), TEXT);
      assert.equal(r.ok, true, JSON.stringify(r));
      if (!r.ok) return;
      assert.equal(r.text, "Hello world");
      assert.equal(r.streamed, false);
      assert.ok(r.latencyMs > 0);
    }
    assert.ok(connections - before <= 1, `sequential queries reuse the socket (opened ${connections - before})`);
  });

  it("streams pieces in order through onChunk and verifies the signed end line", async () => {
    const pieces: string[] = [];
    const r = await dendrite.query(target(), { ...TEXT, stream: true }, { onChunk: (p) => pieces.push(p) });
    assert.equal(r.ok, true, JSON.stringify(r));
    if (!r.ok) return;
    assert.deepEqual(pieces, ["Hel", "lo", " wor", "ld"]);
    assert.equal(r.text, "Hello world");
    assert.equal(r.streamed, true);
  });

  it("times out (408) and the axon sees the deadline too", async () => {
    const r = await dendrite.query(target(), { kind: "text", prompt: "slow" }, { timeoutMs: 200 });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.status, 408);
    assert.ok(r.latencyMs >= 190 && r.latencyMs < 1_500, `latency ${r.latencyMs}`);
    const last = fx.backend.calls.at(-1)!;
    await sleep(50);
    assert.equal(last.ctx.signal.aborted, true, "the backend's signal is aborted at the deadline");
  });

  it("cancels on the caller's AbortSignal (499)", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await dendrite.query(target(), { kind: "text", prompt: "slow" }, { signal: ac.signal });
    assert.deepEqual([r.ok, r.ok ? 0 : r.status, r.ok ? "" : r.error], [false, 499, "aborted"]);
    assert.ok(r.latencyMs < 1_000);
  });

  it("passes the axon's refusals through as typed failures", async () => {
    const stranger = new Dendrite({
      allowPrivateEndpoints: true,
      signer: newKey().signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
    });
    const r = await stranger.query(target(), TEXT);
    stranger.close();
    assert.deepEqual([r.ok, r.ok ? 0 : r.status, r.ok ? "" : r.error], [false, 403, "unknown_hotkey"]);
  });

  it("queries many axons concurrently, results in target order", async () => {
    const others = await Promise.all([startAxon({ clockSkewMs: 1_000 }), startAxon({ clockSkewMs: 1_000 })]);
    try {
      await Promise.all(others.map((o) => o.ready()));
      // Each fixture has its own validator: register ours in each metagraph.
      for (const o of others)
        o.metagraph.set({
          uid: 9,
          hotkey: fx.validator.address,
          coldkey: fx.validator.address,
          stake: 5n,
          validatorPermit: true,
        });
      const targets = [
        target(),
        ...others.map((o) => ({ hotkey: o.miner.address, url: o.url })),
        { hotkey: fx.miner.address, url: "http://127.0.0.1:1" },
      ];
      const results = await dendrite.queryMany(targets, TEXT, { timeoutMs: 2_000 });
      assert.equal(results.length, 4);
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true, true, false],
      );
      assert.equal(results[1]!.ok && results[1]!.text, "echo:What is 12 + 7?");
      assert.equal(!results[3]!.ok && results[3]!.status, 0, "refused connection: status 0");
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it("an unusable endpoint is a typed failure, not a throw", async () => {
    for (const url of ["not a url", "ftp://127.0.0.1:21", ""]) {
      const r = await dendrite.query({ hotkey: fx.miner.address, url }, TEXT);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error, "bad_endpoint");
    }
    const r = await dendrite.query({ hotkey: "0xnope" as Address, url: fx.url }, TEXT);
    assert.equal(!r.ok && r.error, "bad_endpoint");
  });

  it("throws only for the caller's own mistake (an invalid task)", async () => {
    await assert.rejects(dendrite.query(target(), { kind: "text", prompt: "" }), TypeError);
  });
});

describe("dendrite against misbehaving peers", () => {
  let validator: Key;
  let miner: Key;
  let dendrite: Dendrite;
  before(() => {
    validator = newKey();
    miner = newKey();
    dendrite = new Dendrite({
      allowPrivateEndpoints: true,
      signer: validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      timeoutMs: 1_000,
      maxResponseBytes: 64 * 1024,
    });
  });
  after(() => dendrite.close());

  async function against(handler: (req: IncomingMessage, res: ServerResponse) => unknown, stream = false) {
    const peer = await stubPeer(handler);
    try {
      return await dendrite.query({ hotkey: miner.address, url: peer.url }, { ...TEXT, stream });
    } finally {
      await peer.close();
    }
  }
  const rid = (req: IncomingMessage): string => String(req.headers[H.requestId]);

  it("control: a correctly signed stub answer is accepted", async () => {
    const r = await against(async (req, res) => {
      const s = await signedJson(miner.signer, miner.address, validator.address, rid(req), "ok");
      res.writeHead(200, s.headers).end(s.body);
    });
    assert.equal(r.ok && r.text, "ok");
  });

  it("rejects an answer signed by anyone but the target miner", async () => {
    const impostor = newKey();
    const r = await against(async (req, res) => {
      const s = await signedJson(impostor.signer, miner.address, validator.address, rid(req), "forged");
      res.writeHead(200, s.headers).end(s.body);
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.status, 502);
    assert.equal(r.error, "bad_signature");
    assert.match(r.reason, new RegExp(impostor.address.toLowerCase()));
  });

  it("rejects the miner's genuine signature replayed from another request", async () => {
    const r = await against(async (_req, res) => {
      const s = await signedJson(miner.signer, miner.address, validator.address, "some-older-request", "stale");
      res
        .writeHead(200, s.headers)
        .end(Buffer.from(JSON.stringify({ v: 1, requestId: "some-older-request", text: "stale" })));
    });
    assert.equal(!r.ok && r.error, "bad_signature");
  });

  it("rejects a body altered after signing, an unsigned answer, and garbage", async () => {
    const tampered = await against(async (req, res) => {
      const s = await signedJson(miner.signer, miner.address, validator.address, rid(req), "real");
      res.writeHead(200, s.headers).end(Buffer.from(JSON.stringify({ v: 1, requestId: rid(req), text: "fake" })));
    });
    assert.equal(!tampered.ok && tampered.error, "bad_response");
    const unsigned = await against((req, res) => {
      const body = Buffer.from(JSON.stringify({ v: 1, requestId: rid(req), text: "x" }));
      res.writeHead(200, { "content-type": "application/json", [RH.bodyHash]: bodyHash(body) }).end(body);
    });
    assert.equal(!unsigned.ok && unsigned.error, "unsigned_response");
    const garbage = await against((_req, res) => res.writeHead(200).end("\u0000\u0001 not json"));
    assert.equal(!garbage.ok && garbage.status, 502);
    const html = await against((_req, res) => res.writeHead(500, { "content-type": "text/html" }).end("<h1>oops</h1>"));
    assert.deepEqual([html.ok, !html.ok && html.status, !html.ok && html.error], [false, 500, "http_500"]);
  });

  it("rejects a stream whose end line is signed by someone else, or missing", async () => {
    const impostor = newKey();
    const streamWith = (signer: HotkeySigner | undefined) => async (req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      const line = Buffer.from(`${JSON.stringify({ t: "d", d: "hi" })}\n`);
      res.write(line);
      if (signer === undefined) return res.end();
      const hash = bodyHash(line);
      const sig = await signer.signMessage({
        message: responseMessage({
          chainId: CHAIN_ID,
          netuid: NETUID,
          miner: miner.address,
          validator: validator.address,
          requestId: rid(req),
          bodyHash: hash,
        }),
      });
      res.end(`${JSON.stringify({ t: "end", hash, sig })}\n`);
    };
    const good = await against(streamWith(miner.signer), true);
    assert.equal(good.ok && good.text, "hi", "control");
    const forged = await against(streamWith(impostor.signer), true);
    assert.equal(!forged.ok && forged.error, "bad_signature");
    const truncated = await against(streamWith(undefined), true);
    assert.equal(!truncated.ok && truncated.error, "truncated_stream");
  });

  it("refuses an answer larger than maxResponseBytes, and a peer that never answers", async () => {
    const huge = await against((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(Buffer.alloc(200 * 1024, 0x61));
    });
    assert.equal(!huge.ok && huge.error, "response_too_large");
    const silent = await against(() => {
      /* never answers */
    });
    assert.deepEqual([silent.ok, !silent.ok && silent.status], [false, 408]);
  });

  it("counts the time spent signing against the query's timeout", async () => {
    const slowSigner: HotkeySigner = {
      address: validator.address,
      signMessage: (args) => {
        const until = performance.now() + 150; // e.g. a busy event loop, or many queries signed before this one
        while (performance.now() < until);
        return validator.signer.signMessage(args);
      },
    };
    const d = new Dendrite({ allowPrivateEndpoints: true, signer: slowSigner, chainId: CHAIN_ID, netuid: NETUID });
    const peer = await stubPeer(() => {
      /* never answers */
    });
    try {
      const r = await d.query({ hotkey: miner.address, url: peer.url }, TEXT, { timeoutMs: 200 });
      assert.deepEqual([r.ok, !r.ok && r.status], [false, 408]);
      // The timer ends 200 ms after the query began, not 200 ms after the signature (which would be >= 350).
      assert.ok(r.latencyMs < 330, `408 after ${r.latencyMs} ms`);
    } finally {
      d.close();
      await peer.close();
    }
  });

  it("a query aborted while it is being signed is cancelled (499) and never sent", async () => {
    const slowSigner: HotkeySigner = {
      address: validator.address,
      signMessage: async (args) => {
        await sleep(100); // a remote signer, or a busy machine
        return validator.signer.signMessage(args);
      },
    };
    const d = new Dendrite({ allowPrivateEndpoints: true, signer: slowSigner, chainId: CHAIN_ID, netuid: NETUID });
    let received = 0;
    const peer = await stubPeer(() => {
      received++; // never answers
    });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 20);
      const r = await d.query({ hotkey: miner.address, url: peer.url }, TEXT, { timeoutMs: 2_000, signal: ac.signal });
      assert.deepEqual([r.ok, !r.ok && r.status, !r.ok && r.error], [false, 499, "aborted"]);
      assert.ok(r.latencyMs < 500, `answered after ${r.latencyMs} ms, not at the 2 s timeout`);
      await sleep(50);
      assert.equal(received, 0, "the miner got no request");
    } finally {
      d.close();
      await peer.close();
    }
  });

  it("a peer that drops the connection mid-answer is a typed failure", async () => {
    const r = await against((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(`${JSON.stringify({ t: "d", d: "par" })}\n`);
      setTimeout(() => res.socket?.destroy(), 20);
    }, true);
    assert.equal(r.ok, false);
  });
});
