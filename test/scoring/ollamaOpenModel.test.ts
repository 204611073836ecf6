import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { startFakeOllama, type FakeOllama } from "../../offchain/ollama/fakeServer.js";
import { createOllamaOpenModel } from "../../offchain/scoring/ollamaOpenModel.js";
import { similarityScores } from "../../offchain/scoring/similarity.js";

describe("the Ollama open-prompt model", () => {
  let fake: FakeOllama;
  before(async () => {
    fake = await startFakeOllama({ models: ["llama3.2:1b", "nomic-embed-text"], embeddingDims: 32 });
  });
  after(() => fake.close());
  const model = (over: Partial<Parameters<typeof createOllamaOpenModel>[0]> = {}) =>
    createOllamaOpenModel({ model: "llama3.2:1b", embedModel: "nomic-embed-text", host: fake.url, ...over });

  it("answers the prompt through /api/chat and embeds through /api/embed", async () => {
    const m = model();
    const ref = await m.reference("Explain tides to a journalist in two sentences.", AbortSignal.timeout(5_000));
    assert.match(ref, /Explain tides to a journalist/);
    const vectors = await m.embed([ref, "something else entirely"]);
    assert.deepEqual(
      vectors.map((v) => v.length),
      [32, 32],
    );
    const [same, other] = await similarityScores(m.embed, ref, [ref, "zebra quantum"], m.similarityFloor);
    assert.equal(same, 1);
    assert.ok((other as number) < 0.5);
    assert.ok((fake.stats.requests["POST /api/chat"] ?? 0) > 0 && (fake.stats.requests["POST /api/embed"] ?? 0) > 0);
  });

  it("names the model and host when Ollama refuses, and stops the reference and the embedding on abort", async () => {
    await assert.rejects(model({ embedModel: "missing-embed" }).embed(["a"]), (e: Error) => {
      assert.match(e.message, /embedding with missing-embed at http:\/\/127\.0\.0\.1:\d+ failed: .*not found/);
      return true;
    });
    await fake.setMode({ hang: true });
    try {
      const abort = new AbortController();
      const pending = model().reference("hello", abort.signal);
      setTimeout(() => abort.abort(new Error("round over")), 20);
      await assert.rejects(pending, /round over/);
      // The embedding too: the caller's signal cancels it well before its own 60 s limit.
      const embedAbort = new AbortController();
      const embedding = model().embed(["a", "b"], embedAbort.signal);
      setTimeout(() => embedAbort.abort(new Error("validator stopping")), 20);
      const t0 = performance.now();
      await assert.rejects(embedding, /embedding with nomic-embed-text .* failed/);
      assert.ok(performance.now() - t0 < 2_000);
    } finally {
      await fake.setMode({ hang: false });
    }
    assert.throws(() => model({ similarityFloor: 1 }), /similarityFloor 1 must be in \[-1, 1\)/);
  });

  it("keeps an OLLAMA_HOST's credentials out of its errors, for the reference and the embedding", async () => {
    const withPassword = fake.url.replace("http://", "http://val:s3cret@");
    await assert.rejects(model({ host: withPassword, embedModel: "missing-embed" }).embed(["a"]), (e: Error) => {
      assert.match(e.message, /embedding with missing-embed at .* failed/);
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    });
    await assert.rejects(
      model({ host: "http://val:s3cret@127.0.0.1:1", model: "llama3.2:1b" }).reference(
        "hi",
        AbortSignal.timeout(5_000),
      ),
      (e: Error) => {
        assert.doesNotMatch(e.message, /s3cret/);
        return true;
      },
    );
  });

  it("refuses an embedding answer of the wrong shape (zod at the edge)", async () => {
    const bodies = [{ embeddings: [[0.1, 0.2]] }, { embeddings: [[1], [1, 2]] }, { embeddings: "nope" }];
    let i = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(bodies[i++ % bodies.length]));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const m = model({ host: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      await assert.rejects(m.embed(["a", "b"]), /returned 1 vectors of lengths 2 for 2 texts/);
      await assert.rejects(m.embed(["a", "b"]), /returned 2 vectors of lengths 1\/2 for 2 texts/);
      await assert.rejects(m.embed(["a"]), /answered an unexpected shape/);
      assert.deepEqual(await m.embed([]), [], "nothing to embed: no request");
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
