/**
 * What a miner's answer may cost the validator: a stream only when one was asked for, no more bytes or
 * characters than the dendrite's caps (a stream abandoned as soon as its text passes them), and a peer's
 * error text kept only up to MAX_PEER_REASON_CHARS.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { Dendrite, MAX_PEER_REASON_CHARS, type DendriteResult } from "../../offchain/dendrite/index.js";
import { H, RH } from "../../offchain/protocol/index.js";
import { CHAIN_ID, NETUID, TEXT, newKey, signAnswer } from "../axon/helpers.js";

const validator = newKey();
const miner = newKey();

const sign = (req: IncomingMessage, bytes: Buffer) => signAnswer(miner, validator.address, req, bytes);

/** A correctly signed NDJSON stream of `pieces`. */
const signedStream = (pieces: string[]) => async (req: IncomingMessage, res: ServerResponse) => {
  const lines = Buffer.from(pieces.map((d) => `${JSON.stringify({ t: "d", d })}\n`).join(""));
  const { hash, sig } = await sign(req, lines);
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.end(Buffer.concat([lines, Buffer.from(`${JSON.stringify({ t: "end", hash, sig })}\n`)]));
};

async function against(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  o: { stream?: boolean; maxAnswerChars?: number; maxResponseBytes?: number } = {},
): Promise<DendriteResult> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => void handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const d = new Dendrite({
    allowPrivateEndpoints: true,
    signer: validator.signer,
    chainId: CHAIN_ID,
    netuid: NETUID,
    timeoutMs: 3_000,
    ...(o.maxAnswerChars ? { maxAnswerChars: o.maxAnswerChars } : {}),
    ...(o.maxResponseBytes ? { maxResponseBytes: o.maxResponseBytes } : {}),
  });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return await d.query({ hotkey: miner.address, url }, { ...TEXT, stream: o.stream === true });
  } finally {
    d.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe("dendrite: bounds on what a miner's answer costs", () => {
  it("refuses a stream to a request that asked for JSON (a signed one, accepted when asked for)", async () => {
    const asked = await against(signedStream(["he", "llo"]), { stream: true });
    assert.equal(asked.ok && asked.text, "hello", JSON.stringify(asked));
    const unasked = await against(signedStream(["he", "llo"]));
    assert.equal(unasked.ok, false);
    if (unasked.ok) return;
    assert.deepEqual([unasked.status, unasked.error], [502, "bad_response"]);
    assert.match(unasked.reason, /NDJSON/);
  });

  it("abandons a stream as soon as its text passes maxAnswerChars", async () => {
    let written = 0;
    let closed = false;
    const r = await against(
      async (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.on("close", () => (closed = true));
        // Up to 4 000 lines of 100 characters (400 000): far past the cap, and never signed.
        for (let i = 0; i < 4_000 && !closed; i++) {
          res.write(`${JSON.stringify({ t: "d", d: "x".repeat(100) })}\n`);
          written++;
          await new Promise((r) => setImmediate(r));
        }
        res.end();
      },
      { stream: true, maxAnswerChars: 1_000, maxResponseBytes: 4 * 1024 * 1024 },
    );
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual([r.status, r.error], [502, "response_too_large"], r.reason);
    assert.match(r.reason, /1000 characters/);
    assert.ok(written < 4_000, `the peer wrote all ${written} lines: the stream was read to its end`);
  });

  it("refuses a JSON answer whose text passes maxAnswerChars", async () => {
    const r = await against(
      async (req, res) => {
        const body = Buffer.from(
          JSON.stringify({ v: 1, requestId: String(req.headers[H.requestId]), text: "y".repeat(1_001) }),
        );
        const { hash, sig } = await sign(req, body);
        res.writeHead(200, { "content-type": "application/json", [RH.bodyHash]: hash, [RH.signature]: sig }).end(body);
      },
      { maxAnswerChars: 1_000 },
    );
    assert.equal(!r.ok && r.error, "response_too_large", JSON.stringify(r));
  });

  it(`keeps at most ${MAX_PEER_REASON_CHARS} characters of a peer's error reason, and a short error code`, async () => {
    const long = "r".repeat(10_000);
    const http = await against((_req, res) =>
      res
        .writeHead(503, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "e".repeat(5_000), reason: long })),
    );
    const plain = await against((_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end(long));
    const streamed = await against(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.write(`${JSON.stringify({ t: "d", d: "par" })}\n`);
        res.end(`${JSON.stringify({ t: "err", status: 500, error: "e".repeat(5_000), reason: long })}\n`);
      },
      { stream: true },
    );
    for (const [name, r] of Object.entries({ http, plain, streamed })) {
      assert.equal(r.ok, false, name);
      if (r.ok) continue;
      assert.ok(r.reason.length <= MAX_PEER_REASON_CHARS, `${name}: a reason of ${r.reason.length} characters`);
      assert.ok(r.reason.startsWith("rrrr"), name);
      assert.ok(r.error.length <= 64, `${name}: an error code of ${r.error.length} characters`);
    }
  });
});
