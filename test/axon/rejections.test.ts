import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { H, RH, SignatureVerifier, responseMessage } from "../../offchain/protocol/index.js";
import { MetagraphCache } from "../../offchain/metagraph/cache.js";
import {
  CHAIN_ID,
  NETUID,
  TEXT,
  newKey,
  neuron,
  raw,
  send,
  signed,
  sleep,
  startAxon,
  type Fixture,
} from "./helpers.js";

describe("axon: every refusal has its status and does no work", () => {
  let fx: Fixture;
  before(async () => {
    fx = await startAxon({ bodyLimitBytes: 4096, ratePerSecond: 1000, rateBurst: 1000 });
  });
  after(async () => {
    await fx.close();
  });
  beforeEach(() => {
    fx.backend.calls = [];
  });

  async function expectRefused(
    p: Promise<{ status: number; json(): { error?: string; reason?: string } }>,
    status: number,
    error: string,
  ): Promise<void> {
    const res = await p;
    assert.equal(res.status, status, `status for ${error}`);
    const body = res.json();
    assert.equal(body.error, error);
    assert.equal(typeof body.reason, "string");
    assert.ok((body.reason ?? "").length > 10, "a reason a person can act on");
    assert.equal(fx.backend.calls.length, 0, "backend must not be called");
  }

  it("a valid request is answered and signed by the miner (the control case)", async () => {
    const res = await send(fx, TEXT, { requestId: "control-1" });
    assert.equal(res.status, 200);
    assert.equal(res.json().text, "echo:What is 12 + 7?");
    assert.equal(fx.backend.calls.length, 1);
    const hash = String(res.headers[RH.bodyHash]);
    const message = responseMessage({
      chainId: CHAIN_ID,
      netuid: NETUID,
      miner: fx.miner.address,
      validator: fx.validator.address,
      requestId: "control-1",
      bodyHash: hash as `0x${string}`,
    });
    assert.equal(
      new SignatureVerifier({ cacheKeys: 0 }).verify(message, String(res.headers[RH.signature]), fx.miner.address),
      true,
    );
  });

  it("unsigned: 401", async () => {
    const { headers, body } = await signed(fx, TEXT);
    delete headers[H.signature];
    await expectRefused(raw(fx.url, { headers, body }), 401, "unsigned");
  });

  it("no protocol headers at all: 401 unsigned", async () => {
    await expectRefused(
      raw(fx.url, { headers: { "content-type": "application/json" }, body: JSON.stringify(TEXT) }),
      401,
      "unsigned",
    );
  });

  it("signed by another key than the claimed validator: 401", async () => {
    const impostor = newKey();
    const { headers, body } = await signed(fx, TEXT, { signer: impostor.signer });
    headers[H.validator] = fx.validator.address; // claims to be the validator
    await expectRefused(raw(fx.url, { headers, body }), 401, "bad_signature");
  });

  it("a signed field altered after signing (timeout): 401", async () => {
    const { headers, body } = await signed(fx, TEXT);
    headers[H.timeoutMs] = "60000";
    await expectRefused(raw(fx.url, { headers, body }), 401, "bad_signature");
  });

  it("body swapped under a valid signature: 400 body_hash_mismatch", async () => {
    const { headers } = await signed(fx, TEXT);
    await expectRefused(
      raw(fx.url, { headers, body: JSON.stringify({ kind: "text", prompt: "other" }) }),
      400,
      "body_hash_mismatch",
    );
  });

  it("replayed (same request twice): the second gets 401", async () => {
    const { headers, body } = await signed(fx, TEXT);
    assert.equal((await raw(fx.url, { headers, body })).status, 200);
    fx.backend.calls = [];
    await expectRefused(raw(fx.url, { headers, body }), 401, "replayed_nonce");
  });

  it("nonce older than the caller's recent window: 401 replayed_nonce", async () => {
    const own = await startAxon({ nonceReorderMs: 200 });
    try {
      // Every nonce below is at most 300 ms under the newest the axon accepts, yet dated after its start plus the
      // clock skew (older ones are refused as stale whatever the window): wait until the axon is 400 ms old, so the
      // oldest is 100 ms clear of that bound (at 300 it sat on it, and a timer firing a millisecond early made it
      // stale under load).
      await sleep(Math.max(0, own.axon.noncesFromMs - own.axon.config.clockSkewMs + 400 - Date.now()));
      const top = (Date.now() + own.axon.config.clockSkewMs) * 1000; // the newest a validator's clock may be
      assert.equal((await send(own, TEXT, { nonce: top })).status, 200, "sets the high-water mark");
      assert.equal((await send(own, TEXT, { nonce: top - 100_000 })).status, 200, "100 ms below: inside the window");
      own.backend.calls = [];
      const refusedOld = await send(own, TEXT, { nonce: top - 300_000 });
      assert.deepEqual([refusedOld.status, refusedOld.json().error], [401, "replayed_nonce"], "300 ms below");
      const refusedSeen = await send(own, TEXT, { nonce: top - 100_000 });
      assert.deepEqual([refusedSeen.status, refusedSeen.json().error], [401, "replayed_nonce"], "seen");
      assert.equal(own.backend.calls.length, 0);
    } finally {
      await own.close();
    }
  });

  it("metagraph too old to trust (the chain unreachable past maxStaleMs): 503 metagraph_unavailable, not 403", async () => {
    let now = Date.now();
    const metagraph = new MetagraphCache({
      netuid: NETUID,
      maxStaleMs: 60_000,
      now: () => now,
      source: async () => ({ netuid: NETUID, neurons: [neuron(0, fx.miner), neuron(1, fx.validator)] }),
    });
    await metagraph.refresh();
    const own = await startAxon({}, fx.backend, { miner: fx.miner, validator: fx.validator, metagraph });
    try {
      assert.equal((await send(own, TEXT)).status, 200, "fresh snapshot: answered");
      fx.backend.calls = [];
      now += 61_000;
      const res = await send(own, TEXT);
      await expectRefused(Promise.resolve(res), 503, "metagraph_unavailable");
      assert.equal(res.headers["retry-after"], "5");
      assert.match(res.json().reason ?? "", /snapshot is 61 s old, too old to trust/);
    } finally {
      await own.close();
    }
  });

  it("stale (nonce 60 s old): 401", async () => {
    await expectRefused(send(fx, TEXT, { nonce: (Date.now() - 60_000) * 1000 }), 401, "stale_nonce");
  });

  it("future-dated (nonce 60 s ahead): 401", async () => {
    await expectRefused(send(fx, TEXT, { nonce: (Date.now() + 60_000) * 1000 }), 401, "future_nonce");
  });

  it("oversized by content-length: 413 before any check", async () => {
    const big = Buffer.alloc(5000, 0x61);
    await expectRefused(send(fx, TEXT, { body: big }), 413, "payload_too_large");
  });

  it("oversized without content-length (chunked): 413 while reading", async () => {
    const { headers } = await signed(fx, TEXT, { body: Buffer.alloc(9000, 0x20) });
    const res = await new Promise<{ status: number; json(): { error?: string; reason?: string } }>(
      (resolve, reject) => {
        const s = connect(Number(new URL(fx.url).port), "127.0.0.1");
        let data = "";
        s.on("data", (d) => (data += d.toString()));
        s.on("error", reject);
        s.on("close", () => {
          const status = Number(data.split(" ")[1]);
          const body = data.slice(data.indexOf("\r\n\r\n") + 4);
          const json = body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1);
          resolve({ status, json: () => JSON.parse(json) });
        });
        const hs = Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join("\r\n");
        s.write(
          `POST /v1/forward HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n${hs}\r\n\r\n`,
        );
        for (let i = 0; i < 9; i++) s.write(`3e8\r\n${" ".repeat(1000)}\r\n`);
        s.end("0\r\n\r\n");
      },
    );
    await expectRefused(Promise.resolve(res), 413, "payload_too_large");
  });

  it("malformed JSON (correctly signed): 400", async () => {
    await expectRefused(send(fx, TEXT, { body: Buffer.from('{"kind":"text", "prompt": ') }), 400, "malformed_json");
  });

  it("JSON of the wrong shape and types: 400 invalid_task", async () => {
    for (const body of [
      '{"kind":"text","prompt":42}',
      "[1,2,3]",
      "null",
      '{"kind":"text","prompt":"x","maxTokens":"9"}',
      '"str"',
    ]) {
      await expectRefused(send(fx, null, { body: Buffer.from(body) }), 400, "invalid_task");
    }
  });

  it("unknown hotkey (valid signature, not in the metagraph): 403", async () => {
    const stranger = newKey();
    await expectRefused(send(fx, TEXT, { signer: stranger.signer }), 403, "unknown_hotkey");
  });

  it("registered without a validator permit: 403 no_permit", async () => {
    const minerPeer = newKey();
    fx.metagraph.set(neuron(2, minerPeer, { validatorPermit: false }));
    await expectRefused(send(fx, TEXT, { signer: minerPeer.signer }), 403, "no_permit");
  });

  it("addressed to another miner: 403 wrong_miner", async () => {
    await expectRefused(send(fx, TEXT, { miner: newKey().address }), 403, "wrong_miner");
  });

  it("for another chain or subnet: 403 wrong_network", async () => {
    await expectRefused(send(fx, TEXT, { chainId: 1 }), 403, "wrong_network");
    await expectRefused(send(fx, TEXT, { netuid: NETUID + 1 }), 403, "wrong_network");
  });

  it("wrong protocol version: 400", async () => {
    const { headers, body } = await signed(fx, TEXT);
    headers[H.version] = "9";
    await expectRefused(raw(fx.url, { headers, body }), 400, "unsupported_version");
  });

  it("headers of the wrong type or shape: 400 bad_request", async () => {
    for (const [k, v] of [
      [H.nonce, "-5"],
      [H.nonce, "1e18"],
      [H.netuid, "seven"],
      [H.timeoutMs, "9999999999"],
      [H.validator, "0x1234"],
      [H.requestId, "has space"],
    ] as const) {
      const { headers, body } = await signed(fx, TEXT);
      headers[k] = v;
      await expectRefused(raw(fx.url, { headers, body }), 400, "bad_request");
    }
  });

  it("huge headers: 431 from the HTTP layer, server stays up", async () => {
    const { headers, body } = await signed(fx, TEXT);
    const res = await raw(fx.url, { headers: { ...headers, "x-junk": "a".repeat(20_000) }, body }).catch(() => ({
      status: 431,
    }));
    assert.equal(res.status, 431);
    assert.equal(fx.backend.calls.length, 0);
    assert.equal((await raw(fx.url, { method: "GET", path: "/health" })).status, 200);
  });

  it("garbage bytes on the socket and unknown routes never take the server down", async () => {
    await new Promise<void>((resolve) => {
      const s = connect(Number(new URL(fx.url).port), "127.0.0.1");
      s.on("error", () => resolve());
      s.on("close", () => resolve());
      s.resume();
      s.end(Buffer.from([0, 1, 2, 255, 13, 10, 13, 10, 0x47, 0x45, 0x54]));
    });
    assert.equal((await raw(fx.url, { method: "GET", path: "/v1/forward" })).status, 404);
    assert.equal((await raw(fx.url, { method: "POST", path: "/nope", body: "x" })).status, 404);
    const { headers, body } = await signed(fx, TEXT);
    assert.equal(
      (await raw(fx.url, { headers: { ...headers, "content-type": "text/plain" }, body })).status,
      200,
      "content type does not matter: the body is hashed bytes",
    );
    assert.equal((await raw(fx.url, { method: "GET", path: "/health" })).json().status, "ok");
  });
});

describe("axon: per-caller rate limit", () => {
  it("over-rate: 429 with Retry-After, and no work", async () => {
    const slow = await startAxon({ ratePerSecond: 1, rateBurst: 3 });
    const heavy = slow.validator;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(slow, TEXT, { signer: heavy.signer })).status);
    assert.deepEqual(statuses, [200, 200, 200]);
    slow.backend.calls = [];
    const res = await send(slow, TEXT, { signer: heavy.signer });
    assert.ok(Number(res.headers["retry-after"]) >= 1);
    assert.equal(res.status, 429);
    assert.equal(res.json().error, "rate_limited");
    assert.equal(slow.backend.calls.length, 0, "backend must not be called");
    // Another validator is not affected by this one's bucket.
    const other = newKey();
    slow.metagraph.set(neuron(5, other));
    assert.equal((await send(slow, TEXT, { signer: other.signer })).status, 200);
    await slow.close();
  });

  it("per source address, before any signature check: 429 even for forged callers", async () => {
    const fx = await startAxon({ ipRatePerSecond: 1, ipRateBurst: 2, ratePerSecond: 1000, rateBurst: 1000 });
    try {
      const impostor = newKey();
      const forged = async () => {
        const { headers, body } = await signed(fx, TEXT, { signer: impostor.signer });
        headers[H.validator] = fx.validator.address;
        return raw(fx.url, { headers, body });
      };
      assert.deepEqual([(await forged()).status, (await forged()).status], [401, 401]);
      const third = await forged();
      assert.equal(third.status, 429);
      assert.equal(third.json().error, "rate_limited");
      assert.equal(fx.backend.calls.length, 0);
    } finally {
      await fx.close();
    }
  });
});

describe("axon: peers cannot hold sockets open", () => {
  /** Sends `head` (and no more), then resolves with what came back and the ms until the socket closed. */
  const hold = (url: string, head: string) =>
    new Promise<{ reply: string; closedAfterMs: number }>((resolve) => {
      const t0 = Date.now();
      let reply = "";
      const s = connect(Number(new URL(url).port), "127.0.0.1");
      s.on("data", (d) => (reply += d.toString("latin1")));
      s.on("error", () => undefined);
      s.on("close", () => resolve({ reply, closedAfterMs: Date.now() - t0 }));
      s.write(head);
    });

  it("a task body that never finishes is cut at requestReadTimeoutMs; a refused one closes at once", async () => {
    const fx = await startAxon({ requestReadTimeoutMs: 1000 });
    try {
      const { headers } = await signed(fx, TEXT);
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
      const partial = `POST /v1/forward HTTP/1.1\r\nhost: x\r\n${lines.join("\r\n")}\r\ncontent-length: 100000\r\n\r\n{"x":`;
      const slow = await hold(fx.url, partial);
      assert.ok(slow.closedAfterMs < 5000, `closed after ${slow.closedAfterMs} ms`);
      const unsigned = await hold(
        fx.url,
        "POST /v1/forward HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{",
      );
      assert.match(unsigned.reply, /^HTTP\/1\.1 401/);
      assert.ok(unsigned.closedAfterMs < 900, `refused and closed after ${unsigned.closedAfterMs} ms, unread body`);
      const other = await hold(fx.url, "POST /nope HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\nabc");
      assert.match(other.reply, /^HTTP\/1\.1 404/);
      assert.ok(other.closedAfterMs < 900, "a body at another route is not read");
      assert.equal(fx.backend.calls.length, 0);
      assert.equal((await raw(fx.url, { method: "GET", path: "/health" })).status, 200, "still serving");
    } finally {
      await fx.close();
    }
  });
});
