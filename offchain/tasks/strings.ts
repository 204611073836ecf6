/**
 * String tasks on seeded pseudo-words: reverse, count a letter, uppercase, nth character (from the start or the
 * end), sort letters. The word is always quoted in the prompt; `check` ignores a reply's echo of it.
 */
import { exactNumberCheck, wordCheck } from "./answerCheck.js";
import type { Rng } from "./prng.js";
import type { VerifiableTask } from "./task.js";
import { ordinal, pseudoWord } from "./words.js";

type Quote = readonly [string, string];
const QUOTES: readonly Quote[] = [
  ['"', '"'],
  ["'", "'"],
  ["\u201C", "\u201D"],
];
const q = (rng: Rng, s: string): string => {
  const [a, b] = rng.pick(QUOTES);
  return `${a}${s}${b}`;
};
const W = `["'\u201C]([a-z]+)["'\u201D]`;
const L = `["'\u201C]([a-z])["'\u201D]`;

interface Form {
  name: string;
  make: (rng: Rng, word: string) => { prompt: string; answer: string; caseSensitive?: boolean; numeric?: boolean };
  parse: RegExp;
  solve: (m: RegExpExecArray) => string;
}

const reverse = (w: string): string => [...w].reverse().join("");
const sortLetters = (w: string): string => [...w].sort().join("");
const count = (w: string, c: string): number => [...w].filter((x) => x === c).length;

const FORMS: readonly Form[] = [
  {
    name: "reverse",
    make: (rng, w) => ({
      prompt: rng.pick([
        `Reverse the letters of the word ${q(rng, w)}.`,
        `Write the word ${q(rng, w)} backwards.`,
        `Spell ${q(rng, w)} in reverse order.`,
      ]),
      answer: reverse(w),
    }),
    parse: new RegExp(
      `(?:Reverse the letters of the word ${W}\\.|Write the word ${W} backwards\\.|Spell ${W} in reverse order\\.)`,
    ),
    solve: (m) => reverse((m[1] ?? m[2] ?? m[3]) as string),
  },
  {
    name: "count",
    make: (rng, w) => {
      // Usually a letter of the word, sometimes one that is absent (answer 0).
      const c = rng.chance(5, 6) ? (w[rng.int(0, w.length - 1)] as string) : String.fromCharCode(97 + rng.int(0, 25));
      return {
        prompt: rng.pick([
          `How many times does the letter ${q(rng, c)} appear in ${q(rng, w)}?`,
          `Count the occurrences of the letter ${q(rng, c)} in the word ${q(rng, w)}.`,
        ]),
        answer: String(count(w, c)),
        numeric: true,
      };
    },
    parse: new RegExp(
      `(?:How many times does the letter ${L} appear in ${W}\\?|Count the occurrences of the letter ${L} in the word ${W}\\.)`,
    ),
    solve: (m) => String(count((m[2] ?? m[4]) as string, (m[1] ?? m[3]) as string)),
  },
  {
    name: "uppercase",
    make: (rng, w) => ({
      prompt: rng.pick([
        `Write ${q(rng, w)} in uppercase letters.`,
        `Convert the word ${q(rng, w)} to capital letters.`,
      ]),
      answer: w.toUpperCase(),
      caseSensitive: true,
    }),
    parse: new RegExp(`(?:Write ${W} in uppercase letters\\.|Convert the word ${W} to capital letters\\.)`),
    solve: (m) => ((m[1] ?? m[2]) as string).toUpperCase(),
  },
  {
    name: "nth",
    make: (rng, w) => {
      const n = rng.int(1, w.length);
      const fromEnd = rng.chance(1, 3);
      const answer = fromEnd ? (w[w.length - n] as string) : (w[n - 1] as string);
      const where = fromEnd ? (n === 1 ? "last letter" : `${ordinal(n)} letter from the end`) : `${ordinal(n)} letter`;
      return {
        prompt: rng.pick([
          `What is the ${where} of ${q(rng, w)}?`,
          `In the word ${q(rng, w)}, which letter is the ${where}?`,
        ]),
        answer,
      };
    },
    parse: new RegExp(
      `(?:What is the (last letter|\\d+(?:st|nd|rd|th) letter(?: from the end)?) of ${W}\\?|In the word ${W}, which letter is the (last letter|\\d+(?:st|nd|rd|th) letter(?: from the end)?)\\?)`,
    ),
    solve: (m) => {
      const where = (m[1] ?? m[4]) as string;
      const w = (m[2] ?? m[3]) as string;
      if (where === "last letter") return w[w.length - 1] as string;
      const n = parseInt(where, 10);
      return (where.endsWith("from the end") ? w[w.length - n] : w[n - 1]) ?? "";
    },
  },
  {
    name: "sort",
    make: (rng, w) => ({
      prompt: rng.pick([
        `Sort the letters of ${q(rng, w)} in alphabetical order.`,
        `Rearrange the letters of the word ${q(rng, w)} so that they are in alphabetical order.`,
      ]),
      answer: sortLetters(w),
    }),
    parse: new RegExp(
      `(?:Sort the letters of ${W} in alphabetical order\\.|Rearrange the letters of the word ${W} so that they are in alphabetical order\\.)`,
    ),
    solve: (m) => sortLetters((m[1] ?? m[2]) as string),
  },
];

const REPLY_HINTS = ["", " Reply with just the answer.", " Put the answer in quotes."] as const;

export function stringTask(rng: Rng, id: string): VerifiableTask {
  const form = rng.pick(FORMS);
  const word = pseudoWord(rng);
  const made = form.make(rng, word);
  const prompt = made.prompt + rng.pick(REPLY_HINTS);
  return {
    id,
    kind: "string",
    template: `string.${form.name}`,
    prompt,
    answer: made.answer,
    check: made.numeric
      ? exactNumberCheck(made.answer)
      : wordCheck(made.answer, { caseSensitive: made.caseSensitive, echoes: [word] }),
  };
}

/** The answer to any prompt `stringTask` makes, else undefined. */
export function solveString(prompt: string): string | undefined {
  for (const form of FORMS) {
    const m = form.parse.exec(prompt);
    if (m) return form.solve(m);
  }
  return undefined;
}
