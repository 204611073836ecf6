import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exactNumberCheck, MAX_EXTRACTED_CHARS, roundedNumberCheck, show } from "../../offchain/tasks/answerCheck.js";
import { extractNumber, numbersIn } from "../../offchain/tasks/extract.js";
import { generateTaskOfKind } from "../../offchain/tasks/generate.js";
import { MAX_DECIMAL_DIGITS, parseDecimal, rational, terminatingPlaces } from "../../offchain/tasks/rational.js";

// A 20,000-character answer (the most readAnswer lets through) built to make BigInt work quadratic.
const CRAFTED = "1." + "7".repeat(19_990);

describe("over-long numbers in answers", () => {
  it("a number with more than MAX_DECIMAL_DIGITS digits is not a number", () => {
    assert.equal(MAX_DECIMAL_DIGITS, 64);
    assert.ok(parseDecimal("1".repeat(64)));
    assert.ok(parseDecimal("1." + "2".repeat(63)));
    assert.equal(parseDecimal("1".repeat(65)), undefined);
    assert.equal(parseDecimal("1." + "2".repeat(64)), undefined);
    assert.equal(parseDecimal("1e" + "0".repeat(20) + "5"), undefined, "an exponent written with 22 digits");
    assert.equal(parseDecimal("1e1001"), undefined);
  });

  it("the crafted answer is skipped before any BigInt is built, and scores as wrong", () => {
    assert.deepEqual(numbersIn(CRAFTED), []);
    assert.equal(extractNumber(CRAFTED), undefined);
    assert.deepEqual(exactNumberCheck("5")(CRAFTED), { correct: false, extracted: "" });
    assert.deepEqual(roundedNumberCheck("1.78", 2)(CRAFTED), { correct: false, extracted: "" });
    // Thousands separators count digits too.
    assert.deepEqual(numbersIn("1," + "234,".repeat(30) + "567"), []);
    // A long number does not hide the others, nor is it read in part.
    assert.deepEqual(numbersIn(`7 then ${"9".repeat(100)}`), [rational(7n)]);
  });

  it("an answer a real task gets wrong this way is just wrong", () => {
    const task = generateTaskOfKind("long-numbers", "arithmetic");
    assert.deepEqual(task.check(CRAFTED), { correct: false, extracted: "" });
    assert.equal(task.check(`${task.answer} ${"8".repeat(65)}`).correct, true, "the long tail is ignored");
  });

  it("the extracted value is bounded in length whatever the exponent", () => {
    const tiny = exactNumberCheck("0")("1e-1000");
    assert.equal(tiny.correct, false);
    assert.equal(tiny.extracted.length, MAX_EXTRACTED_CHARS);
    assert.match(tiny.extracted, /^0\.0+\u2026$/);
    const huge = exactNumberCheck("0")("9".repeat(64) + "e1000");
    assert.equal(huge.extracted.length, MAX_EXTRACTED_CHARS);
    assert.equal(show(rational(1n, 3n)), "1/3");
    assert.ok(show(rational(10n ** 200n + 1n, 3n)).length <= MAX_EXTRACTED_CHARS);
    assert.equal(exactNumberCheck("12.5")("It is 12.50").extracted, "12.5", "short values stay canonical");
  });

  it("terminatingPlaces counts factors of 2 and 5 exactly", () => {
    assert.equal(terminatingPlaces(rational(1n, 10n ** 1000n)), 1000);
    assert.equal(terminatingPlaces(rational(1n, 2n ** 77n)), 77);
    assert.equal(terminatingPlaces(rational(3n, 5n ** 1023n)), 1023);
    assert.equal(terminatingPlaces(rational(1n, 2n ** 3n * 5n ** 9n)), 9);
    assert.equal(terminatingPlaces(rational(7n)), 0);
    assert.equal(terminatingPlaces(rational(1n, 5n ** 64n * 3n)), undefined);
    for (let k = 0; k < 70; k++) assert.equal(terminatingPlaces(rational(1n, 5n ** BigInt(k))), k);
  });
});
