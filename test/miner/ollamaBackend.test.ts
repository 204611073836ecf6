/**
 * What a validator learns when the miner's Ollama fails: the kind of failure, never the Ollama host (which may
 * carry credentials) nor an error text naming it. The details stay in the miner's log, with credentials stripped.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createLogger, type Logger } from "../../offchain/log.js";
import { parseMinerConfig, runMiner, type MinerChain } from "../../offchain/miner/index.js";
import { OllamaBackend, redactHost, scrubCredentials } from "../../offchain/miner/ollamaBackend.js";
import { OllamaService, startFakeOllama, type FakeOllama } from "../../offchain/ollama/index.js";
import { SpyBackend, TEXT, newKey, send, startAxon, type Fixture } from "../axon/helpers.js";

const SECRET = "s3cret";
/** Nothing listens on port 9 (discard) here: every request to it fails. */
const UNREACHABLE = "http://127.0.0.1:9";
/** An Ollama behind basic auth: the credentials go in a header (ollamaClientOptions), never in what is sent back. */
const CREDENTIALED = `http://miner:${SECRET}@127.0.0.1:9`;

function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger("test", { level: "debug", destination: { write: (l: string) => void lines.push(l) } });
  return { logger, text: () => lines.join("") };
}

async function axonOver(host: string, logger: Logger): Promise<Fixture> {
  const backend = new OllamaBackend({
    service: new OllamaService({ host, logger }),
    model: "tiny:1b",
    generationTimeoutMs: 5_000,
    logger,
  });
  return startAxon({}, new SpyBackend((task, ctx) => backend.answer(task, ctx)));
}

describe("OllamaBackend: what reaches the validator", () => {
  it("redactHost and scrubCredentials drop user info", () => {
    assert.equal(redactHost(CREDENTIALED), "http://127.0.0.1:9");
    assert.equal(redactHost("http://127.0.0.1:11434"), "http://127.0.0.1:11434");
    assert.equal(redactHost(`https://miner:${SECRET}@ollama.example/`), "https://ollama.example/");
    assert.equal(redactHost(`miner:${SECRET}@127.0.0.1:9`), "127.0.0.1:9", "no scheme: up to the @ dropped");
    assert.equal(
      scrubCredentials(`fetch ${CREDENTIALED}/api/chat failed; see https://u:p@x.example/a`, CREDENTIALED),
      "fetch http://127.0.0.1:9/api/chat failed; see https://x.example/a",
    );
  });

  it("Ollama unreachable: the kind of failure only, not the host or the error text", async () => {
    const fx = await axonOver(UNREACHABLE, capturingLogger().logger);
    try {
      const r = await send(fx, TEXT);
      assert.equal(r.status, 502);
      assert.deepEqual(r.json(), { error: "backend_error", reason: "Ollama unreachable" });
    } finally {
      await fx.close();
    }
  });

  it("Ollama at a host with credentials failing: a generic reason, JSON and streamed; no secret in the log", async () => {
    const { logger, text } = capturingLogger();
    const fx = await axonOver(CREDENTIALED, logger);
    try {
      const r = await send(fx, TEXT);
      assert.equal(r.status, 502);
      assert.deepEqual(r.json(), { error: "backend_error", reason: "Ollama unreachable" });
      const s = await send(fx, { ...TEXT, stream: true });
      assert.equal(s.status, 502, "failed before the first piece: a JSON error");
      assert.equal(s.json().reason, "Ollama unreachable");
      for (const body of [r.body, s.body]) {
        assert.ok(!body.includes(SECRET) && !body.includes("127.0.0.1:9"), `no host in the answer: ${body}`);
      }
      const log = text();
      assert.match(log, /Ollama is failing/, "the miner's log has the failure");
      assert.match(log, /"host":"http:\/\/127\.0\.0\.1:9"/, "with the host, user info stripped");
      assert.ok(!log.includes(SECRET), `no secret in the log: ${log}`);
    } finally {
      await fx.close();
    }
  });

  describe("Ollama answering errors", () => {
    let fake: FakeOllama;
    before(async () => {
      fake = await startFakeOllama({ models: ["tiny:1b"] });
    });
    after(async () => {
      await fake.close();
    });

    it("HTTP 500: the status only, not Ollama's error text", async () => {
      const { logger, text } = capturingLogger();
      const fx = await axonOver(fake.url, logger);
      try {
        await fake.setMode({ errorRate: 1 });
        const r = await send(fx, TEXT);
        assert.equal(r.status, 502);
        assert.deepEqual(r.json(), { error: "backend_error", reason: "Ollama answered HTTP 500" });
        assert.match(text(), /injected failure/, "Ollama's text is in the miner's log");
      } finally {
        await fake.setMode({ errorRate: 0 });
        await fx.close();
      }
    });
  });

  it("a miner started against an unreachable host with credentials: the error does not show them", async () => {
    const { logger, text } = capturingLogger();
    const cfg = parseMinerConfig({
      network: "localnet",
      netuid: 1,
      wallet: "w",
      port: 0,
      ollamaHost: CREDENTIALED,
      dataDir: mkdtempSync(path.join(os.tmpdir(), "miner-data-")),
    });
    const chain = {} as MinerChain; // never reached: Ollama is checked first
    await assert.rejects(runMiner(cfg, { chain, hotkey: newKey().signer, logger }), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.ok(!e.message.includes(SECRET), e.message);
      assert.match(e.message, /http:\/\/127\.0\.0\.1:9/, "the host is still named, without credentials");
      return true;
    });
    assert.ok(!text().includes(SECRET), text());
  });
});
