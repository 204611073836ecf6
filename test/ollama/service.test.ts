import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import {
  DEFAULT_OLLAMA_HOST,
  OllamaResponseError,
  OllamaService,
  OllamaUnreachableError,
  ollamaHostFromEnv,
  startFakeOllama,
  type FakeOllama,
} from "../../offchain/ollama/index.js";

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe("OllamaService (production wrapper) against the fake server", () => {
  let fake: FakeOllama;
  let svc: OllamaService;
  before(async () => {
    fake = await startFakeOllama({ models: ["have:1b"], pullSteps: 8, pullStepMs: 2 });
    svc = new OllamaService({ host: fake.url });
  });
  after(async () => {
    await fake.close();
  });

  it("OLLAMA_HOST or the default host", () => {
    assert.equal(ollamaHostFromEnv({}), "http://127.0.0.1:11434");
    assert.equal(ollamaHostFromEnv({ OLLAMA_HOST: " http://gpu-box:11434 " }), "http://gpu-box:11434");
    assert.equal(DEFAULT_OLLAMA_HOST, "http://127.0.0.1:11434");
    assert.equal(new OllamaService({ host: "http://x:1/" }).host, "http://x:1");
  });

  it("an unreachable server is one clear line naming the host and the fix", async () => {
    const down = new OllamaService({ host: "http://127.0.0.1:1" });
    await assert.rejects(down.version(), (e: unknown) => {
      assert.ok(e instanceof OllamaUnreachableError);
      assert.equal(
        e.message,
        "Ollama is not reachable at http://127.0.0.1:1: start it with `ollama serve`, or point OLLAMA_HOST (the miner: " +
          "--ollama-host) at a running one; on a local network the miner's --fake-ollama answers without one",
      );
      return true;
    });
    await assert.rejects(down.listModels(), OllamaUnreachableError);
  });

  it("lists models, matching names with and without the :latest tag", async () => {
    assert.equal(await svc.version(), "0.12.0-fake");
    assert.deepEqual(await svc.listModels(), ["have:1b"]);
    assert.equal(await svc.hasModel("have:1b"), true);
    assert.equal(await svc.hasModel("have"), false);
  });

  it("pulls a missing model with a progress bar (lines off a terminal, redraws on one)", async () => {
    const out = new Capture(false);
    assert.deepEqual(await svc.ensureModel("fresh", out), { pulled: true });
    assert.equal(await svc.hasModel("fresh:latest"), true);
    assert.match(out.text, /^pulling fresh: pulling manifest$/m);
    assert.match(out.text, /pulling fresh: pulling [0-9a-f]{12} \d+% \(/);
    assert.match(out.text, /^pulling fresh: success$/m);
    assert.ok(out.text.split("\n").length < 15, "a few lines, not one per frame");
    assert.deepEqual(await svc.ensureModel("fresh", out), { pulled: false }, "present: no pull");
    const tty = new Capture(true);
    await svc.ensureModel("other:3b", tty);
    assert.match(tty.text, /\r.*\[█+░*\]\s+\d+%/);
    assert.ok(tty.text.endsWith("\n"));
  });

  it("warm loads the model; residency reports GPU via size_vram, or CPU, or not loaded", async () => {
    assert.equal((await svc.residency("have:1b")).loaded, false);
    await svc.warm("have:1b");
    const r = await svc.residency("have:1b");
    assert.deepEqual([r.loaded, r.onGpu, r.processor], [true, true, "100% GPU"]);
    assert.ok(r.vramBytes > 0 && r.vramBytes === r.sizeBytes);
    const cpuFake = await startFakeOllama({ models: ["m:1b"], gpu: false });
    try {
      const cpu = new OllamaService({ host: cpuFake.url });
      await cpu.warm("m:1b");
      const c = await cpu.residency("m:1b");
      assert.deepEqual([c.loaded, c.onGpu, c.vramBytes, c.processor], [true, false, 0, "100% CPU"]);
    } finally {
      await cpuFake.close();
    }
  });

  it("streams pieces; an unknown model is a response error", async () => {
    const pieces: string[] = [];
    for await (const p of svc.stream("have:1b", "What is 6 * 7?", { signal: new AbortController().signal }))
      pieces.push(p);
    assert.deepEqual(pieces, ["42"]);
    await assert.rejects(
      (async () => {
        for await (const _ of svc.stream("absent:1b", "hi", { signal: new AbortController().signal })) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof OllamaResponseError && e.status === 404,
    );
  });

  it("abort on deadline mid-stream cancels the request at the server", async () => {
    await fake.setMode({ tokenDelayMs: 40 });
    try {
      const before = fake.stats.aborted;
      const signal = AbortSignal.timeout(100);
      const got: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const p of svc.stream("have:1b", "a b c d e f g h i j k l", { signal })) got.push(p);
        })(),
        (e: unknown) => (e as Error).name === "TimeoutError",
      );
      assert.ok(got.length >= 1 && got.length < 10, `stopped early (${got.length} pieces)`);
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(fake.stats.aborted, before + 1, "the fake server saw the client go");
    } finally {
      await fake.setMode({ tokenDelayMs: 0 });
    }
  });

  it("abort also works before Ollama sends any byte (a hung server)", async () => {
    await fake.setMode({ hang: true });
    try {
      const t0 = Date.now();
      await assert.rejects(
        (async () => {
          for await (const _ of svc.stream("have:1b", "hello", { signal: AbortSignal.timeout(150) })) {
            // nothing
          }
        })(),
      );
      assert.ok(Date.now() - t0 < 1_000);
    } finally {
      await fake.setMode({ hang: false });
    }
  });
});

describe("an Ollama behind basic auth (user:password in OLLAMA_HOST)", () => {
  it("sends the credentials as an Authorization header, the host without them", async () => {
    const { createServer } = await import("node:http");
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ models: [{ name: "m:1b" }] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    try {
      const svc = new OllamaService({ host: `http://miner:s3cret%21@127.0.0.1:${port}` });
      assert.deepEqual(await svc.listModels(), ["m:1b"]);
      assert.deepEqual(seen, [`Basic ${Buffer.from("miner:s3cret!").toString("base64")}`]);
    } finally {
      server.close();
    }
  });
});
