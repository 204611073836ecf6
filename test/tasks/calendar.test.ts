import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addDays,
  civilFromDays,
  daysBetween,
  daysFromCivil,
  formatIso,
  isLeapYear,
  parseIso,
  weekday,
} from "../../offchain/tasks/calendar.js";

const d = (iso: string) => {
  const parsed = parseIso(iso);
  assert.ok(parsed, `bad test date ${iso}`);
  return parsed;
};

describe("integer calendar", () => {
  it("knows the weekday of known dates", () => {
    const known: [string, string][] = [
      ["2000-02-29", "Tuesday"],
      ["1970-01-01", "Thursday"],
      ["1900-01-01", "Monday"],
      ["2024-01-01", "Monday"],
      ["1600-03-01", "Wednesday"],
      ["1752-09-14", "Thursday"],
      ["2100-02-28", "Sunday"],
      ["2399-12-31", "Friday"],
    ];
    for (const [iso, day] of known) assert.equal(weekday(d(iso)), day, iso);
  });

  it("follows the Gregorian leap rule", () => {
    assert.equal(isLeapYear(2000), true);
    assert.equal(isLeapYear(1900), false);
    assert.equal(isLeapYear(2100), false);
    assert.equal(isLeapYear(2024), true);
    assert.equal(isLeapYear(2023), false);
    assert.equal(parseIso("1900-02-29"), undefined);
    assert.equal(parseIso("2023-13-01"), undefined);
    assert.deepEqual(parseIso("2000-02-29"), { year: 2000, month: 2, day: 29 });
  });

  it("counts days between dates and adds days", () => {
    assert.equal(daysBetween(d("2000-01-01"), d("2001-01-01")), 366);
    assert.equal(daysBetween(d("1900-01-01"), d("1901-01-01")), 365);
    assert.equal(daysBetween(d("2000-03-01"), d("2100-03-01")), 36524);
    assert.equal(daysBetween(d("2001-01-01"), d("2000-01-01")), -366);
    assert.equal(formatIso(addDays(d("2000-02-28"), 1)), "2000-02-29");
    assert.equal(formatIso(addDays(d("1900-02-28"), 1)), "1900-03-01");
    assert.equal(formatIso(addDays(d("1999-12-31"), 10000)), "2027-05-18");
    assert.equal(formatIso(addDays(d("2000-03-01"), -1)), "2000-02-29");
  });

  it("round-trips every day from 1600 to 2400 and agrees with an independent implementation (Date.UTC)", () => {
    const from = daysFromCivil({ year: 1600, month: 1, day: 1 });
    const to = daysFromCivil({ year: 2400, month: 12, day: 31 });
    for (let n = from; n <= to; n++) {
      const c = civilFromDays(n);
      assert.equal(daysFromCivil(c), n);
      if (n % 97 === 0) {
        assert.equal(Date.UTC(c.year, c.month - 1, c.day) / 86_400_000, n);
        assert.equal(
          new Date(n * 86_400_000).getUTCDay(),
          ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"].indexOf(weekday(c)),
        );
      }
    }
  });
});
