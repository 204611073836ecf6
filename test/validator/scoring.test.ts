import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cosine,
  kindWeights,
  latencyFactor,
  scoreOpen,
  scoreVerifiable,
  similarityScore,
  similarityScores,
  updateEma,
  weightInput,
  type EmaRecord,
} from "../../offchain/scoring/index.js";
import { generateTaskOfKind, type VerifiableTask } from "../../offchain/tasks/index.js";

const T = 10_000;
const task = generateTaskOfKind("scoring", "arithmetic");
const ok = (text: string, latencyMs = 100) => ({ ok: true as const, text, latencyMs });

describe("latency factor", () => {
  it("is 1 up to 20% of the timeout, linear to 0.5 at the timeout, 0 after", () => {
    assert.equal(latencyFactor(0, T), 1);
    assert.equal(latencyFactor(2_000, T), 1);
    assert.equal(latencyFactor(6_000, T), 0.75);
    assert.equal(latencyFactor(10_000, T), 0.5);
    assert.equal(latencyFactor(10_001, T), 0);
    assert.equal(latencyFactor(-1, T), 0);
    assert.equal(latencyFactor(Number.NaN, T), 0);
    assert.ok(latencyFactor(3_000, T) < 1 && latencyFactor(3_000, T) > latencyFactor(4_000, T));
  });

  it("takes a custom curve and rejects bad ones", () => {
    assert.equal(latencyFactor(5_000, T, { fullUntil: 0, floor: 0 }), 0.5);
    assert.throws(() => latencyFactor(1, 0), /timeoutMs 0/);
    assert.throws(() => latencyFactor(1, T, { fullUntil: 1, floor: 0.5 }), /bad curve/);
  });
});

describe("scoring a response", () => {
  it("scores correctness × latency", () => {
    const fast = scoreVerifiable(task, ok(`It is ${task.answer}`, 500), { timeoutMs: T });
    assert.deepEqual([fast.score, fast.outcome, fast.extracted], [1, "correct", task.answer]);
    const slow = scoreVerifiable(task, ok(task.answer, T), { timeoutMs: T });
    assert.deepEqual([slow.score, slow.outcome], [0.5, "correct"]);
    const wrong = scoreVerifiable(task, ok(`${task.answer}1`, 10), { timeoutMs: T });
    assert.deepEqual([wrong.score, wrong.outcome, wrong.latencyFactor], [0, "wrong", 1]);
  });

  it("gives 0 to empty, late, failed, malformed and oversized answers, without throwing", () => {
    const cases: [unknown, string][] = [
      [ok("   \n"), "empty"],
      [ok(task.answer, T + 1), "late"],
      [{ ok: false, status: 401, error: "unsigned response", latencyMs: 20 }, "failed"],
      [{ ok: false, status: 408, error: "timeout", latencyMs: T }, "failed"],
      [null, "malformed"],
      ["42", "malformed"],
      [{ ok: true, latencyMs: 5 }, "malformed"],
      [{ ok: true, text: 42, latencyMs: 5 }, "malformed"],
      [{ ok: true, text: task.answer, latencyMs: -5 }, "malformed"],
      [{ ok: "yes", text: task.answer, latencyMs: 5 }, "malformed"],
      [ok(`${"x".repeat(30_000)} ${task.answer}`), "malformed"],
    ];
    for (const [result, outcome] of cases) {
      const s = scoreVerifiable(task, result, { timeoutMs: T });
      assert.equal(s.score, 0, JSON.stringify(result)?.slice(0, 80));
      assert.equal(s.outcome, outcome, JSON.stringify(result)?.slice(0, 80));
    }
    const failed = scoreVerifiable(
      task,
      { ok: false, status: 401, error: "unsigned response", latencyMs: 20 },
      { timeoutMs: T },
    );
    assert.equal(failed.status, 401);
  });

  it("counts a throwing check as a wrong answer", () => {
    const bad: VerifiableTask = {
      ...task,
      check: () => {
        throw new Error("boom");
      },
    };
    assert.equal(scoreVerifiable(bad, ok(task.answer), { timeoutMs: T }).outcome, "wrong");
  });

  it("scores open answers by similarity × latency", () => {
    assert.equal(scoreOpen(0.8, 100, 1).score, 0.8);
    assert.equal(scoreOpen(0.8, T, 0.5).score, 0.4);
    assert.equal(scoreOpen(Number.NaN, 100, 1).score, 0);
    assert.equal(scoreOpen(7, 100, 1).score, 1);
  });
});

describe("similarity", () => {
  it("computes cosine and maps it above the floor to [0, 1]", () => {
    assert.equal(cosine([1, 2, 3], [2, 4, 6]), 1);
    assert.equal(cosine([1, 0], [0, 1]), 0);
    assert.equal(cosine([1, 0], [-1, 0]), -1);
    assert.equal(cosine([0, 0], [1, 0]), 0);
    assert.throws(() => cosine([1], [1, 2]), /lengths 1 and 2/);
    assert.equal(similarityScore(0.5), 0);
    assert.equal(similarityScore(0.75), 0.5);
    assert.equal(similarityScore(1), 1);
    assert.equal(similarityScore(0.2, 0), 0.2);
  });

  it("embeds the reference on its own, then the non-empty answers in one call", async () => {
    const calls: string[][] = [];
    const embed = async (texts: string[]) => {
      calls.push(texts);
      return texts.map((t) => (t.startsWith("same") ? [1, 0] : [0.6, 0.8]));
    };
    const scores = await similarityScores(embed, "same reference", ["same answer", "", "other"], 0.5);
    assert.deepEqual(calls, [["same reference"], ["same answer", "other"]]);
    assert.equal(scores[0], 1);
    assert.equal(scores[1], 0);
    assert.ok(Math.abs((scores[2] as number) - 0.2) < 1e-12);
    await assert.rejects(
      similarityScores(async () => [], "r", ["a"]),
      /0 vectors for 1 texts/,
    );
  });
});

describe("EMA per uid", () => {
  const hk = "0x00000000000000000000000000000000000000aa";
  it("starts from 0 and moves by alpha towards each score", () => {
    let r: EmaRecord | undefined;
    r = updateEma(r, { uid: 3, hotkey: hk, score: 1, slot: 10, kind: "verifiable" });
    assert.equal(r.ema, 0.1);
    r = updateEma(r, { uid: 3, hotkey: hk, score: 1, slot: 11, kind: "verifiable" });
    assert.ok(Math.abs(r.ema - 0.19) < 1e-12);
    assert.deepEqual([r.samples, r.updatedSlot], [2, 11]);
    for (let i = 0; i < 200; i++) r = updateEma(r, { uid: 3, hotkey: hk, score: 1, slot: 12 + i, kind: "verifiable" });
    assert.ok(r.ema > 0.999);
    r = updateEma(r, { uid: 3, hotkey: hk, score: 0, slot: 300, kind: "verifiable" }, 0.5);
    assert.ok(r.ema > 0.49 && r.ema < 0.5);
  });

  it("resets when the uid changes hands, not when only the hotkey's case differs", () => {
    let r = updateEma(undefined, { uid: 3, hotkey: hk, score: 1, slot: 1, kind: "verifiable" }, 1);
    assert.equal(r.ema, 1);
    const same = updateEma(
      r,
      { uid: 3, hotkey: hk.toUpperCase().replace("0X", "0x"), score: 1, slot: 2, kind: "verifiable" },
      0.5,
    );
    assert.deepEqual([same.ema, same.samples], [1, 2]);
    r = updateEma(
      r,
      { uid: 3, hotkey: "0x00000000000000000000000000000000000000bb", score: 1, slot: 3, kind: "verifiable" },
      0.5,
    );
    assert.deepEqual([r.ema, r.samples], [0.5, 1]);
  });

  it("clips scores to [0, 1] and rejects a bad alpha", () => {
    assert.equal(updateEma(undefined, { uid: 1, hotkey: hk, score: 5, slot: 1, kind: "verifiable" }, 1).ema, 1);
    assert.equal(
      updateEma(undefined, { uid: 1, hotkey: hk, score: Number.NaN, slot: 1, kind: "verifiable" }, 1).ema,
      0,
    );
    assert.throws(
      () => updateEma(undefined, { uid: 1, hotkey: hk, score: 1, slot: 1, kind: "verifiable" }, 0),
      /alpha 0/,
    );
    assert.throws(
      () => updateEma(undefined, { uid: 1, hotkey: hk, score: 1, slot: 1, kind: "verifiable" }, 1.5),
      /alpha 1.5/,
    );
  });

  it("builds the weight input from current owners only, without the validator itself", () => {
    const neurons = [
      { uid: 0, hotkey: "0xself" },
      { uid: 1, hotkey: "0xa" },
      { uid: 2, hotkey: "0xnew" },
      { uid: 3, hotkey: "0xc" },
      { uid: 4, hotkey: "0xd" },
    ];
    const rec = (uid: number, hotkey: string, ema: number): EmaRecord => ({
      uid,
      hotkey,
      ema,
      samples: 5,
      verifiable: { ema, samples: 5 },
      open: { ema: 0, samples: 0 },
      updatedSlot: 1,
    });
    // No open prompts in the mix (no rule): the verifiable average is the weight.
    const emas: EmaRecord[] = [
      rec(0, "0xself", 0.9),
      rec(1, "0xA", 0.5),
      rec(2, "0xold", 0.7),
      rec(3, "0xc", 0),
      rec(4, "0xd", 0.25),
    ];
    assert.deepEqual(weightInput(neurons, emas, { selfHotkey: "0xSELF" }), { uids: [1, 4], scores: [0.5, 0.25] });
  });
});

describe("task mix", () => {
  it("turns {verifiable, open} shares into integer kind weights", () => {
    const w = kindWeights({ verifiable: 0.8, open: 0.2 }, { openEnabled: true });
    assert.equal(w.open, 200_000);
    const verifiable = (w.arithmetic ?? 0) + (w.units ?? 0) + (w.string ?? 0) + (w.date ?? 0);
    assert.ok(Math.abs(verifiable - 800_000) <= 2);
    for (const v of Object.values(w)) assert.ok(Number.isInteger(v));
    const custom = kindWeights(
      { verifiable: 1, open: 0, kinds: { arithmetic: 1, units: 0, string: 0, date: 0 } },
      { openEnabled: true },
    );
    assert.deepEqual(custom, { arithmetic: 1_000_000, units: 0, string: 0, date: 0, open: 0 });
  });

  it("drops open tasks without a model, and rejects an empty mix", () => {
    assert.equal(kindWeights({ verifiable: 0.8, open: 0.2 }, { openEnabled: false }).open, 0);
    assert.throws(() => kindWeights({ verifiable: 0, open: 1 }, { openEnabled: false }), /no model configured/);
    assert.throws(() => kindWeights({ verifiable: 0, open: 0 }, { openEnabled: true }), /gives no tasks/);
  });
});
