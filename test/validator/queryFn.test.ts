/**
 * The validator's dendrites (createDendriteQuery): they query non-public endpoints only when told to (local
 * networks), and read no more of an answer than scoring can use.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { H, RH } from "../../offchain/protocol/index.js";
import { DEFAULT_MAX_ANSWER_CHARS } from "../../offchain/scoring/index.js";
import type { Task } from "../../offchain/tasks/task.js";
import { createDendriteQuery, type ChainAxon } from "../../offchain/validator/adapters/queryFn.js";
import { CHAIN_ID, NETUID, newKey, signAnswer, startAxon, type Fixture } from "../axon/helpers.js";

const task: Task = { id: "0000000000000001", kind: "open", template: "test", prompt: "What is 12 + 7?" };

describe("createDendriteQuery", () => {
  let fx: Fixture;
  before(async () => {
    fx = await startAxon({ clockSkewMs: 1_000 });
    await fx.ready();
  });
  after(() => fx.close());

  const axon = (url: string) => ({ url, hotkey: fx.miner.address, netuid: NETUID });

  it("refuses a loopback axon by default, and nothing reaches it", async () => {
    const pool = createDendriteQuery({ signer: fx.validator.signer, chainId: CHAIN_ID });
    try {
      const before = fx.backend.calls.length;
      const r = await pool.query(axon(fx.url), task, 2_000, new AbortController().signal);
      assert.deepEqual([r.ok, !r.ok && r.error], [false, "bad_endpoint"], JSON.stringify(r));
      assert.equal(fx.backend.calls.length, before);
    } finally {
      pool.close();
    }
  });

  it("queries it with allowPrivateEndpoints (local networks)", async () => {
    const pool = createDendriteQuery({ signer: fx.validator.signer, chainId: CHAIN_ID, allowPrivateEndpoints: true });
    try {
      const r = await pool.query(axon(fx.url), task, 2_000, new AbortController().signal);
      assert.equal(r.ok && r.text, "echo:What is 12 + 7?", JSON.stringify(r));
    } finally {
      pool.close();
    }
  });
});

describe("createDendriteQuery reads no more than scoring uses", () => {
  const validator = newKey();
  const miner = newKey();

  async function answer(handler: (req: IncomingMessage, res: ServerResponse) => unknown) {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => void handler(req, res));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const pool = createDendriteQuery({ signer: validator.signer, chainId: CHAIN_ID, allowPrivateEndpoints: true });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const axon: ChainAxon = { url, hotkey: miner.address, netuid: NETUID };
      return await pool.query(axon, task, 3_000, new AbortController().signal);
    } finally {
      pool.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  const signedJson = async (req: IncomingMessage, res: ServerResponse, text: string) => {
    const body = Buffer.from(JSON.stringify({ v: 1, requestId: String(req.headers[H.requestId]), text }));
    const { hash, sig } = await signAnswer(miner, validator.address, req, body);
    res.writeHead(200, { "content-type": "application/json", [RH.bodyHash]: hash, [RH.signature]: sig }).end(body);
  };

  it("refuses a 200 KiB answer", async () => {
    const r = await answer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(Buffer.alloc(200 * 1024, 0x61));
    });
    assert.deepEqual([r.ok, !r.ok && r.error], [false, "response_too_large"]);
  });

  it("accepts the longest answer scoring reads, in its largest JSON encoding", async () => {
    // Control characters: JSON.stringify writes each as \u00XX, 6 bytes.
    const text = "\u0001".repeat(DEFAULT_MAX_ANSWER_CHARS);
    const r = await answer((req, res) => signedJson(req, res, text));
    assert.equal(r.ok && r.text.length, DEFAULT_MAX_ANSWER_CHARS, JSON.stringify(r).slice(0, 300));
    const longer = await answer((req, res) => signedJson(req, res, "z".repeat(DEFAULT_MAX_ANSWER_CHARS + 1)));
    assert.deepEqual([longer.ok, !longer.ok && longer.error], [false, "response_too_large"]);
  });

  it("refuses a stream it did not ask for", async () => {
    const r = await answer((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" }).end(`${JSON.stringify({ t: "d", d: "x" })}\n`);
    });
    assert.deepEqual([r.ok, !r.ok && r.error], [false, "bad_response"]);
  });
});
