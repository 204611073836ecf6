/**
 * Open-prompt scoring in a round: failures of one answer stay with that answer (an over-long answer is malformed
 * and never embedded, an answer that makes the embedder throw scores 0, the rest are scored), echoing the prompt
 * scores 0, the reference is asked for deterministically, and the open miners of a round are dealt several
 * prompts, each scored against its own reference.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hashEmbedding } from "../../offchain/ollama/embedding.js";
import { fakeAnswer, startFakeOllama, type FakeOllama } from "../../offchain/ollama/fakeServer.js";
import { createOllamaOpenModel } from "../../offchain/scoring/ollamaOpenModel.js";
import type { DendriteResult } from "../../offchain/scoring/index.js";
import { ValidatorStore } from "../../offchain/store/index.js";
import { referenceSeed } from "../../offchain/tasks/open.js";
import type { Task } from "../../offchain/tasks/index.js";
import type { Metagraph } from "../../offchain/validator/metagraph.js";
import {
  assignTasks,
  DEFAULT_MAX_OPEN_ANSWER_CHARS,
  runRound,
  type OpenModel,
  type QueryFn,
} from "../../offchain/validator/round.js";

const TIMEOUT = 300;
const hk = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const metagraph = (uids: number[]): Metagraph => ({
  netuid: 1,
  slot: 1000,
  neurons: uids.map((uid) => ({ uid, hotkey: hk(uid + 1), axon: { url: `http://miner-${uid}` } })),
});
const uidOf = (url: string) => Number(url.split("-")[1]);
const answer = (text: string, latencyMs = 10): DendriteResult => ({ ok: true, text, latencyMs });
const embedOf = async (texts: string[]) => texts.map((t) => hashEmbedding(t, 256));

const REFERENCE =
  "Plants capture sunlight in their leaves and turn water and carbon dioxide into sugar, releasing oxygen.";

describe("open answers: failures stay with the answer that caused them", () => {
  it("an over-long answer is malformed, a poisoned one scores 0, both folded in; honest ones are scored", async () => {
    const store = ValidatorStore.open(":memory:");
    const embedded: string[][] = [];
    // Like a recent Ollama without truncation: any input over 8 000 characters (or the marker) fails the call.
    const embed = async (texts: string[]) => {
      embedded.push(texts);
      if (texts.some((t) => t.length > 8_000 || t.includes("POISON"))) throw new Error("input exceeds the context");
      return embedOf(texts);
    };
    const q: QueryFn = async (axon) => {
      const uid = uidOf(axon.url);
      if (uid === 3) return answer("padding ".repeat(1_500)); // 12 000 characters
      if (uid === 4) return answer(`${REFERENCE} POISON`);
      return answer(REFERENCE);
    };
    const r = await runRound({
      metagraph: metagraph([1, 2, 3, 4, 5]),
      sample: "all",
      seed: "isolate",
      query: q,
      timeoutMs: TIMEOUT,
      store,
      slot: 5,
      kindWeights: { open: 1 },
      openPrompts: 1, // all five answers in one group: one embedding batch, as before the fix
      open: { reference: async () => REFERENCE, embed },
    });
    const by = new Map(r.results.map((x) => [x.uid, x]));
    for (const uid of [1, 2, 5]) {
      assert.equal(by.get(uid)?.outcome, "scored", `honest uid ${uid}`);
      assert.ok((by.get(uid)?.score ?? 0) > 0.9);
    }
    assert.deepEqual(
      [by.get(3)?.outcome, by.get(3)?.score, by.get(3)?.error],
      ["malformed", 0, "answer of 12000 characters"],
    );
    assert.deepEqual([by.get(4)?.outcome, by.get(4)?.score], ["malformed", 0]);
    assert.match(by.get(4)?.error ?? "", /embedding failed: input exceeds the context/);
    // Both bad answers count: they are in the EMA update, not left out of it.
    assert.deepEqual(r.emas.map((e) => e.uid).sort(), [1, 2, 3, 4, 5]);
    assert.ok(!embedded.some((texts) => texts.some((t) => t.length > DEFAULT_MAX_OPEN_ANSWER_CHARS)));
    store.close();
  });

  it("only the reference's own embedding failing leaves the answers unscored (EMA untouched)", async () => {
    const store = ValidatorStore.open(":memory:");
    const embed = async (texts: string[]) => {
      if (texts.includes(REFERENCE)) throw new Error("embedder down");
      return embedOf(texts);
    };
    const r = await runRound({
      metagraph: metagraph([1, 2]),
      sample: "all",
      seed: "ref-fails",
      query: async () => answer(REFERENCE),
      timeoutMs: TIMEOUT,
      store,
      slot: 6,
      kindWeights: { open: 1 },
      open: { reference: async () => REFERENCE, embed },
    });
    assert.deepEqual(
      r.results.map((x) => x.outcome),
      ["unscored", "unscored"],
    );
    assert.match(r.results[0]?.error ?? "", /embedding failed: embedder down/);
    assert.deepEqual(r.emas, []);
    store.close();
  });
});

describe("open answers against the fake Ollama", () => {
  let fake: FakeOllama;
  before(async () => {
    fake = await startFakeOllama({ models: ["llama3.2:1b", "nomic-embed-text"] });
  });
  after(() => fake.close());
  const model = () => createOllamaOpenModel({ model: "llama3.2:1b", embedModel: "nomic-embed-text", host: fake.url });

  it("an answer equal to the prompt scores 0; an honest answer still scores", async () => {
    const store = ValidatorStore.open(":memory:");
    // uid 1 echoes the prompt; uid 2 answers what the same model answers (the fake's reference).
    const q: QueryFn = async (axon, task: Task) =>
      answer(uidOf(axon.url) === 1 ? task.prompt : fakeAnswer("llama3.2:1b", task.prompt));
    const r = await runRound({
      metagraph: metagraph([1, 2]),
      sample: "all",
      seed: "echo",
      query: q,
      timeoutMs: 2_000,
      store,
      slot: 7,
      kindWeights: { open: 1 },
      openPrompts: 1,
      open: model(),
    });
    const by = new Map(r.results.map((x) => [x.uid, x]));
    assert.deepEqual([by.get(1)?.outcome, by.get(1)?.score], ["scored", 0]);
    assert.equal(by.get(2)?.outcome, "scored");
    assert.ok((by.get(2)?.score ?? 0) > 0.9);
    store.close();
  });

  it("asks for the reference at temperature 0 with the prompt's seed, and embeds with truncate", async () => {
    const prompt = "Explain tides to a journalist in two sentences.";
    await model().reference(prompt, AbortSignal.timeout(5_000));
    const chat = fake.lastBody("/api/chat");
    assert.deepEqual(chat?.options, { num_predict: 512, temperature: 0, seed: referenceSeed(prompt) });
    await model().reference(prompt, AbortSignal.timeout(5_000), { seed: 7 });
    assert.deepEqual((fake.lastBody("/api/chat")?.options as { seed?: number }).seed, 7);
    await model().embed(["a", "b"]);
    assert.equal(fake.lastBody("/api/embed")?.truncate, true);
  });

  it("a round passes each prompt's seed to the reference", async () => {
    const store = ValidatorStore.open(":memory:");
    const seen: [string, number | undefined][] = [];
    const m = model();
    const open: OpenModel = {
      embed: m.embed,
      reference: (p, signal, o) => (seen.push([p, o?.seed]), m.reference(p, signal, o)),
    };
    await runRound({
      metagraph: metagraph([1, 2, 3]),
      sample: "all",
      seed: "seeded",
      query: async (_axon, task) => answer(fakeAnswer("llama3.2:1b", task.prompt)),
      timeoutMs: 2_000,
      store,
      slot: 8,
      kindWeights: { open: 1 },
      open,
    });
    assert.ok(seen.length > 0);
    for (const [p, seed] of seen) assert.equal(seed, referenceSeed(p));
    assert.equal((fake.lastBody("/api/chat")?.options as { temperature?: number }).temperature, 0);
    store.close();
  });
});

describe("several open prompts per round", () => {
  const neurons = metagraph(Array.from({ length: 64 }, (_, i) => i)).neurons;

  it("deals 64 open miners 4 distinct prompts, 16 each, and a mixed round at least 4", () => {
    const count = (tasks: Map<number, Task>) => {
      const n = new Map<string, number>();
      for (const t of tasks.values()) if (t.kind === "open") n.set(t.prompt, (n.get(t.prompt) ?? 0) + 1);
      return n;
    };
    assert.deepEqual([...count(assignTasks(1, neurons, "deal", { open: 1 })).values()], [16, 16, 16, 16]);
    const mixed = count(assignTasks(1, neurons, "deal", { arithmetic: 1, open: 1 }));
    assert.ok(mixed.size >= 4, `${mixed.size} prompts`);
    assert.equal(count(assignTasks(1, neurons, "deal", { open: 1 }, 1)).size, 1);
    assert.equal(count(assignTasks(1, neurons.slice(0, 3), "deal", { open: 1 })).size, 3);
    assert.throws(() => assignTasks(1, neurons, "deal", { open: 1 }, 0), /openPrompts 0/);
    // Which miners share a prompt changes with the round seed.
    const a = assignTasks(1, neurons, "round-a", { open: 1 });
    const b = assignTasks(1, neurons, "round-b", { open: 1 });
    const together = (m: Map<number, Task>) =>
      neurons.filter((n) => m.get(n.uid)?.id === m.get(0)?.id).map((n) => n.uid);
    assert.notDeepEqual(together(a), together(b));
  });

  it("scores each group against its own reference, the references generated concurrently", async () => {
    const store = ValidatorStore.open(":memory:");
    const uids = Array.from({ length: 12 }, (_, i) => i + 1);
    const tasks = assignTasks(1, metagraph(uids).neurons, "groups", { open: 1 });
    const prompts = [...new Set([...tasks.values()].map((t) => t.prompt))].sort();
    assert.equal(prompts.length, 4);
    const SENTENCES = [
      "Volcanic magma rises through cracks in the crust and erupts as lava and ash.",
      "Banks lend deposits to borrowers and charge interest on every outstanding loan.",
      "Migrating birds navigate by the stars, the sun and the magnetic field of the planet.",
      "A compiler parses source code into a syntax tree and emits optimised machine instructions.",
    ];
    const refOf = (p: string) => SENTENCES[prompts.indexOf(p)] as string;
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const open: OpenModel = {
      embed: embedOf,
      reference: async (p) => {
        asked.push(p);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return refOf(p);
      },
    };
    // Everyone answers their own prompt's reference, but uid 1 answers another group's.
    const q: QueryFn = async (axon, task) => {
      const own = prompts.indexOf(task.prompt);
      return answer(uidOf(axon.url) === 1 ? (SENTENCES[(own + 1) % 4] as string) : refOf(task.prompt));
    };
    const r = await runRound({
      metagraph: metagraph(uids),
      sample: "all",
      seed: "groups",
      query: q,
      timeoutMs: TIMEOUT,
      store,
      slot: 9,
      kindWeights: { open: 1 },
      open,
    });
    assert.deepEqual([...asked].sort(), prompts, "one reference per prompt");
    assert.equal(most, 4, "the references were generated at the same time");
    const by = new Map(r.results.map((x) => [x.uid, x]));
    for (const uid of uids.slice(1)) assert.ok(Math.abs((by.get(uid)?.score ?? 0) - 1) < 1e-9, `uid ${uid}`);
    assert.deepEqual([by.get(1)?.outcome, by.get(1)?.score], ["scored", 0]);
    store.close();
  });
});
