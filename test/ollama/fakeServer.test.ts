import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Ollama } from "ollama";
import { cosine, isConnectionError, startFakeOllama, type FakeOllama } from "../../offchain/ollama/index.js";

describe("fake Ollama through the real `ollama` client", () => {
  let fake: FakeOllama;
  let client: Ollama;
  before(async () => {
    fake = await startFakeOllama({ models: ["tiny:1b"], pullable: ["other:2b"], embeddingDims: 32 });
    client = new Ollama({ host: fake.url });
  });
  after(async () => {
    await fake.close();
  });

  it("version, tags and root", async () => {
    assert.match((await client.version()).version, /fake/);
    const tags = await client.list();
    assert.deepEqual(
      tags.models.map((m) => m.name),
      ["tiny:1b"],
    );
    assert.ok(tags.models[0]!.size > 0 && tags.models[0]!.digest.length === 64);
    assert.equal(await (await fetch(fake.url)).text(), "Ollama is running");
  });

  it("chat streams word pieces and ends with done + stats; arithmetic is solved", async () => {
    const it = await client.chat({
      model: "tiny:1b",
      messages: [{ role: "user", content: "What is 12 + 7?" }],
      stream: true,
    });
    const parts: string[] = [];
    let last;
    for await (const p of it) {
      parts.push(p.message.content);
      last = p;
    }
    assert.equal(parts.join(""), "19");
    assert.equal(last?.done, true);
    assert.equal(last?.done_reason, "stop");
    assert.equal(last?.eval_count, 1);

    const echo = await client.chat({
      model: "tiny:1b",
      messages: [{ role: "user", content: "Tell me about rivers" }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const p of echo) if (p.message.content !== "") pieces.push(p.message.content);
    assert.deepEqual(pieces, ["Echo", " from", " tiny:1b:", " Tell", " me", " about", " rivers"]);
  });

  it("generate, non-streamed and with num_predict", async () => {
    const r = await client.generate({ model: "tiny:1b", prompt: "Convert 5 km to m", stream: false });
    assert.equal(r.response, "5000");
    assert.equal(r.done, true);
    // A date phrasing the validator's generator never uses: not read as the subtraction 2024 - 01 - 15.
    const day = await client.generate({
      model: "tiny:1b",
      prompt: "What day of the week is 2024-01-15?",
      stream: false,
    });
    assert.equal(day.response, "Monday");
    const cut = await client.generate({
      model: "tiny:1b",
      prompt: "one two three four five",
      stream: false,
      options: { num_predict: 3 },
    });
    assert.equal(cut.response, "Echo from tiny:1b:");
    assert.equal(cut.done_reason, "length");
  });

  it("unknown model: 404 with Ollama's message", async () => {
    await assert.rejects(
      client.chat({ model: "nope", messages: [{ role: "user", content: "hi" }] }),
      (e: Error & { status_code?: number }) => {
        assert.equal(e.status_code, 404);
        assert.match(e.message, /model "nope" not found, try pulling it first/);
        return true;
      },
    );
  });

  it("embed: deterministic, normalised, similar texts closer than unrelated ones", async () => {
    const a = await client.embed({
      model: "tiny:1b",
      input: ["the cat sat on the mat", "the cat sat on a mat", "quantum chromodynamics lecture"],
    });
    const again = await client.embed({ model: "tiny:1b", input: "the cat sat on the mat" });
    assert.equal(a.embeddings.length, 3);
    assert.equal(a.embeddings[0]!.length, 32);
    assert.deepEqual(again.embeddings[0], a.embeddings[0]);
    assert.ok(Math.abs(Math.hypot(...a.embeddings[0]!) - 1) < 1e-9);
    assert.ok(cosine(a.embeddings[0]!, a.embeddings[1]!) > cosine(a.embeddings[0]!, a.embeddings[2]!));
  });

  it("pull streams progress, installs the model; unknown models fail in-stream", async () => {
    const it = await client.pull({ model: "other:2b", stream: true });
    const statuses: string[] = [];
    let maxCompleted = 0;
    for await (const p of it) {
      statuses.push(p.status);
      maxCompleted = Math.max(maxCompleted, p.completed ?? 0);
    }
    assert.equal(statuses[0], "pulling manifest");
    assert.equal(statuses.at(-1), "success");
    assert.ok(maxCompleted > 0);
    assert.ok(fake.models().includes("other:2b"));
    await assert.rejects(async () => {
      for await (const _ of await client.pull({ model: "missing:7b", stream: true })) {
        // drain
      }
    }, /file does not exist/);
  });

  it("ps reports loaded models with size_vram (GPU) after use; keep_alive 0 unloads", async () => {
    await client.generate({ model: "tiny:1b", prompt: "", keep_alive: "5m" });
    let ps = await client.ps();
    const m = ps.models.find((x) => x.name === "tiny:1b");
    assert.ok(m !== undefined && m.size_vram === m.size && m.size > 0);
    await client.generate({ model: "tiny:1b", prompt: "", keep_alive: 0 });
    ps = await client.ps();
    assert.equal(
      ps.models.find((x) => x.name === "tiny:1b"),
      undefined,
    );
  });

  it("modes: wrong answers, error rate (seeded), latency", async () => {
    await fake.setMode({ wrongAnswers: true });
    assert.equal((await client.generate({ model: "tiny:1b", prompt: "What is 12 + 7?" })).response, "20");
    await fake.setMode({ wrongAnswers: false, errorRate: 1 });
    await assert.rejects(client.generate({ model: "tiny:1b", prompt: "What is 1 + 1?" }), /injected failure/);
    await fake.setMode({ errorRate: 0, latencyMs: 120 });
    const t0 = Date.now();
    await client.generate({ model: "tiny:1b", prompt: "What is 1 + 1?" });
    assert.ok(Date.now() - t0 >= 110);
    await fake.setMode({ latencyMs: 0 });
  });

  it("goes down (connection refused) and comes back on the same port", async () => {
    const port = fake.port;
    await fake.setMode({ down: true });
    // Refused for new connections; a kept-alive socket may instead see the reset: both are "down".
    await assert.rejects(client.version(), (e: unknown) => isConnectionError(e));
    await assert.rejects(
      fetch(`${fake.url}/api/version`),
      (e: Error & { cause?: { code?: string } }) => e.cause?.code === "ECONNREFUSED",
    );
    await fake.setMode({ down: false });
    assert.equal(fake.port, port);
    assert.match((await client.version()).version, /fake/);
  });

  it("a client that abandons a stream is counted as aborted", async () => {
    await fake.setMode({ tokenDelayMs: 30 });
    const before = fake.stats.aborted;
    const it = await client.chat({
      model: "tiny:1b",
      messages: [{ role: "user", content: "a b c d e f g h i j" }],
      stream: true,
    });
    for await (const p of it) {
      if (p.message.content !== "") {
        it.abort();
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.stats.aborted, before + 1);
    await fake.setMode({ tokenDelayMs: 0 });
  });

  it("bad JSON and unknown routes get Ollama-like errors", async () => {
    const bad = await fetch(`${fake.url}/api/chat`, { method: "POST", body: "{nope" });
    assert.equal(bad.status, 400);
    assert.ok(typeof ((await bad.json()) as { error: string }).error === "string");
    assert.equal((await fetch(`${fake.url}/api/unknown`)).status, 404);
  });
});
