import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fakeAnswer } from "../../offchain/ollama/fakeServer.js";
import { MAX_SOLVER_BITS, solve, wrongAnswer } from "../../offchain/ollama/solver.js";
import { DEFAULT_VERIFIABLE_WEIGHTS, generateTask } from "../../offchain/tasks/index.js";

const cases: Array<[string, string | undefined]> = [
  // arithmetic
  ["What is 12 + 7?", "19"],
  ["what is 12+7", "19"],
  ["What is 144 - 200?", "-56"],
  ["What is 12 * 7?", "84"],
  ["What is 12 × 7?", "84"],
  ["What is 12 x 7?", "84"],
  ["What is 7 / 2?", "3.5"],
  ["What is 1 / 3?", "0.333333"],
  ["What is 2 / 3?", "0.666667"],
  ["What is -2 / 3?", "-0.666667"],
  ["What is 84 ÷ 12?", "7"],
  ["Compute (3 + 4) * 2", "14"],
  ["Calculate 2^10.", "1024"],
  ["Calculate 2^3^2", "512"],
  ["What is 2 + 3 * 4?", "14"],
  ["What is 0.1 + 0.2?", "0.3"],
  ["What is 7 divided by 2?", "3.5"],
  ["What is 6 multiplied by 7?", "42"],
  ["What is 10 minus 3 plus 1?", "8"],
  ["What is 5 / 0?", "undefined"],
  ["What is 123456789012345678901234567890 + 1?", "123456789012345678901234567891"],
  // units
  ["Convert 5 km to m", "5000"],
  ["Convert 1 mile to km", "1.609344"],
  ["What is 3 miles in kilometers?", "4.828032"],
  ["How many grams are in 2.5 kg?", "2500"],
  ["How many seconds are in 2 hours?", "7200"],
  ["Convert 100 C to F", "212"],
  ["Convert 32 degrees fahrenheit to celsius", "0"],
  ["Convert 0 K to C", "-273.15"],
  ["Convert 1 lb to g", "453.59237"],
  ["Convert 1 gallon to liters", "3.785412"],
  ["Convert 5 km to kg", undefined],
  // strings
  ['Reverse the string "hello"', "olleh"],
  ["Reverse 'abc'", "cba"],
  ['What is the length of "hello world"?', "11"],
  ['How many characters are in "abc"?', "3"],
  ['Convert "Hello" to uppercase', "HELLO"],
  ['Lowercase "HeLLo"', "hello"],
  ['How many times does "l" appear in "hello world"?', "3"],
  ['How many vowels are in "education"?', "5"],
  ['How many words are in "the quick brown fox"?', "4"],
  // dates
  ["What day of the week is 2024-01-15?", "Monday"],
  ["What day of the week was 2000-01-01?", "Saturday"],
  ["What is the date 10 days after 2024-02-25?", "2024-03-06"],
  ["What is the date 1 day before 2024-03-01?", "2024-02-29"],
  ["How many days are between 2024-01-01 and 2024-03-01?", "60"],
  ["How many days are between 2024-03-01 and 2024-01-01?", "60"],
  ["Is 2024 a leap year?", "yes"],
  ["Is 1900 a leap year?", "no"],
  ["Is 2000 a leap year?", "yes"],
  ["What day of the week is 2023-02-30?", undefined],
  // not supported
  ["Tell me a story about a dragon.", undefined],
  ["42", undefined],
  ["What is the capital of France?", undefined],
  ["", undefined],
];

describe("fake Ollama solver", () => {
  for (const [prompt, expected] of cases) {
    it(`${JSON.stringify(prompt)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(solve(prompt), expected);
    });
  }

  it("results past MAX_SOLVER_BITS are not computed: no prompt freezes the miner's process", () => {
    const t0 = performance.now();
    // Unbounded, this tower is ~47 s of synchronous BigInt work (a 2^2^30-sized result).
    assert.equal(solve("Calculate ((9^256)^256)^256"), undefined);
    assert.equal(solve("Calculate (9^256)^256"), undefined, "the power is refused before it is computed");
    assert.equal(solve("What is (2^200)^20 * (2^200)^20"), undefined, "a product past the limit too");
    assert.equal(solve("What is 1 / (2^200)^21"), undefined, "and a denominator");
    assert.ok(performance.now() - t0 < 1_000, `took ${Math.round(performance.now() - t0)} ms`);
    // Just inside the limit: exact as before.
    assert.equal(solve("Calculate 2^256"), (2n ** 256n).toString());
    assert.equal(solve("What is (2^200)^20"), (2n ** 4000n).toString());
    assert.equal(solve("What is 65535^256"), (65535n ** 256n).toString());
    assert.ok((2n ** 4000n).toString(2).length <= MAX_SOLVER_BITS);
  });

  it("wrong answers differ from the right ones, deterministically", () => {
    for (const [prompt, expected] of cases) {
      if (expected === undefined) continue;
      const wrong = wrongAnswer(expected);
      assert.notEqual(wrong, expected, prompt);
      assert.equal(wrongAnswer(expected), wrong);
    }
  });

  it("the fake's wrong answers to generated tasks fail the validator's check, its right ones pass", () => {
    let rounded = 0;
    for (let i = 0; i < 1500; i++) {
      const task = generateTask(`wrong:${i}`, DEFAULT_VERIFIABLE_WEIGHTS);
      if (task.kind === "open") continue;
      if (task.template.endsWith(".rounded")) rounded++;
      assert.equal(task.check(fakeAnswer("m", task.prompt)).correct, true, task.prompt);
      const wrong = fakeAnswer("m", task.prompt, true);
      assert.equal(task.check(wrong).correct, false, `${task.prompt} → ${wrong}`);
    }
    assert.ok(rounded > 50, `only ${rounded} rounded tasks drawn`);
    assert.equal(wrongAnswer("-12.99"), "-13.00");
    assert.equal(wrongAnswer("0.0"), "0.1");
  });
});
