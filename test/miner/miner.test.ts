import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { Dendrite } from "../../offchain/dendrite/index.js";
import type { MetagraphSnapshot, NeuronInfo } from "../../offchain/metagraph/types.js";
import {
  BurnTooHighError,
  NotRegisteredError,
  SelfCheckError,
  parseMinerConfig,
  runMiner,
  type MinerChain,
  type MinerConfigInput,
  type RunningMiner,
} from "../../offchain/miner/index.js";
import { OllamaUnreachableError, startFakeOllama, type FakeOllama } from "../../offchain/ollama/index.js";
import { HEALTH_PATH } from "../../offchain/protocol/index.js";
import { newKey, sleep, type Key } from "../axon/helpers.js";

const NETUID = 5;
const CHAIN_ID = 31337;

class Sink extends Writable {
  text = "";
  isTTY = false;
  override _write(c: Buffer, _e: string, cb: () => void): void {
    this.text += c.toString();
    cb();
  }
}

/** In-memory chain: records calls in order; serveAxon checks the axon is really up when called. */
class FakeChain implements MinerChain {
  readonly chainId = CHAIN_ID;
  events: string[] = [];
  registered = new Set<string>();
  neurons: NeuronInfo[] = [];
  burn = 500_000_000n;
  served: Array<{ endpoint: string; protocol: number; version: number; healthAtServe: number }> = [];
  async burnCost(netuid: number): Promise<bigint> {
    this.events.push(`burnCost:${netuid}`);
    return this.burn;
  }
  async register(netuid: number, maxBurn: bigint) {
    this.events.push(`register:${netuid}:${maxBurn}`);
    if (this.burn > maxBurn) throw new Error("BurnTooHigh");
    return { uid: 3, burned: this.burn };
  }
  async serveAxon(netuid: number, endpoint: string, protocol: number, version: number) {
    this.events.push(`serveAxon:${netuid}`);
    const health = await fetch(`${endpoint}${HEALTH_PATH}`).then(
      (r) => r.status,
      () => 0,
    );
    this.served.push({ endpoint, protocol, version, healthAtServe: health });
    return {};
  }
  async isRegistered(netuid: number, hotkey: Address): Promise<boolean> {
    this.events.push(`isRegistered:${netuid}`);
    return this.registered.has(hotkey.toLowerCase());
  }
  async metagraph(netuid: number): Promise<MetagraphSnapshot> {
    return { netuid, neurons: this.neurons };
  }
}

function config(fake: FakeOllama, over: Partial<MinerConfigInput> = {}) {
  return parseMinerConfig({
    network: "localnet",
    netuid: NETUID,
    wallet: "w",
    host: "127.0.0.1",
    port: 0,
    model: "tiny:1b",
    ollamaHost: fake.url,
    limits: { generationTimeoutMs: 2_000, maxConcurrent: 4 },
    ...over,
  });
}

describe("miner start-up", () => {
  let fake: FakeOllama;
  before(async () => {
    fake = await startFakeOllama({ models: [], pullSteps: 4, pullStepMs: 1 });
  });
  after(async () => {
    await fake.close();
  });

  it("checks Ollama, pulls the missing model with progress, warms it, registers within max burn, self-checks, then serves", async () => {
    const chain = new FakeChain();
    const miner = newKey();
    const progress = new Sink();
    const cfg = config(fake, { register: true, maxBurn: "1" });
    const running = await runMiner(cfg, { chain, hotkey: miner.signer, progressOut: progress });
    try {
      assert.match(progress.text, /pulling tiny:1b: success/);
      assert.ok(fake.models().includes("tiny:1b"));
      assert.equal((await running.ollama.residency("tiny:1b")).onGpu, true, "warmed: loaded and on the GPU");
      assert.deepEqual(chain.events, [
        `isRegistered:${NETUID}`,
        `burnCost:${NETUID}`,
        `register:${NETUID}:1000000000`,
        `serveAxon:${NETUID}`,
      ]);
      assert.equal(chain.served.length, 1);
      assert.equal(chain.served[0]!.endpoint, running.url);
      assert.equal(running.endpoint, running.url);
      assert.equal(chain.served[0]!.healthAtServe, 200, "the axon answered /health before serveAxon was sent");
      assert.deepEqual([chain.served[0]!.protocol, chain.served[0]!.version], [0, 1]);
    } finally {
      await running.close();
    }
  });

  it("refuses a burn above --max-burn, with both amounts, before sending anything", async () => {
    const chain = new FakeChain();
    chain.burn = 2_500_000_000n;
    const cfg = config(fake, { register: true, maxBurn: "1.5" });
    await assert.rejects(runMiner(cfg, { chain, hotkey: newKey().signer, progressOut: new Sink() }), (e: unknown) => {
      assert.ok(e instanceof BurnTooHighError);
      assert.equal(
        e.message,
        "registration on subnet 5 costs 2.5 TAO, above --max-burn 1.5 TAO: raise --max-burn or wait for the burn to decay",
      );
      return true;
    });
    assert.ok(!chain.events.some((e) => e.startsWith("register:")), "register never sent");
  });

  it("an unregistered hotkey without --register is a clear error", async () => {
    await assert.rejects(
      runMiner(config(fake), { chain: new FakeChain(), hotkey: newKey().signer, progressOut: new Sink() }),
      NotRegisteredError,
    );
  });

  it("does not serveAxon when the external endpoint does not reach this axon", async () => {
    const chain = new FakeChain();
    const miner = newKey();
    chain.registered.add(miner.address.toLowerCase());
    const cfg = config(fake, { externalUrl: "http://127.0.0.1:1" });
    await assert.rejects(runMiner(cfg, { chain, hotkey: miner.signer, progressOut: new Sink() }), (e: unknown) => {
      assert.ok(e instanceof SelfCheckError);
      assert.match(e.message, /http:\/\/127\.0\.0\.1:1\/health did not answer/);
      return true;
    });
    assert.ok(!chain.events.some((e) => e.startsWith("serveAxon")));
  });

  it("Ollama not running: the one-line error, before touching the chain", async () => {
    const chain = new FakeChain();
    const cfg = parseMinerConfig({
      network: "localnet",
      netuid: 1,
      wallet: "w",
      port: 0,
      ollamaHost: "http://127.0.0.1:1",
    });
    await assert.rejects(runMiner(cfg, { chain, hotkey: newKey().signer }), (e: unknown) => {
      assert.ok(e instanceof OllamaUnreachableError);
      assert.equal(
        e.message,
        "Ollama is not reachable at http://127.0.0.1:1: start it with `ollama serve` or set OLLAMA_HOST",
      );
      return true;
    });
    assert.deepEqual(chain.events, []);
  });

  it("--fake-ollama runs the built-in server", async () => {
    const chain = new FakeChain();
    const miner = newKey();
    chain.registered.add(miner.address.toLowerCase());
    const running = await runMiner(config(fake, { fakeOllama: true, serve: false }), {
      chain,
      hotkey: miner.signer,
      progressOut: new Sink(),
    });
    try {
      assert.ok(running.fake !== undefined);
      assert.equal(running.ollama.host, running.fake.url);
    } finally {
      await running.close();
    }
  });
});

describe("miner serving through a fake Ollama that fails", () => {
  let fake: FakeOllama;
  let chain: FakeChain;
  let minerKey: Key;
  let validator: Key;
  let running: RunningMiner;
  let dendrite: Dendrite;
  const target = () => ({ hotkey: minerKey.address, url: running.url });

  before(async () => {
    fake = await startFakeOllama({ models: ["tiny:1b"] });
    chain = new FakeChain();
    minerKey = newKey();
    validator = newKey();
    chain.registered.add(minerKey.address.toLowerCase());
    chain.neurons = [
      { uid: 0, hotkey: minerKey.address, coldkey: minerKey.address, stake: 0n, validatorPermit: false },
      { uid: 1, hotkey: validator.address, coldkey: validator.address, stake: 10n ** 12n, validatorPermit: true },
    ];
    running = await runMiner(config(fake, { serve: false }), {
      chain,
      hotkey: minerKey.signer,
      progressOut: new Sink(),
    });
    dendrite = new Dendrite({ signer: validator.signer, chainId: CHAIN_ID, netuid: NETUID, timeoutMs: 3_000 });
  });
  after(async () => {
    dendrite.close();
    await running.close();
    await fake.close();
  });

  it("answers verifiable tasks through the real ollama client, JSON and streamed", async () => {
    const r = await dendrite.query(target(), { kind: "text", prompt: "What is 12 + 7?" });
    assert.equal(r.ok && r.text, "19");
    const pieces: string[] = [];
    const s = await dendrite.query(
      target(),
      { kind: "text", prompt: "Tell me about rivers", stream: true },
      { onChunk: (p) => pieces.push(p) },
    );
    assert.equal(s.ok && s.text, "Echo from tiny:1b: Tell me about rivers");
    assert.ok(pieces.length >= 5, "arrived in pieces");
  });

  it("Ollama down: 502 JSON naming the cause, keeps serving, recovers when Ollama returns", async () => {
    await fake.setMode({ down: true });
    for (let i = 0; i < 2; i++) {
      const r = await dendrite.query(target(), { kind: "text", prompt: "What is 1 + 1?" });
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.status, 502);
        assert.equal(r.error, "backend_error");
        assert.match(r.reason, /Ollama is not reachable at/);
      }
    }
    const health = (await (await fetch(`${running.url}/health`)).json()) as {
      status: string;
      backend: { ollama: string };
    };
    assert.deepEqual([health.status, health.backend.ollama], ["ok", "down"]);
    await fake.setMode({ down: false });
    const back = await dendrite.query(target(), { kind: "text", prompt: "What is 1 + 1?" });
    assert.equal(back.ok && back.text, "2");
    assert.equal(
      ((await (await fetch(`${running.url}/health`)).json()) as { backend: { ollama: string } }).backend.ollama,
      "up",
    );
  });

  it("Ollama failing with errors: 502, then fine again", async () => {
    await fake.setMode({ errorRate: 1 });
    const r = await dendrite.query(target(), { kind: "text", prompt: "What is 2 + 2?" });
    assert.deepEqual([r.ok, !r.ok && r.status, !r.ok && r.error], [false, 502, "backend_error"]);
    await fake.setMode({ errorRate: 0 });
    assert.equal((await dendrite.query(target(), { kind: "text", prompt: "What is 2 + 2?" })).ok, true);
  });

  it("Ollama slower than the miner's generation limit: 504, and serving continues", async () => {
    await fake.setMode({ latencyMs: 2_500 });
    const r = await dendrite.query(target(), { kind: "text", prompt: "What is 3 + 3?" }, { timeoutMs: 5_000 });
    assert.deepEqual([r.ok, !r.ok && r.status, !r.ok && r.error], [false, 504, "backend_timeout"]);
    await fake.setMode({ latencyMs: 0 });
    assert.equal((await dendrite.query(target(), { kind: "text", prompt: "What is 3 + 3?" })).ok, true);
  });

  it("caller's deadline passes: 408, and the generation is aborted at Ollama", async () => {
    await fake.setMode({ tokenDelayMs: 100 });
    const aborted = fake.stats.aborted;
    const r = await dendrite.query(
      target(),
      { kind: "text", prompt: "one two three four five six seven eight nine ten" },
      { timeoutMs: 300 },
    );
    assert.deepEqual([r.ok, !r.ok && r.status], [false, 408]);
    await sleep(250);
    assert.equal(fake.stats.aborted, aborted + 1, "Ollama saw the request cancelled");
    await fake.setMode({ tokenDelayMs: 0 });
  });

  it("wrong-answer mode reaches the validator unchanged (the miner does not fix answers)", async () => {
    await fake.setMode({ wrongAnswers: true });
    const r = await dendrite.query(target(), { kind: "text", prompt: "What is 12 + 7?" });
    assert.equal(r.ok && r.text, "20");
    await fake.setMode({ wrongAnswers: false });
  });
});

describe("miner config", () => {
  const base = { network: "localnet", netuid: 1, wallet: "w" };
  it("defaults and TAO amounts", () => {
    const c = parseMinerConfig({ ...base, register: true, maxBurn: "0.25" });
    assert.equal(c.maxBurn, 250_000_000n);
    assert.equal(c.port, 8091);
    assert.equal(c.model, "llama3.2:1b");
    assert.equal(c.limits.maxConcurrent, 4);
  });
  it("clear errors naming the setting and the fix", () => {
    assert.throws(() => parseMinerConfig({ ...base, netuid: 70_000 }), /invalid miner setting netuid/);
    assert.throws(() => parseMinerConfig({ ...base, register: true }), /--register needs --max-burn/);
    assert.throws(() => parseMinerConfig({ ...base, maxBurn: "1.2.3" }), /not a TAO amount/);
    assert.throws(() => parseMinerConfig({ ...base, network: "mainnet" }), /needs --external-url/);
    assert.doesNotThrow(() => parseMinerConfig({ ...base, network: "mainnet", serve: false }));
    assert.throws(() => parseMinerConfig({ ...base, limits: { maxConcurrent: 0 } }), /limits\.maxConcurrent/);
    assert.throws(() => parseMinerConfig({ ...base, externalUrl: "ftp://x:1" }), /http:\/\//);
  });
});
