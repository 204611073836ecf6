import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  VERIFIABLE_KINDS,
  generateTask,
  generateTaskOfKind,
  generateTasks,
  solve,
  type Task,
  type VerifiableTask,
} from "../../offchain/tasks/index.js";
import { Rng } from "../../offchain/tasks/prng.js";

const plain = (t: Task) => ({
  id: t.id,
  kind: t.kind,
  template: t.template,
  prompt: t.prompt,
  answer: "answer" in t ? t.answer : undefined,
});
const ALL_KINDS = { arithmetic: 3, units: 2, string: 2, date: 2, open: 1 };

describe("task generation", () => {
  it("is a pure function of the seed", () => {
    const a = generateTasks("round-7", 300, ALL_KINDS).map(plain);
    const b = generateTasks("round-7", 300, ALL_KINDS).map(plain);
    assert.deepEqual(a, b);
    assert.deepEqual(plain(generateTask(12345)), plain(generateTask("12345")));
  });

  it("gives different tasks for different seeds", () => {
    const a = generateTasks("seed-a", 300).map((t) => t.prompt);
    const b = new Set(generateTasks("seed-b", 300).map((t) => t.prompt));
    assert.equal(a.filter((p) => b.has(p)).length, 0);
    const ids = new Set([...generateTasks("seed-a", 300), ...generateTasks("seed-b", 300)].map((t) => t.id));
    assert.equal(ids.size, 600);
  });

  it("does not repeat itself: 5000 verifiable tasks are 5000 distinct prompts using every template", () => {
    const tasks = generateTasks("variety", 5000);
    assert.equal(new Set(tasks.map((t) => t.prompt)).size, 5000);
    const templates = new Set(tasks.map((t) => t.template));
    for (const expected of [
      "arithmetic.expression",
      "arithmetic.chain",
      "arithmetic.quotient",
      "arithmetic.remainder",
      "arithmetic.word.giveaway",
      "arithmetic.word.distance",
      "arithmetic.word.share",
      "arithmetic.word.change",
      "string.reverse",
      "string.count",
      "string.uppercase",
      "string.nth",
      "string.sort",
      "date.weekday",
      "date.between",
      "date.shift",
    ]) {
      assert.ok(templates.has(expected), `template ${expected} never generated`);
    }
    for (const cat of ["length", "time", "mass", "volume", "data"]) {
      assert.ok(
        [...templates].some((t) => t.startsWith(`units.${cat}.`)),
        `units category ${cat} never generated`,
      );
    }
  });

  it("follows kind weights (0 disables a kind) and rejects bad weights", () => {
    const tasks = generateTasks("mix", 2000, { arithmetic: 1, open: 1 });
    const kinds = new Set(tasks.map((t) => t.kind));
    assert.deepEqual([...kinds].sort(), ["arithmetic", "open"]);
    const open = tasks.filter((t) => t.kind === "open").length;
    assert.ok(open > 850 && open < 1150, `open share ${open}/2000 far from 1/2`);
    assert.throws(() => generateTask("x", { arithmetic: 0 }), /positive sum/);
    assert.throws(() => generateTask("x", { arithmetic: 0.5 }), /integers/);
  });

  it("draws open prompts from a varied generator", () => {
    const prompts = Array.from({ length: 500 }, (_, i) => generateTaskOfKind(`o${i}`, "open").prompt);
    assert.ok(new Set(prompts).size >= 490);
    assert.equal(solve(prompts[0] as string), undefined);
  });

  it("draws unbiased integers from the PRNG", () => {
    const rng = new Rng("uniform");
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) (counts[rng.int(0, 5)] as number)++;
    for (const c of counts) assert.ok(c > 9_500 && c < 10_500, `bucket ${c} of 60000/6`);
    const big = new Rng("big");
    for (let i = 0; i < 1000; i++) {
      const v = big.bigint(10n ** 20n, 10n ** 20n + 5n);
      assert.ok(v >= 10n ** 20n && v <= 10n ** 20n + 5n);
    }
    assert.throws(() => rng.int(5, 4), /bad range/);
  });
});

describe("solve", () => {
  it("answers every generated verifiable prompt exactly (8000 seeds)", () => {
    for (let i = 0; i < 8000; i++) {
      const t = generateTask(`solve-${i}`) as VerifiableTask;
      assert.equal(solve(t.prompt), t.answer, `seed solve-${i}: ${t.prompt}`);
    }
  });

  it("answers 1000 prompts of each kind, also when wrapped in a chat template", () => {
    for (const kind of VERIFIABLE_KINDS) {
      for (let i = 0; i < 1000; i++) {
        const t = generateTaskOfKind(`${kind}-${i}`, kind);
        assert.equal(solve(t.prompt), t.answer, t.prompt);
        if (i % 10 === 0) {
          const wrapped = `<|system|>You are a careful assistant. Answer briefly.\n<|user|>\n${t.prompt}\n<|assistant|>\n`;
          assert.equal(solve(wrapped), t.answer, wrapped);
        }
      }
    }
  });

  it("returns undefined for text it does not recognise", () => {
    assert.equal(solve("Tell me a joke."), undefined);
    assert.equal(solve(""), undefined);
    assert.equal(solve("What is the remainder when 5 is divided by 0?"), undefined);
    assert.equal(solve("what day of the week is 2024-01-15"), undefined, "an ISO date is not a subtraction");
    assert.equal(solve("What is 0.1 + 0.2?"), undefined, "decimals are not integer expressions");
    assert.equal(solve("What is 3.5 - 1?"), undefined, "a run ending in a decimal point's fraction");
  });
});
