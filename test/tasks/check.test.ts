import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VERIFIABLE_KINDS, generateTaskOfKind, type VerifiableTask } from "../../offchain/tasks/index.js";
import { addDays, formatIso, parseIso, WEEKDAYS } from "../../offchain/tasks/calendar.js";
import { parseDecimal } from "../../offchain/tasks/rational.js";

/** Ways a model may state the right answer. */
function phrasings(t: VerifiableTask): string[] {
  const a = t.answer;
  const common = [a, ` ${a}\n`, `The answer is ${a}.`, `Answer: ${a}`, `**${a}**`, `Final answer:\n\n${a}`];
  switch (t.kind) {
    case "arithmetic":
    case "units": {
      const out = [...common, `\\boxed{${a}}`, `Let me work it out step by step: ... so the result is ${a}`];
      if (/^-?\d{4,}$/.test(a)) out.push(`The result is ${BigInt(a).toLocaleString("en-US")}.`);
      if (/^-?\d+$/.test(a)) out.push(`${a}.0`);
      if (/^-/.test(a)) out.push(`The answer is \u2212${a.slice(1)}`);
      return out;
    }
    case "string": {
      if (t.template === "string.count") return [...common, `There are ${a} of them.`];
      return [...common, `"${a}"`, `The result is '${a}'.`, `\`${a}\``];
    }
    case "date": {
      if (t.template === "date.weekday")
        return [...common, `It falls on a ${a}.`, a.toUpperCase(), `${a.slice(0, 3)}.`];
      if (t.template === "date.between") return [...common, `There are ${a} days between the two dates.`, `${a} days`];
      return [...common, `The date is ${a}.`, `That is ${a.replace(/-/g, "/")}`];
    }
  }
}

/** Wrong answers close to the right one. */
function wrongs(t: VerifiableTask): string[] {
  const a = t.answer;
  if (t.template === "date.weekday") {
    const i = WEEKDAYS.indexOf(a as (typeof WEEKDAYS)[number]);
    return [WEEKDAYS[(i + 1) % 7] as string, `Not sure`, ""];
  }
  if (t.template === "date.shift") {
    const d = parseIso(a)!;
    return [formatIso(addDays(d, 1)), formatIso(addDays(d, -1)), "unknown"];
  }
  if (t.kind === "string" && t.template !== "string.count") {
    const flipped =
      a[0] === "z" || a[0] === "Z" ? (a[0] === "z" ? "y" : "Y") : String.fromCharCode(a.charCodeAt(0) + 1);
    const out = [`${flipped}${a.slice(1)}`, `${a}${a.slice(-1)}`, ""];
    if (t.template === "string.uppercase") out.push(a.toLowerCase());
    return out;
  }
  const r = parseDecimal(a)!;
  // One unit in the last stated place off.
  const places = a.includes(".") ? a.split(".")[1]!.length : 0;
  const step = 10n ** BigInt(places);
  const up = (r.n * step) / r.d + 1n;
  const bumped = places === 0 ? up.toString() : `${up / step}.${(up % step).toString().padStart(places, "0")}`;
  return [bumped, `The answer is ${bumped}.`, "", "I cannot compute that."];
}

describe("check", () => {
  it("accepts varied phrasings of the right answer and rejects near misses (600 tasks of each kind)", () => {
    for (const kind of VERIFIABLE_KINDS) {
      for (let i = 0; i < 600; i++) {
        const t = generateTaskOfKind(`check-${kind}-${i}`, kind);
        for (const text of phrasings(t))
          assert.equal(t.check(text).correct, true, `${t.prompt} | reply ${JSON.stringify(text)}`);
        for (const text of wrongs(t))
          assert.equal(t.check(text).correct, false, `${t.prompt} | wrong ${JSON.stringify(text)}`);
      }
    }
  });

  it("reports what it extracted", () => {
    const t = generateTaskOfKind("extracted", "arithmetic");
    assert.equal(t.check(`so it is ${t.answer}`).extracted, t.answer);
    assert.equal(t.check("nothing").extracted, "");
  });

  it("ignores the echo of the prompt's word in string replies", () => {
    for (let i = 0; i < 300; i++) {
      const t = generateTaskOfKind(`echo-${i}`, "string");
      if (t.template === "string.count" || t.template === "string.nth") continue;
      const word = /["'\u201C]([a-z]+)["'\u201D]/.exec(t.prompt)![1]!;
      assert.equal(t.check(`'${t.answer}' is what you get from '${word}'`).correct, true, t.prompt);
    }
  });

  it("ignores the dates of a days-between reply when reading the count", () => {
    for (let i = 0; i < 300; i++) {
      const t = generateTaskOfKind(`between-${i}`, "date");
      if (t.template !== "date.between") continue;
      assert.equal(t.check(`${t.answer} days (from 2001-01-01 to 2001-03-01, say)`).correct, true);
    }
  });

  it("accepts more precise values for rounded unit answers, but not wrong ones", () => {
    let seen = 0;
    for (let i = 0; seen < 50 && i < 5000; i++) {
      const t = generateTaskOfKind(`rounded-${i}`, "units");
      if (!t.template.endsWith(".rounded") || !t.answer.includes(".")) continue;
      seen++;
      // The exact answer rounded to p places, with a digit 1 appended: still rounds to the answer.
      assert.equal(t.check(`${t.answer}1`).correct, true, t.prompt);
    }
    assert.equal(seen, 50);
  });

  it("never throws on junk input", () => {
    const t = generateTaskOfKind("junk", "date");
    for (const junk of [undefined, null, 42, {}, "\u0000\uFFFF", "9".repeat(100_000)] as unknown[]) {
      assert.equal(t.check(junk as string).correct, false);
    }
  });
});
