import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  extractIsoDate,
  extractNumber,
  extractWeekday,
  extractWord,
  stripDates,
} from "../../offchain/tasks/extract.js";
import { formatExact, formatFixed, parseDecimal, rational, roundTo } from "../../offchain/tasks/rational.js";

const num = (text: string): string | undefined => {
  const r = extractNumber(text);
  return r === undefined ? undefined : formatExact(r);
};

describe("answer extraction", () => {
  it("reads the last number, with signs, separators, decimals, exponents and \\boxed", () => {
    assert.equal(num("42"), "42");
    assert.equal(num("12 × 7 = 84"), "84");
    assert.equal(num("The result is -1,234,567."), "-1234567");
    assert.equal(num("x = \u22125"), "-5");
    assert.equal(num("5-3"), "3");
    assert.equal(num("about 3.50 km"), "3.5");
    assert.equal(num("1.5e3"), "1500");
    assert.equal(num("\\boxed{17} (I checked 3 times)"), "17");
    assert.equal(num("**2,048**."), "2048");
    assert.equal(num("no digits here"), undefined);
    assert.equal(num("1\u200B2"), "12");
  });

  it("reads ISO dates and ignores impossible ones", () => {
    assert.deepEqual(extractIsoDate("From 2000-01-01 it is 2000-02-29."), { year: 2000, month: 2, day: 29 });
    assert.deepEqual(extractIsoDate("2001/3/5"), { year: 2001, month: 3, day: 5 });
    assert.deepEqual(extractIsoDate("2001-03-05 or 1900-02-29"), { year: 2001, month: 3, day: 5 });
    assert.equal(extractIsoDate("March 5th"), undefined);
  });

  it("strips dates so that their digits are not read as the answer", () => {
    assert.equal(formatExact(extractNumber(stripDates("60 days (2000-01-01 to 2000-03-01)"))!), "60");
    assert.equal(formatExact(extractNumber(stripDates("There are 31 days from 1 March 2001 to April 1, 2001"))!), "31");
  });

  it("reads weekdays, full or abbreviated", () => {
    assert.equal(extractWeekday("It was a **Tuesday**."), "Tuesday");
    assert.equal(extractWeekday("Not Monday but Thu"), "Thursday");
    assert.equal(extractWeekday("FRIDAY"), "Friday");
    assert.equal(extractWeekday("Someday"), undefined);
  });

  it("reads the answer word, skipping echoes of the prompt's word", () => {
    assert.equal(extractWord("The reverse of 'hello' is 'olleh'.", ["hello"]), "olleh");
    assert.equal(extractWord("'olleh' is the reverse of 'hello'", ["hello"]), "olleh");
    assert.equal(extractWord("The reversed word is olleh."), "olleh");
    assert.equal(extractWord("Answer: `OLLEH`"), "OLLEH");
    assert.equal(extractWord("\u201Colleh\u201D"), "olleh");
    assert.equal(extractWord("It's 'abba'.", ["abba"]), "abba");
    assert.equal(extractWord(""), undefined);
  });
});

describe("exact rationals", () => {
  it("parses and formats decimals exactly, rounding half up", () => {
    assert.deepEqual(parseDecimal("-3.250"), rational(-13n, 4n));
    assert.equal(parseDecimal("3."), undefined);
    assert.equal(formatFixed(rational(1n, 8n), 2), "0.13");
    assert.equal(formatFixed(rational(-1n, 8n), 2), "-0.13");
    assert.equal(formatFixed(rational(-1n, 1000n), 2), "0.00");
    assert.equal(formatFixed(rational(2n, 3n), 0), "1");
    assert.equal(formatFixed(rational(5n, 1n), 3), "5.000");
    assert.equal(formatExact(rational(5n, 4n)), "1.25");
    assert.deepEqual(roundTo(rational(12345n, 1000n), 2), rational(1235n, 100n));
    assert.throws(() => formatExact(rational(1n, 3n)), /does not terminate/);
  });
});
