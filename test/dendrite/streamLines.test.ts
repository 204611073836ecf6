import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { DEFAULT_MAX_STREAM_LINE_BYTES, Dendrite, type DendriteResult } from "../../offchain/dendrite/index.js";
import { CHAIN_ID, NETUID, TEXT, newKey, signAnswer, type Key } from "../axon/helpers.js";

/** The write pattern of a stream: the bytes, then how they are cut into writes. */
type Writer = (res: ServerResponse, bytes: Buffer) => Promise<void>;

const inPieces =
  (size: number): Writer =>
  async (res, bytes) => {
    for (let i = 0; i < bytes.length; i += size) {
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + size));
      if (i % (size * 64) === 0) await new Promise((r) => setImmediate(r));
    }
  };

describe("dendrite: streamed answers are read line by line", () => {
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
      timeoutMs: 5_000,
    });
  });
  after(() => dendrite.close());

  /** A peer streaming `frames` (then a correctly signed end line unless `raw`), written by `write`. */
  async function stream(
    frames: string[],
    write: Writer,
    o: { raw?: Buffer; d?: Dendrite } = {},
  ): Promise<DendriteResult> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on("end", () => {
        void (async () => {
          res.writeHead(200, { "content-type": "application/x-ndjson" });
          if (o.raw) {
            await write(res, o.raw);
            res.end();
            return;
          }
          const lines = Buffer.from(frames.map((d) => `${JSON.stringify({ t: "d", d })}\n`).join(""));
          const { hash, sig } = await signAnswer(miner, validator.address, req, lines);
          await write(res, Buffer.concat([lines, Buffer.from(`${JSON.stringify({ t: "end", hash, sig })}\n`)]));
          res.end();
        })().catch(() => res.destroy());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return await (o.d ?? dendrite).query({ hotkey: miner.address, url }, { ...TEXT, stream: true });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }

  it("reassembles lines cut anywhere, several lines per chunk or one line over many", async () => {
    const frames = ["Hel", "lo, ", "wörld ✓", "", "x".repeat(5_000)];
    for (const size of [1, 3, 7, 100, 1 << 20]) {
      const r = await stream(frames, inPieces(size));
      assert.equal(r.ok && r.text, frames.join(""), `written ${size} bytes at a time`);
    }
  });

  it("accepts a frame up to the line cap and refuses a longer one as malformed", async () => {
    assert.equal(DEFAULT_MAX_STREAM_LINE_BYTES, 64 * 1024);
    const overhead = JSON.stringify({ t: "d", d: "" }).length;
    const fits = await stream(["a".repeat(DEFAULT_MAX_STREAM_LINE_BYTES - overhead)], inPieces(1000));
    assert.equal(fits.ok && fits.text.length, DEFAULT_MAX_STREAM_LINE_BYTES - overhead);
    const over = await stream(["a".repeat(DEFAULT_MAX_STREAM_LINE_BYTES - overhead + 1)], inPieces(1000));
    assert.equal(over.ok, false);
    if (over.ok) return;
    assert.deepEqual([over.status, over.error], [502, "bad_response"]);
    assert.match(over.reason, /a stream line exceeds 65536 bytes/);
  });

  it("refuses 1 MiB without a newline once the line passes the cap, not at the end", async () => {
    const r = await stream([], inPieces(100), { raw: Buffer.alloc(1024 * 1024, 0x61) });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error, "bad_response", "not response_too_large: the line cap comes first");
    assert.match(r.reason, /exceeds 65536 bytes/);
  });

  it("takes the cap from maxStreamLineBytes, and names a bad one", async () => {
    const small = new Dendrite({
      allowPrivateEndpoints: true,
      signer: validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      maxStreamLineBytes: 256,
    });
    try {
      const r = await stream(["b".repeat(300)], inPieces(64), { d: small });
      assert.equal(!r.ok && r.reason, "a stream line exceeds 256 bytes (the most a frame may have)");
      const ok = await stream(["b".repeat(100), "c".repeat(100)], inPieces(64), { d: small });
      assert.equal(ok.ok && ok.text, "b".repeat(100) + "c".repeat(100), "short lines, each under the cap");
    } finally {
      small.close();
    }
    assert.throws(
      () =>
        new Dendrite({
          allowPrivateEndpoints: true,
          signer: validator.signer,
          chainId: CHAIN_ID,
          netuid: NETUID,
          maxStreamLineBytes: 0,
        }),
      /maxStreamLineBytes 0 must be a positive integer/,
    );
  });
});
