import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { Dendrite } from "../../offchain/dendrite/index.js";
import type { MetagraphSnapshot, NeuronInfo } from "../../offchain/metagraph/types.js";
import { createLogger, type Logger } from "../../offchain/log.js";
import {
  BurnTooHighError,
  HotkeyHasNoGasError,
  NotRegisteredError,
  SelfCheckError,
  ServingRateLimitedError,
  externalEndpoint,
  parseMinerConfig,
  runMiner,
  type MinerChain,
  type MinerConfigInput,
  type RunningMiner,
} from "../../offchain/miner/index.js";
import { OllamaUnreachableError, startFakeOllama, type FakeOllama } from "../../offchain/ollama/index.js";
import { buildProgram, configFromFlags } from "../../offchain/miner/main.js";
import { HEALTH_PATH, NonceSource } from "../../offchain/protocol/index.js";
import { StoreError, minerStorePath } from "../../offchain/store/index.js";
import { TEXT, newKey, raw, signed, sleep, type Key } from "../axon/helpers.js";

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

/**
 * In-memory chain: records calls in order; serveAxon checks the axon is really up when called, and is rate-limited
 * like the registry's: a hotkey that served less than SERVING_RATE_LIMIT slots ago is refused with the slot serving
 * is allowed again, whatever the endpoint. The served axon shows in the metagraph on the `hotkey`'s neuron.
 */
class FakeChain implements MinerChain {
  static readonly SERVING_RATE_LIMIT = 50n;
  readonly chainId = CHAIN_ID;
  events: string[] = [];
  registered = new Set<string>();
  neurons: NeuronInfo[] = [];
  burn = 500_000_000n;
  /** The hotkey's native balance (gas); undefined: the chain charges none and the method is absent. */
  gas: bigint | undefined;
  served: Array<{ endpoint: string; protocol: number; version: number; healthAtServe: number }> = [];
  /** The axon on chain: what the last successful serveAxon stored, at which slot. */
  axon: { endpoint: string; protocol: number; version: number; slot: bigint } | undefined;
  readonly #t0 = Date.now();
  constructor(
    /** The miner whose neuron carries `axon` in the metagraph. */
    readonly hotkey?: Address,
    /** Chain slot length (12 s on chain); a test that waits out the rate limit shortens it. */
    readonly slotMs = 12_000,
  ) {}
  slot(): bigint {
    return BigInt(Math.floor((Date.now() - this.#t0) / this.slotMs));
  }
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
    const now = this.slot();
    if (this.axon !== undefined) {
      const next = this.axon.slot + FakeChain.SERVING_RATE_LIMIT;
      if (now < next) throw new ServingRateLimitedError(endpoint, next, Number(next - now) * this.slotMs);
    }
    const health = await fetch(`${endpoint}${HEALTH_PATH}`).then(
      (r) => r.status,
      () => 0,
    );
    this.served.push({ endpoint, protocol, version, healthAtServe: health });
    this.axon = { endpoint, protocol, version, slot: now };
    return {};
  }
  get gasBalance(): MinerChain["gasBalance"] {
    const gas = this.gas;
    return gas === undefined ? undefined : async () => gas;
  }
  async isRegistered(netuid: number, hotkey: Address): Promise<boolean> {
    this.events.push(`isRegistered:${netuid}`);
    return this.registered.has(hotkey.toLowerCase());
  }
  async metagraph(netuid: number): Promise<MetagraphSnapshot> {
    const axon = this.axon;
    const self = this.hotkey?.toLowerCase();
    return {
      netuid,
      slot: this.slot(),
      neurons: this.neurons.map((n) =>
        axon !== undefined && n.hotkey.toLowerCase() === self
          ? { ...n, axon: { url: axon.endpoint, protocol: axon.protocol, version: axon.version } }
          : n,
      ),
    };
  }
}

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger(): {
  logger: Logger;
  lines: () => Array<{ level: number; msg: string } & Record<string, unknown>>;
} {
  const raw: string[] = [];
  const logger = createLogger("test", { level: "info", destination: { write: (l: string) => void raw.push(l) } });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as { level: number; msg: string }) };
}

async function until(what: string, cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A fresh data dir (the miner's store): tests never write under the home directory. */
const tempDataDir = (): string => mkdtempSync(path.join(os.tmpdir(), "miner-data-"));

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
    dataDir: tempDataDir(),
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

  it("checks Ollama, pulls the missing model with progress, warms it, self-checks, registers within max burn, then serves", async () => {
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
      assert.equal(running.publication?.state, "published");
    } finally {
      await running.close();
    }
  });

  it("an external URL that does not reach this axon fails before the registration burn", async () => {
    const chain = new FakeChain();
    const cfg = config(fake, { register: true, maxBurn: "1", externalUrl: "http://127.0.0.1:1" });
    await assert.rejects(runMiner(cfg, { chain, hotkey: newKey().signer, progressOut: new Sink() }), SelfCheckError);
    assert.deepEqual(chain.events, [], "nothing asked of the chain, nothing burned");
  });

  it("a restart within the serving rate limit comes back up: the unchanged endpoint is not served again", async () => {
    const miner = newKey();
    const chain = new FakeChain(miner.address);
    chain.registered.add(miner.address.toLowerCase());
    chain.neurons = [{ uid: 0, hotkey: miner.address, coldkey: miner.address, stake: 0n, validatorPermit: false }];
    const dataDir = tempDataDir();
    const first = await runMiner(config(fake, { dataDir }), { chain, hotkey: miner.signer, progressOut: new Sink() });
    assert.equal(first.publication?.state, "published");
    await first.close();
    const { logger, lines } = capturingLogger();
    const port = Number(new URL(first.url).port);
    const second = await runMiner(config(fake, { port, dataDir }), {
      chain,
      hotkey: miner.signer,
      progressOut: new Sink(),
      logger,
    });
    try {
      assert.equal(second.endpoint, first.endpoint);
      assert.equal(second.publication?.state, "unchanged");
      assert.equal(chain.events.filter((e) => e.startsWith("serveAxon")).length, 1, "sent once, by the first start");
      assert.ok(lines().some((l) => /the axon on chain is already this endpoint: serveAxon not sent/.test(l.msg)));
      assert.equal((await fetch(`${second.url}${HEALTH_PATH}`)).status, 200);
    } finally {
      await second.close();
    }
  });

  it("a changed endpoint inside the rate limit: the axon serves, the log names the slot, serveAxon is retried then", async () => {
    const miner = newKey();
    const chain = new FakeChain(miner.address, 10); // 10 ms slots: the 50-slot limit passes in 0.5 s
    chain.registered.add(miner.address.toLowerCase());
    chain.neurons = [{ uid: 0, hotkey: miner.address, coldkey: miner.address, stake: 0n, validatorPermit: false }];
    chain.axon = { endpoint: "http://203.0.113.7:8091", protocol: 0, version: 1, slot: chain.slot() };
    const { logger, lines } = capturingLogger();
    const running = await runMiner(config(fake), { chain, hotkey: miner.signer, progressOut: new Sink(), logger });
    try {
      assert.equal(running.publication?.state, "pending");
      assert.equal(chain.served.length, 0);
      const warn = lines().find((l) => l.level === 40 && /ServingRateLimited/.test(l.msg));
      assert.ok(warn, "a warning names the refusal");
      assert.match(warn.msg, /serving is allowed again at slot \d+.*the axon keeps serving/);
      const nextSlot = BigInt(String(warn.nextSlot));
      assert.equal((await fetch(`${running.url}${HEALTH_PATH}`)).status, 200, "the axon is up meanwhile");
      await until("the retried serveAxon", () => chain.served.length === 1);
      assert.equal(chain.served[0]!.endpoint, running.endpoint);
      assert.ok(chain.axon.slot >= nextSlot, `served at slot ${chain.axon.slot}, not before ${nextSlot}`);
      assert.equal(running.publication?.state, "published");
    } finally {
      await running.close();
    }
  });

  it("closing the miner cancels a pending serveAxon retry", async () => {
    const miner = newKey();
    const chain = new FakeChain(miner.address, 10);
    chain.registered.add(miner.address.toLowerCase());
    chain.axon = { endpoint: "http://203.0.113.7:8091", protocol: 0, version: 1, slot: chain.slot() };
    const running = await runMiner(config(fake), { chain, hotkey: miner.signer, progressOut: new Sink() });
    assert.equal(running.publication?.state, "pending");
    await running.close();
    assert.equal(running.publication?.state, "stopped");
    const tries = chain.events.filter((e) => e.startsWith("serveAxon")).length;
    await sleep(1_500);
    assert.equal(chain.events.filter((e) => e.startsWith("serveAxon")).length, tries, "no try after close");
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

  it("refuses to burn when the hotkey cannot pay serveAxon's gas afterwards", async () => {
    const chain = new FakeChain();
    chain.gas = 0n;
    const cfg = config(fake, { register: true, maxBurn: "1.5" });
    const hotkey = newKey();
    await assert.rejects(runMiner(cfg, { chain, hotkey: hotkey.signer, progressOut: new Sink() }), (e: unknown) => {
      assert.ok(e instanceof HotkeyHasNoGasError);
      assert.match(
        e.message,
        new RegExp(`hotkey ${hotkey.address} has no native balance to pay gas.*nothing was burned`),
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
      dataDir: tempDataDir(),
    });
    await assert.rejects(runMiner(cfg, { chain, hotkey: newKey().signer }), (e: unknown) => {
      assert.ok(e instanceof OllamaUnreachableError);
      assert.equal(
        e.message,
        "Ollama is not reachable at http://127.0.0.1:1: start it with `ollama serve`, or point OLLAMA_HOST (the miner: " +
          "--ollama-host) at a running one; on a local network the miner's --fake-ollama answers without one",
      );
      return true;
    });
    assert.deepEqual(chain.events, []);
  });

  it("--fake-ollama runs the built-in server, and says its pull and GPU are simulated", async () => {
    const chain = new FakeChain();
    const miner = newKey();
    chain.registered.add(miner.address.toLowerCase());
    const { logger, lines } = capturingLogger();
    const running = await runMiner(config(fake, { fakeOllama: true, serve: false }), {
      chain,
      hotkey: miner.signer,
      logger,
      progressOut: new Sink(),
    });
    try {
      assert.ok(running.fake !== undefined);
      assert.equal(running.ollama.host, running.fake.url);
      assert.ok(lines().some((l) => /fake Ollama simulates the pull and a GPU: no model is loaded/.test(l.msg)));
      assert.ok(!lines().some((l) => /model loaded on the GPU/.test(l.msg)), "no claim of a real GPU");
    } finally {
      await running.close();
    }
  });

  it("a damaged store in --data-dir stops the start, naming the file and the fix, before Ollama and the chain", async () => {
    const chain = new FakeChain();
    const dataDir = tempDataDir();
    const file = minerStorePath(dataDir);
    writeFileSync(file, "this is not a SQLite database, it was overwritten by mistake".repeat(100));
    const own = await startFakeOllama({ models: ["tiny:1b"] });
    try {
      await assert.rejects(
        runMiner(config(own, { dataDir }), { chain, hotkey: newKey().signer, progressOut: new Sink() }),
        (e: unknown) => {
          assert.ok(e instanceof StoreError, String(e));
          assert.equal(e.file, file);
          assert.match(e.message, new RegExp(`^Miner store ${file} is not a readable SQLite database`));
          assert.match(e.message, /Move it aside .* or start it with another --data-dir/);
          return true;
        },
      );
      assert.deepEqual(chain.events, [], "nothing asked of the chain");
      assert.deepEqual(own.stats.requests, {}, "Ollama not even asked");
    } finally {
      await own.close();
    }
  });
});

/** A chain where a fresh miner hotkey is registered (uid 0) beside a permitted validator (uid 1). */
function registeredMiner() {
  const chain = new FakeChain();
  const minerKey = newKey();
  const validator = newKey();
  chain.registered.add(minerKey.address.toLowerCase());
  chain.neurons = [
    { uid: 0, hotkey: minerKey.address, coldkey: minerKey.address, stake: 0n, validatorPermit: false },
    { uid: 1, hotkey: validator.address, coldkey: validator.address, stake: 10n ** 12n, validatorPermit: true },
  ];
  return { chain, minerKey, validator };
}

describe("miner restarted on the same --data-dir", () => {
  it("refuses a request captured before the restart as a replay and answers a fresh one at once", async () => {
    const fake = await startFakeOllama({ models: ["tiny:1b"] });
    const { chain, minerKey, validator } = registeredMiner();
    const dataDir = tempDataDir();
    const fx = { miner: minerKey, validator, nonces: new NonceSource() } as unknown as Parameters<typeof signed>[0];
    const dendrite = new Dendrite({
      allowPrivateEndpoints: true,
      signer: validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      timeoutMs: 3_000,
    });
    try {
      // The first start with a new store refuses nonces for one clock skew (1 s here), as every start used to.
      const first = await runMiner(
        config(fake, { serve: false, dataDir, limits: { generationTimeoutMs: 2_000, clockSkewMs: 1_000 } }),
        { chain, hotkey: minerKey.signer, progressOut: new Sink() },
      );
      let captured;
      try {
        assert.equal(first.store.file, minerStorePath(dataDir));
        await sleep(Math.max(0, first.axon.noncesFromMs - Date.now() + 1));
        captured = await signed(fx, TEXT, { chainId: CHAIN_ID, netuid: NETUID });
        assert.equal((await raw(first.url, captured)).status, 200, "answered by the first process");
      } finally {
        await first.close();
      }
      // The restart keeps the default 30 s clock skew: without the store it would refuse every task for 30 s.
      const second = await runMiner(config(fake, { serve: false, dataDir }), {
        chain,
        hotkey: minerKey.signer,
        progressOut: new Sink(),
      });
      try {
        assert.equal(second.axon.config.clockSkewMs, 30_000);
        const generations = fake.stats.generations;
        const replay = await raw(second.url, captured);
        assert.deepEqual([replay.status, replay.json().error], [401, "replayed_nonce"]);
        assert.equal(fake.stats.generations, generations, "no generation for the replay");
        const r = await dendrite.query({ hotkey: minerKey.address, url: second.url }, TEXT);
        assert.equal(r.ok && r.text, "19", JSON.stringify(r));
      } finally {
        await second.close();
      }
    } finally {
      dendrite.close();
      await fake.close();
    }
  });
});

describe("miner summary line", () => {
  it("logs what it answered and refused since the last line, as an operator watching it would want", async () => {
    const fake = await startFakeOllama({ models: ["tiny:1b"] });
    const { chain, minerKey, validator } = registeredMiner();
    const { logger, lines } = capturingLogger();
    const dendrite = new Dendrite({
      allowPrivateEndpoints: true,
      signer: validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      timeoutMs: 3_000,
    });
    const stranger = new Dendrite({
      allowPrivateEndpoints: true,
      signer: newKey().signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      timeoutMs: 3_000,
    });
    const miner = await runMiner(
      config(fake, {
        serve: false,
        summaryIntervalMs: 100,
        limits: { generationTimeoutMs: 2_000, clockSkewMs: 1_000 },
      }),
      { chain, hotkey: minerKey.signer, progressOut: new Sink(), logger },
    ).catch(async (e: unknown) => {
      await fake.close();
      throw e;
    });
    try {
      await sleep(Math.max(0, miner.axon.noncesFromMs - Date.now() + 1)); // a new store's first skew
      const ok = await dendrite.query({ hotkey: minerKey.address, url: miner.url }, TEXT);
      assert.ok(ok.ok, JSON.stringify(ok));
      const refused = await stranger.query({ hotkey: minerKey.address, url: miner.url }, TEXT);
      assert.ok(!refused.ok);
      await sleep(250);
      const summaries = lines().filter((l) => l.msg === "serving") as unknown as {
        answered: Record<string, number>;
        refused: Record<string, number>;
      }[];
      assert.ok(summaries.length >= 1, "a summary line every interval");
      const answered = summaries.reduce((n, l) => n + Object.values(l.answered).reduce((a, b) => a + b, 0), 0);
      const refusedCount = summaries.reduce((n, l) => n + Object.values(l.refused).reduce((a, b) => a + b, 0), 0);
      assert.ok(answered >= 2, `both requests answered (one 200, one 403): ${JSON.stringify(summaries)}`);
      assert.equal(refusedCount, 1, "the stranger's request refused, counted once");
      assert.ok(
        Object.keys(summaries.find((l) => Object.keys(l.refused).length > 0)!.refused)[0]!.includes("unknown_hotkey"),
      );
    } finally {
      await miner.close();
      dendrite.close();
      stranger.close();
      await fake.close();
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
    running = await runMiner(
      // The axon answers a Dendrite's nonces clockSkewMs after its start (no replay across a restart): 1 s here.
      config(fake, { serve: false, limits: { generationTimeoutMs: 2_000, maxConcurrent: 4, clockSkewMs: 1_000 } }),
      { chain, hotkey: minerKey.signer, progressOut: new Sink() },
    );
    dendrite = new Dendrite({
      allowPrivateEndpoints: true,
      signer: validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
      timeoutMs: 3_000,
    });
    await sleep(Math.max(0, running.axon.noncesFromMs - Date.now() + 1));
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
        assert.equal(r.reason, "Ollama unreachable", "the kind only: the host and the error text stay in the log");
      }
    }
    const text = await (await fetch(`${running.url}/health`)).text();
    const health = JSON.parse(text) as { status: string; backend: Record<string, unknown> };
    assert.equal(health.status, "ok");
    assert.deepEqual(health.backend, { ollama: "down", model: "tiny:1b" }, "up/down and the model, nothing more");
    assert.ok(!text.includes(new URL(fake.url).host), "the unauthenticated /health does not show the Ollama host");
    assert.ok(!/not reachable|ECONNREFUSED/i.test(text), "nor the raw error");
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

  it("--external-url in the registry's grammar (http(s)://host:port), refused before anything is spent", () => {
    const net = { ...base, network: "testnet" };
    for (const url of [
      "http://203.0.113.7:8091",
      "https://miner.example.com:443",
      "http://[2001:db8::1]:8091",
      "http://203.0.113.7:8091/", // a trailing "/" is dropped
    ])
      assert.doesNotThrow(() => parseMinerConfig({ ...net, externalUrl: url }), url);
    assert.equal(
      externalEndpoint(parseMinerConfig({ ...net, externalUrl: "http://203.0.113.7:8091/" })),
      "http://203.0.113.7:8091",
    );
    const refused: Array<[string, RegExp]> = [
      [
        "http://203.0.113.7",
        /"http:\/\/203\.0\.113\.7" has no port: .*write it explicitly, e\.g\. http:\/\/203\.0\.113\.7:8091/,
      ],
      ["http://203.0.113.7:8091/axon", /has something after the port \("\/axon"\).*drop the path/],
      ["http://203.0.113.7:8091?x=1", /has something after the port/],
      ["http://user:pw@203.0.113.7:8091", /has user info before the host/],
      ["http://203.0.113.7:0", /port "0" must be 1\.\.65535/],
      ["http://203.0.113.7:08091", /port "08091" must be 1\.\.65535, written without leading zeros/],
      ["http://203.0.113.7:65536", /port "65536" must be 1\.\.65535/],
      ["http://miner_1.example.com:8091", /host "miner_1\.example\.com" must be 1\.\.253 letters, digits/],
      ["http://[zz::1]:8091", /host \[zz::1\] is not an IPv6 address/],
      [`http://${"a".repeat(254)}:8091`, /must be 1\.\.253 letters/],
      [`http://${"a".repeat(300)}:8091`, /characters, more than the 267/],
      ["not a url", /must start with http:\/\/ or https:\/\//],
    ];
    for (const [url, message] of refused) {
      assert.throws(
        () => parseMinerConfig({ ...net, externalUrl: url }),
        (e: unknown) => {
          assert.match((e as Error).message, /^invalid miner setting externalUrl: --external-url /);
          assert.match((e as Error).message, message);
          return true;
        },
        url,
      );
    }
  });

  it("a loopback or unroutable --external-url is refused off local networks, allowed on them", () => {
    for (const url of [
      "http://127.0.0.1:8091",
      "http://127.8.9.10:8091",
      "http://localhost:8091",
      "http://LOCALHOST:8091",
      "http://miner.localhost:8091",
      "http://[::1]:8091",
      "http://[0:0:0:0:0:0:0:1]:8091",
      "http://[::ffff:127.0.0.1]:8091",
      "http://0.0.0.0:8091",
      "http://2130706433:8091", // 127.0.0.1 as an HTTP client reads it
      "http://255.255.255.255:8091",
    ]) {
      assert.throws(
        () => parseMinerConfig({ ...base, network: "finney", externalUrl: url }),
        /loopback or unroutable host .* validators on network finney cannot reach: publish this machine's public IP address or DNS name/,
        url,
      );
      assert.doesNotThrow(() => parseMinerConfig({ ...base, network: "localnet", externalUrl: url }), url);
    }
    assert.doesNotThrow(() => parseMinerConfig({ ...base, network: "finney", externalUrl: "http://10.0.0.5:8091" }));
  });

  it("--data-dir: the default is per wallet, hotkey and subnet under ~/.bittensor-evm/miners; ~ is expanded", () => {
    assert.equal(
      parseMinerConfig({ ...base, hotkey: "m1" }).dataDir,
      path.join(os.homedir(), ".bittensor-evm", "miners", "w", "m1", "netuid1"),
    );
    assert.equal(parseMinerConfig({ ...base, dataDir: "~/miner-a" }).dataDir, path.join(os.homedir(), "miner-a"));
    assert.equal(parseMinerConfig({ ...base, dataDir: "rel/dir" }).dataDir, path.resolve("rel/dir"), "absolute");
    const flags = buildProgram()
      .exitOverride()
      .parse(["node", "main.ts", "--network", "localnet", "--netuid", "2", "--wallet", "w", "--data-dir", "/srv/m"])
      .opts();
    assert.equal(configFromFlags(flags as Parameters<typeof configFromFlags>[0]).dataDir, "/srv/m");
  });

  it("--data-dir: an empty one is refused; a wallet or hotkey name that cannot name the default dir too", () => {
    assert.throws(
      () => parseMinerConfig({ ...base, dataDir: "" }),
      /^Error: invalid miner setting dataDir: --data-dir is empty: name the directory the miner keeps its state in, or leave it out for the default$/,
    );
    assert.throws(
      () => parseMinerConfig({ ...base, dataDir: "  " }),
      /invalid miner setting dataDir: --data-dir is empty/,
    );
    assert.throws(() => parseMinerConfig({ ...base, dataDir: "a\0b" }), /invalid miner setting dataDir: .*NUL/);
    assert.throws(
      () => parseMinerConfig({ ...base, dataDir: 7 as unknown as string }),
      /invalid miner setting dataDir/,
    );
    assert.throws(
      () => parseMinerConfig({ ...base, hotkey: "../../etc" }),
      /invalid miner setting hotkey: invalid hotkey name "\.\.\/\.\.\/etc"/,
    );
    assert.doesNotThrow(() => parseMinerConfig({ ...base, hotkey: "../../etc", dataDir: "/srv/m" }), "named dir");
  });

  it("--fake-ollama only on local networks", () => {
    assert.equal(parseMinerConfig({ ...base, fakeOllama: true }).fakeOllama, true);
    assert.throws(
      () => parseMinerConfig({ ...base, network: "finney", serve: false, fakeOllama: true }),
      /invalid miner setting fakeOllama: --fake-ollama answers from a built-in solver, not a model: it runs only on the local networks localhost, localnet, anvil, hardhat, not finney; drop --fake-ollama/,
    );
  });

  it("names every bad setting at once, one line each", () => {
    assert.throws(
      () => parseMinerConfig({ ...base, network: "sepolia", externalUrl: "http://127.0.0.1:8091", fakeOllama: true }),
      (e: Error) => {
        const lines = e.message.split("\n");
        assert.equal(lines.length, 2, e.message);
        assert.match(lines[0]!, /^invalid miner setting externalUrl: .*loopback/);
        assert.match(lines[1]!, /^invalid miner setting fakeOllama: /);
        return true;
      },
    );
  });
});
