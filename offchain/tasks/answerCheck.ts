/** `check` builders shared by the task kinds. */
import { extractIsoDate, extractNumber, extractWeekday, extractWord, stripDates } from "./extract.js";
import { formatIso, parseIso } from "./calendar.js";
import { equals, formatExact, parseDecimal, roundTo, terminatingPlaces } from "./rational.js";
import { safeCheck, type CheckResult } from "./task.js";

/** Longest `extracted` value a number check reports (it is logged and kept with the round's results). */
export const MAX_EXTRACTED_CHARS = 80;

const bounded = (s: string): string =>
  s.length > MAX_EXTRACTED_CHARS ? `${s.slice(0, MAX_EXTRACTED_CHARS - 1)}\u2026` : s;

/**
 * The extracted number as logged: its shortest decimal, or n/d, at most MAX_EXTRACTED_CHARS characters.
 * Cheap however the number was written: extraction caps it at 64 digits and an exponent of 1000.
 */
export const show = (r: { n: bigint; d: bigint } | undefined): string =>
  r === undefined ? "" : bounded(terminatingPlaces(r) !== undefined ? formatExact(r) : `${r.n}/${r.d}`);

/** Exact integer/decimal answer: the extracted number must equal `answer` (so "12.50" matches "12.5"). */
export function exactNumberCheck(answer: string, opts: { ignoreDates?: boolean } = {}): (t: string) => CheckResult {
  const want = parseDecimal(answer);
  if (!want) throw new Error(`exactNumberCheck: answer ${JSON.stringify(answer)} is not a number`);
  return safeCheck((text) => {
    const got = extractNumber(opts.ignoreDates ? stripDates(text) : text);
    return { correct: got !== undefined && equals(got, want), extracted: show(got) };
  });
}

/**
 * Answer rounded to `places` decimals: the extracted number, itself rounded half up to `places`, must equal
 * `answer` (a reply with more correct digits than asked for is accepted).
 */
export function roundedNumberCheck(answer: string, places: number): (t: string) => CheckResult {
  const want = parseDecimal(answer);
  if (!want) throw new Error(`roundedNumberCheck: answer ${JSON.stringify(answer)} is not a number`);
  return safeCheck((text) => {
    const got = extractNumber(text);
    return { correct: got !== undefined && equals(roundTo(got, places), want), extracted: show(got) };
  });
}

/** Word answer; `caseSensitive` for tasks whose point is the case (uppercase). */
export function wordCheck(
  answer: string,
  opts: { caseSensitive?: boolean; echoes?: readonly string[] } = {},
): (t: string) => CheckResult {
  return safeCheck((text) => {
    const got = extractWord(text, opts.echoes ?? []) ?? "";
    const correct = opts.caseSensitive ? got === answer : got.toLowerCase() === answer.toLowerCase();
    return { correct, extracted: got };
  });
}

export function weekdayCheck(answer: string): (t: string) => CheckResult {
  return safeCheck((text) => {
    const got = extractWeekday(text) ?? "";
    return { correct: got === answer, extracted: got };
  });
}

export function isoDateCheck(answer: string): (t: string) => CheckResult {
  const want = parseIso(answer);
  if (!want) throw new Error(`isoDateCheck: answer ${JSON.stringify(answer)} is not an ISO date`);
  return safeCheck((text) => {
    const got = extractIsoDate(text);
    const extracted = got ? formatIso(got) : "";
    return { correct: extracted === answer, extracted };
  });
}
