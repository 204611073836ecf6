/**
 * Verifiable tasks are a gate, not a reward, once the validator scores open prompts: weight = open average ×
 * min(1, verifiable average / τ). Code answers every verifiable task exactly (offchain/tasks/solve.ts) and nothing
 * open, so a summed average paid a solver with no model about what an honest model earns, and a hybrid (code for
 * verifiable, the model for open) ~1.8× more.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_VERIFIABLE_GATE,
  updateEma,
  weightInput,
  weightScore,
  type EmaRecord,
  type ScoreClass,
} from "../../offchain/scoring/index.js";
import { ValidatorStore } from "../../offchain/store/index.js";
import { solve, type Task } from "../../offchain/tasks/index.js";
import type { Metagraph } from "../../offchain/validator/metagraph.js";
import { runRound, type QueryFn } from "../../offchain/validator/round.js";
import { tempFile } from "../store/helpers.js";

const hk = (uid: number) => `0x${(uid + 1).toString(16).padStart(40, "0")}`;
const TAU = 0.25;
const OPEN = { open: true, gate: TAU } as const;

/**
 * The record a validator with the default mix (half open) keeps for a miner scoring `v` on every verifiable task
 * and `o` on every open one, after `rounds` rounds alternating the two kinds.
 */
function miner(uid: number, v: number, o: number, rounds = 200): EmaRecord {
  let r: EmaRecord | undefined;
  for (let i = 0; i < rounds; i++) {
    const kind: ScoreClass = i % 2 === 0 ? "verifiable" : "open";
    r = updateEma(r, { uid, hotkey: hk(uid), score: kind === "open" ? o : v, slot: i, kind });
  }
  return r as EmaRecord;
}

const neurons = (records: readonly EmaRecord[]) => records.map((r) => ({ uid: r.uid, hotkey: r.hotkey }));
const near = (a: number, b: number, eps = 1e-3) => assert.ok(Math.abs(a - b) < eps, `${a} is not ≈ ${b}`);
const weightOf = (w: { uids: number[]; scores: number[] }, uid: number) => w.scores[w.uids.indexOf(uid)] ?? 0;

describe("verifiable gate: the averages are kept apart", () => {
  it("each result moves its own kind's average (and the combined one), never the other kind's", () => {
    let r = updateEma(undefined, { uid: 1, hotkey: hk(1), score: 1, slot: 1, kind: "verifiable" }, 0.5);
    r = updateEma(r, { uid: 1, hotkey: hk(1), score: 0.6, slot: 2, kind: "open" }, 0.5);
    r = updateEma(r, { uid: 1, hotkey: hk(1), score: 1, slot: 3, kind: "verifiable" }, 0.5);
    assert.deepEqual(r.verifiable, { ema: 0.75, samples: 2 });
    assert.deepEqual(r.open, { ema: 0.3, samples: 1 });
    assert.deepEqual([r.ema, r.samples, r.updatedSlot], [0.5 + 0.5 * (0.5 * 0.6 + 0.5 * 0.5), 3, 3]);
  });

  it("restarts both when the uid changes hands", () => {
    const old = miner(1, 1, 0.8, 20);
    const r = updateEma(old, { uid: 1, hotkey: hk(99), score: 1, slot: 50, kind: "open" }, 0.5);
    assert.deepEqual(
      [r.hotkey, r.verifiable, r.open, r.samples],
      [hk(99), { ema: 0, samples: 0 }, { ema: 0.5, samples: 1 }, 1],
    );
  });

  it("refuses a result of no known kind rather than folding it into one", () => {
    assert.throws(
      () => updateEma(undefined, { uid: 1, hotkey: hk(1), score: 1, slot: 1, kind: "date" as ScoreClass }),
      /score class date/,
    );
  });
});

describe("verifiable gate: weight input with open prompts in the mix (τ 0.25)", () => {
  const solver = miner(1, 1, 0); // code, no model: every verifiable task right, nothing open
  const hybrid = miner(2, 1, 0.7); // code for verifiable tasks, the model for open prompts
  const honest = miner(3, 0.3, 0.7); // the same model for everything
  const weak = miner(4, 0.1, 0.7); // the same open answers, a model poor at exact tasks
  const skipper = miner(5, 0, 0.9); // answers only what looks open
  const all = [solver, hybrid, honest, weak, skipper];
  const w = weightInput(neurons(all), all, { rule: OPEN });

  it("gives a code solver without a model nothing", () => {
    near(solver.verifiable.ema, 1);
    assert.equal(solver.open.ema, 0);
    assert.equal(weightScore(solver, OPEN), 0);
    assert.equal(w.uids.includes(1), false, "the solver is in the weight vector");
  });

  it("gives a hybrid no more than an honest miner with the same model", () => {
    near(weightOf(w, 2), 0.7);
    near(weightOf(w, 3), 0.7);
    assert.ok(weightOf(w, 2) <= weightOf(w, 3) * 1.0 + 1e-9, `hybrid ${weightOf(w, 2)} > honest ${weightOf(w, 3)}`);
  });

  it("scales an honest miner below τ down, without cutting it off", () => {
    near(weak.verifiable.ema, 0.1);
    const expected = weak.open.ema * (weak.verifiable.ema / TAU);
    near(weightOf(w, 4), expected, 1e-9);
    assert.ok(weightOf(w, 4) > 0 && weightOf(w, 4) < weightOf(w, 3));
    near(weightOf(w, 4), 0.28);
  });

  it("gives a miner that skips the verifiable tasks nothing", () => {
    assert.equal(w.uids.includes(5), false);
  });

  it("uses τ as given, 0.25 by default, and refuses one outside (0, 1]", () => {
    assert.equal(DEFAULT_VERIFIABLE_GATE, 0.25);
    assert.equal(weightScore(weak, { open: true }), weightScore(weak, OPEN));
    near(weightScore(weak, { open: true, gate: 0.1 }), 0.7);
    for (const gate of [0, -1, 1.5, Number.NaN])
      assert.throws(() => weightInput(neurons(all), all, { rule: { open: true, gate } }), /verifiable gate/);
  });
});

describe("verifiable gate: no open prompts in the mix", () => {
  it("weights by the verifiable average, as before (the combined average when every task is verifiable)", () => {
    const records = [1, 0.5, 0].map((v, uid) => {
      let r: EmaRecord | undefined;
      for (let i = 0; i < 50; i++) r = updateEma(r, { uid, hotkey: hk(uid), score: v, slot: i, kind: "verifiable" });
      return r as EmaRecord;
    });
    for (const r of records) assert.equal(r.verifiable.ema, r.ema);
    const w = weightInput(neurons(records), records);
    assert.deepEqual(w, { uids: [0, 1], scores: [records[0]?.ema, records[1]?.ema] });
    assert.deepEqual(weightInput(neurons(records), records, { rule: { open: false, gate: 0.9 } }), w);
  });
});

describe("verifiable gate: rounds and restarts", () => {
  const embed = async (texts: string[]) => texts.map((t) => [t.length > 0 ? 1 : 0, t.length > 0 ? 0 : 1]);
  const metagraph: Metagraph = {
    netuid: 1,
    slot: 1,
    neurons: [1, 2, 3, 4, 5, 6, 7, 8].map((uid) => ({ uid, hotkey: hk(uid), axon: { url: `http://miner-${uid}` } })),
  };
  /** Every miner is a code solver: exact on verifiable tasks, nothing on open prompts. */
  const solverQuery: QueryFn = async (_axon, task: Task) => {
    const text = task.kind === "open" ? "" : String(solve(task.prompt) ?? "");
    return { ok: true, text, latencyMs: 5 };
  };

  async function round(store: ValidatorStore, seed: string, slot: number) {
    return runRound({
      metagraph,
      sample: "all",
      seed,
      query: solverQuery,
      timeoutMs: 500,
      store,
      slot,
      kindWeights: { arithmetic: 1, open: 1 },
      open: { reference: async () => "a reference answer", embed, similarityFloor: 0 },
      alpha: 0.5,
    });
  }

  it("folds each result into its kind's average; solvers end with weight 0; a restart keeps both averages", async () => {
    const file = tempFile();
    let store = ValidatorStore.open(file);
    const kinds = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await round(store, `gate-${i}`, 10 + i);
      for (const x of r.results) kinds.add(x.kind === "open" ? "open" : "verifiable");
      for (const e of r.emas) assert.equal(e.samples, e.verifiable.samples + e.open.samples);
    }
    assert.deepEqual([...kinds].sort(), ["open", "verifiable"], "the rounds drew both kinds");
    const before = store.scores(1);
    assert.equal(before.length, 8);
    for (const e of before) {
      assert.equal(e.open.ema, 0, `uid ${e.uid}: a solver's open average`);
      if (e.verifiable.samples > 0) assert.ok(e.verifiable.ema > 0.4, `uid ${e.uid}: verifiable ${e.verifiable.ema}`);
    }
    assert.ok(before.some((e) => e.verifiable.samples > 0 && e.open.samples > 0));
    assert.deepEqual(weightInput(metagraph.neurons, before, { rule: OPEN }), { uids: [], scores: [] });
    store.close();

    // The validator restarts: both averages come back as they were, and the next round goes on from them.
    store = ValidatorStore.open(file);
    assert.deepEqual(store.scores(1), before);
    const next = await round(store, "gate-after-restart", 20);
    for (const e of next.emas) {
      const was = before.find((b) => b.uid === e.uid) as EmaRecord;
      const moved: ScoreClass = e.open.samples > was.open.samples ? "open" : "verifiable";
      const kept: ScoreClass = moved === "open" ? "verifiable" : "open";
      assert.equal(e[moved].samples, was[moved].samples + 1, `uid ${e.uid}`);
      assert.deepEqual(e[kept], was[kept], `uid ${e.uid}: the other kind's average moved`);
    }
    store.close();
  });
});
