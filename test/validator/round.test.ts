import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DendriteResult } from "../../offchain/scoring/index.js";
import { ValidatorStore } from "../../offchain/store/index.js";
import { solve, type Task } from "../../offchain/tasks/index.js";
import type { Metagraph } from "../../offchain/validator/metagraph.js";
import { runRound, sampleNeurons, STOPPING, type QueryFn } from "../../offchain/validator/round.js";

const TIMEOUT = 300;
const SLACK = 20;
const hk = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

function metagraph(uids: number[], over: Record<number, Partial<Metagraph["neurons"][number]>> = {}): Metagraph {
  return {
    netuid: 1,
    slot: 1000,
    neurons: uids.map((uid) => ({ uid, hotkey: hk(uid + 1), axon: { url: `http://miner-${uid}` }, ...over[uid] })),
  };
}

const uidOf = (url: string) => Number(url.split("-")[1]);
const answer = (text: string, latencyMs = 10): DendriteResult => ({ ok: true, text, latencyMs });

/** uid 1 right, 2 wrong, 3 hangs forever, 4 garbage, 5 throws, 6 right but slow, 7 unsigned reply. */
const miners: QueryFn = async (axon, task) => {
  const truth = "answer" in task ? task.answer : "";
  switch (uidOf(axon.url)) {
    case 1:
      return answer(`Sure. The answer is ${solve(task.prompt)}.`);
    case 2:
      return answer(`The answer is ${truth === "1" ? "2" : "1"}.`);
    case 3:
      return new Promise<DendriteResult>(() => {});
    case 4:
      return { garbage: true } as unknown as DendriteResult;
    case 5:
      throw new Error("connection reset");
    case 6:
      await new Promise((r) => setTimeout(r, 50));
      return answer(String(solve(task.prompt)), Math.round(TIMEOUT * 0.8));
    default:
      return { ok: false, status: 401, error: "response signature invalid", latencyMs: 12 };
  }
};

describe("runRound", () => {
  it("finishes at its deadline with a hung miner, and ranks the miners", async () => {
    const store = ValidatorStore.open(":memory:");
    const m = metagraph([0, 1, 2, 3, 4, 5, 6, 7, 8], { 0: { hotkey: "0xSELF" }, 8: { axon: null } });
    const t0 = performance.now();
    const round = await runRound({
      metagraph: m,
      sample: "all",
      seed: "round-test",
      query: miners,
      timeoutMs: TIMEOUT,
      slackMs: SLACK,
      store,
      slot: 1000,
      selfHotkey: "0xself",
    });
    const took = performance.now() - t0;
    assert.ok(took >= TIMEOUT - 1, `round took ${took} ms: it cannot end before the hung miner's time is up`);
    const byUid = new Map(round.results.map((r) => [r.uid, r]));
    assert.equal(byUid.has(0), false, "the validator queried itself");
    assert.deepEqual(
      round.results.map((r) => r.uid),
      [1, 6, 2, 3, 4, 5, 7, 8],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((u) => byUid.get(u)?.outcome),
      ["correct", "wrong", "timeout", "malformed", "error", "correct", "failed", "unreachable"],
    );
    assert.equal(byUid.get(1)?.score, 1);
    assert.equal(byUid.get(6)?.score, 0.625); // 80% of the timeout: 1 - 0.5 × (0.8 - 0.2) / 0.8
    for (const u of [2, 3, 4, 5, 7, 8]) assert.equal(byUid.get(u)?.score, 0);
    assert.equal(byUid.get(7)?.status, 401);
    // EMAs: every sampled uid got a record, starting from 0.
    const emas = new Map(store.scores(1).map((e) => [e.uid, e]));
    assert.equal(emas.get(1)?.ema, 0.1);
    assert.equal(emas.get(6)?.ema, 0.0625);
    assert.equal(emas.get(3)?.ema, 0);
    assert.equal(emas.get(1)?.updatedSlot, 1000);
    // Verifiable tasks only: they moved the verifiable average (the same as the combined one), not the open one.
    assert.deepEqual(
      [emas.get(6)?.verifiable, emas.get(6)?.open],
      [
        { ema: 0.0625, samples: 1 },
        { ema: 0, samples: 0 },
      ],
    );
    assert.deepEqual(
      [...round.emas].sort((a, b) => a.uid - b.uid),
      store.scores(1),
    );
    assert.equal(emas.has(0), false);
    store.close();
  });

  it("aborts the hung query's signal when its time is up", async () => {
    const store = ValidatorStore.open(":memory:");
    let aborted = false;
    const hang: QueryFn = (_a, _t, _ms, signal) =>
      new Promise<DendriteResult>(() => signal.addEventListener("abort", () => (aborted = true)));
    const r = await runRound({
      metagraph: metagraph([1]),
      sample: "all",
      seed: 1,
      query: hang,
      timeoutMs: 50,
      slackMs: 10,
      store,
      slot: 1,
    });
    assert.equal(r.results[0]?.outcome, "timeout");
    assert.equal(aborted, true);
    store.close();
  });

  it("gives every query the time left until one round deadline, however late it starts", async () => {
    const store = ValidatorStore.open(":memory:");
    const calls: { at: number; budget: number }[] = [];
    const busy: QueryFn = async (_a, task, budget) => {
      calls.push({ at: performance.now(), budget });
      const until = performance.now() + 15; // CPU work before the request (signing) delays the next query
      while (performance.now() < until);
      return answer(String(solve(task.prompt)));
    };
    const before = performance.now();
    const r = await runRound({
      metagraph: metagraph([1, 2, 3, 4]),
      sample: "all",
      seed: "budget",
      query: busy,
      timeoutMs: 1000,
      store,
      slot: 1,
    });
    assert.equal(calls.length, 4);
    const ends = calls.map((c) => c.at + c.budget);
    assert.ok(Math.max(...ends) - Math.min(...ends) <= 1.5, `deadlines ${ends.join(", ")} differ`);
    assert.ok(Math.min(...ends) >= before + 1000 - 1, "the deadline is the round start + timeout");
    for (let i = 1; i < calls.length; i++)
      assert.ok((calls[i]?.budget ?? 0) <= (calls[i - 1]?.budget ?? 0) - 14, `budgets ${calls.map((c) => c.budget)}`);
    assert.equal(r.results.filter((x) => x.outcome === "correct").length, 4);
    store.close();
  });

  it("drops an answer that completes after the deadline as late", async () => {
    const store = ValidatorStore.open(":memory:");
    const ignoresBudget: QueryFn = async (_a, task, budget) => {
      await new Promise((res) => setTimeout(res, budget + 15));
      return answer(String(solve(task.prompt)), 5); // claims to be fast
    };
    const r = await runRound({
      metagraph: metagraph([1]),
      sample: "all",
      seed: 3,
      query: ignoresBudget,
      timeoutMs: 50,
      slackMs: 500,
      store,
      slot: 1,
    });
    assert.deepEqual([r.results[0]?.outcome, r.results[0]?.score], ["late", 0]);
    store.close();
  });

  it("does not score miners it had no time to ask (concurrency below the sample)", async () => {
    const store = ValidatorStore.open(":memory:");
    const asked: number[] = [];
    const hang: QueryFn = (axon) => {
      asked.push(uidOf(axon.url));
      return new Promise<DendriteResult>(() => {});
    };
    const r = await runRound({
      metagraph: metagraph([1, 2, 3]),
      sample: "all",
      seed: 4,
      query: hang,
      timeoutMs: 40,
      slackMs: 5,
      store,
      slot: 1,
      concurrency: 1,
    });
    assert.equal(asked.length, 1);
    const byUid = new Map(r.results.map((x) => [x.uid, x.outcome]));
    assert.equal(byUid.get(asked[0] as number), "timeout");
    assert.deepEqual(
      [1, 2, 3].filter((u) => u !== asked[0]).map((u) => byUid.get(u)),
      ["unscored", "unscored"],
    );
    assert.deepEqual(
      store.scores(1).map((e) => e.uid),
      asked,
    );
    store.close();
  });

  it("leaves queries in flight unscored when the validator stops, and returns at once", async () => {
    const store = ValidatorStore.open(":memory:");
    const stop = new AbortController();
    // uid 1 answers at once; the others hang until their signal fires, then fail as a closed dendrite does.
    const query: QueryFn = async (axon, task, _ms, signal) => {
      if (uidOf(axon.url) === 1) return answer(String(solve(task.prompt)));
      return new Promise<DendriteResult>((resolve) =>
        signal.addEventListener("abort", () => resolve({ ok: false, status: 0, error: "socket closed", latencyMs: 1 })),
      );
    };
    setTimeout(() => stop.abort(), 30);
    const t0 = performance.now();
    const r = await runRound({
      metagraph: metagraph([1, 2, 3]),
      sample: "all",
      seed: 5,
      query,
      timeoutMs: 2_000,
      store,
      slot: 1,
      signal: stop.signal,
    });
    assert.ok(performance.now() - t0 < 1_000, "the round waited for its deadline after the stop");
    const byUid = new Map(r.results.map((x) => [x.uid, x]));
    assert.deepEqual(
      [1, 2, 3].map((u) => byUid.get(u)?.outcome),
      ["correct", "unscored", "unscored"],
    );
    assert.equal(byUid.get(2)?.error, STOPPING);
    assert.deepEqual(
      store.scores(1).map((e) => e.uid),
      [1],
      "only the miner that answered before the stop has an EMA update",
    );
    // Stopped before it starts: nobody is asked, nobody is scored.
    const asked: number[] = [];
    const none = await runRound({
      metagraph: metagraph([4, 5]),
      sample: "all",
      seed: 5,
      query: async (axon) => (asked.push(uidOf(axon.url)), answer("1")),
      timeoutMs: 2_000,
      store,
      slot: 2,
      signal: stop.signal,
    });
    assert.deepEqual([asked, none.results.map((x) => x.outcome)], [[], ["unscored", "unscored"]]);
    assert.deepEqual(
      store.scores(1).map((e) => e.uid),
      [1],
    );
    store.close();
  });

  it("starts the queries in a seeded shuffled order", async () => {
    const orderOf = async (seed: string): Promise<number[]> => {
      const store = ValidatorStore.open(":memory:");
      const seen: number[] = [];
      await runRound({
        metagraph: metagraph([...Array(20).keys()]),
        sample: "all",
        seed,
        query: async (axon, task) => (seen.push(uidOf(axon.url)), answer(String(solve(task.prompt)))),
        timeoutMs: TIMEOUT,
        store,
        slot: 1,
      });
      store.close();
      return seen;
    };
    const a = await orderOf("order-a");
    assert.deepEqual(
      [...a].sort((x, y) => x - y),
      [...Array(20).keys()],
    );
    assert.deepEqual(await orderOf("order-a"), a);
    assert.notDeepEqual(await orderOf("order-b"), a);
    assert.notDeepEqual(a, [...Array(20).keys()]);
  });

  it("resets a uid's EMA when it changes hands", async () => {
    const store = ValidatorStore.open(":memory:");
    const right: QueryFn = async (_a, task) => answer(String(solve(task.prompt)));
    const base = { sample: "all" as const, query: right, timeoutMs: TIMEOUT, store };
    await runRound({ ...base, metagraph: metagraph([1, 2]), seed: "a", slot: 1 });
    await runRound({ ...base, metagraph: metagraph([1, 2]), seed: "b", slot: 2 });
    assert.ok(Math.abs((store.score(1, 1)?.ema ?? 0) - 0.19) < 1e-12);
    await runRound({ ...base, metagraph: metagraph([1, 2], { 2: { hotkey: hk(99) } }), seed: "c", slot: 3 });
    const [one, two] = [store.score(1, 1), store.score(1, 2)];
    assert.ok(Math.abs((one?.ema ?? 0) - 0.271) < 1e-12);
    assert.deepEqual([two?.hotkey, two?.ema, two?.samples], [hk(99), 0.1, 1]);
    store.close();
  });

  it("bounds the number of queries in flight", async () => {
    const store = ValidatorStore.open(":memory:");
    let inFlight = 0,
      peak = 0;
    const q: QueryFn = async (_a, task) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return answer(String(solve(task.prompt)));
    };
    const r = await runRound({
      metagraph: metagraph([...Array(40).keys()]),
      sample: "all",
      seed: 2,
      query: q,
      timeoutMs: TIMEOUT,
      store,
      slot: 1,
      concurrency: 4,
    });
    assert.equal(peak, 4);
    assert.equal(r.results.filter((x) => x.outcome === "correct").length, 40);
    store.close();
  });

  it("samples a seeded subset, never the validator itself", () => {
    const m = metagraph([...Array(50).keys()], { 7: { hotkey: "0xself" } });
    const a = sampleNeurons(m, { count: 10 }, "s1", "0xSELF").map((n) => n.uid);
    assert.deepEqual(
      sampleNeurons(m, { count: 10 }, "s1", "0xSELF").map((n) => n.uid),
      a,
    );
    assert.equal(a.length, 10);
    assert.ok(!a.includes(7));
    assert.deepEqual(
      [...a].sort((x, y) => x - y),
      a,
    );
    assert.notDeepEqual(
      sampleNeurons(m, { count: 10 }, "s2", "0xSELF").map((n) => n.uid),
      a,
    );
    assert.equal(sampleNeurons(m, { count: 500 }, "s1", "0xself").length, 49);
    assert.throws(() => sampleNeurons(m, { count: 0 }, "s1"), /sample count 0/);
  });
});

describe("runRound with open prompts", () => {
  /** Bag-of-words embedding: similar wording → high cosine. */
  const embed = async (texts: string[]) =>
    texts.map((t) => {
      const v = new Array<number>(64).fill(0);
      for (const w of t.toLowerCase().match(/[a-z]+/g) ?? []) {
        let h = 0;
        for (const c of w) h = (h * 31 + c.charCodeAt(0)) % 64;
        v[h] = (v[h] as number) + 1;
      }
      return v;
    });
  const REFERENCE = "Plants capture sunlight and turn water and carbon dioxide into sugar and oxygen.";

  it("scores open answers by similarity to the validator's reference, one prompt for all", async () => {
    const store = ValidatorStore.open(":memory:");
    const prompts = new Set<string>();
    const q: QueryFn = async (axon, task: Task) => {
      prompts.add(task.prompt);
      return uidOf(axon.url) === 1 ? answer(REFERENCE) : answer("Bananas are yellow and taste sweet in the tropics.");
    };
    const refs: string[] = [];
    const r = await runRound({
      metagraph: metagraph([1, 2]),
      sample: "all",
      seed: "open",
      query: q,
      timeoutMs: TIMEOUT,
      store,
      slot: 5,
      kindWeights: { open: 1 },
      openPrompts: 1,
      open: { reference: async (p) => (refs.push(p), REFERENCE), embed, similarityFloor: 0 },
    });
    assert.equal(prompts.size, 1);
    assert.deepEqual(refs, [...prompts]);
    const [best, worst] = r.results;
    assert.deepEqual([best?.uid, best?.outcome, best?.kind], [1, "scored", "open"]);
    assert.ok(Math.abs((best?.score ?? 0) - 1) < 1e-9);
    assert.ok((worst?.score ?? 1) < 0.5);
    store.close();
  });

  it("leaves open answers unscored (EMA untouched) when the reference fails", async () => {
    const store = ValidatorStore.open(":memory:");
    store.putScores(1, [
      {
        uid: 1,
        hotkey: hk(2),
        ema: 0.7,
        samples: 4,
        verifiable: { ema: 0.6, samples: 2 },
        open: { ema: 0.8, samples: 2 },
        updatedSlot: 1,
      },
    ]);
    const r = await runRound({
      metagraph: metagraph([1]),
      sample: "all",
      seed: "open-fail",
      query: async () => answer(REFERENCE),
      timeoutMs: TIMEOUT,
      store,
      slot: 6,
      kindWeights: { open: 1 },
      open: { reference: async () => Promise.reject(new Error("ollama down")), embed },
    });
    assert.equal(r.results[0]?.outcome, "unscored");
    assert.deepEqual(store.score(1, 1), {
      uid: 1,
      hotkey: hk(2),
      ema: 0.7,
      samples: 4,
      verifiable: { ema: 0.6, samples: 2 },
      open: { ema: 0.8, samples: 2 },
      updatedSlot: 1,
    });
    store.close();
  });

  it("cancels the embedding call when the validator stops during it", async () => {
    const store = ValidatorStore.open(":memory:");
    const stop = new AbortController();
    let seen: AbortSignal | undefined;
    // An embedding server that never answers: the call ends only when its signal fires.
    const hung = (_texts: string[], signal?: AbortSignal) =>
      new Promise<number[][]>((_resolve, reject) => {
        seen = signal;
        signal?.addEventListener("abort", () => reject(signal.reason));
        setTimeout(() => stop.abort(), 10);
      });
    const t0 = performance.now();
    const r = await runRound({
      metagraph: metagraph([1, 2]),
      sample: "all",
      seed: "open-stop",
      query: async () => answer(REFERENCE),
      timeoutMs: TIMEOUT,
      store,
      slot: 7,
      kindWeights: { open: 1 },
      open: { reference: async () => REFERENCE, embed: hung },
      signal: stop.signal,
    });
    assert.ok(performance.now() - t0 < 1_000, "the round waited for the embedding after the stop");
    assert.equal(seen?.aborted, true, "the embedding request was aborted");
    assert.deepEqual(
      r.results.map((x) => [x.outcome, x.error]),
      [
        ["unscored", STOPPING],
        ["unscored", STOPPING],
      ],
    );
    assert.deepEqual(store.scores(1), []);
    store.close();
  });

  it("refuses an open mix without a model", async () => {
    const store = ValidatorStore.open(":memory:");
    await assert.rejects(
      runRound({
        metagraph: metagraph([1]),
        sample: "all",
        seed: 1,
        query: miners,
        timeoutMs: TIMEOUT,
        store,
        slot: 1,
        kindWeights: { open: 1 },
      }),
      /no model is configured/,
    );
    store.close();
  });
});
