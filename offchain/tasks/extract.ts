/**
 * Pulling an answer out of a model's free text. Rules, in order of preference:
 * - numbers: the content of the last `\boxed{...}`, else the last number in the text (signs, decimals,
 *   thousands separators `1,234,567`, exponents `1.5e6`); "5-3" reads as 3, "= -5" as -5;
 * - ISO dates: the last YYYY-MM-DD (or YYYY/MM/DD) that is a real date;
 * - weekdays: the last English weekday name (or its 3-letter abbreviation);
 * - words: the last quoted / backticked / bold span, ignoring spans equal to words the prompt itself quoted
 *   (an echo of the question), else the last word of the text.
 * Text is first NFKC-normalised, zero-width characters dropped, Unicode minus signs mapped to "-".
 */
import { WEEKDAYS, parseIso, type CivilDate, monthFromName, isValidDate } from "./calendar.js";
import { MAX_DECIMAL_DIGITS, parseDecimal, type Rational } from "./rational.js";

export function normaliseText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, "")
    .replace(/[\u2212\u2012\u2013\uFE63\uFF0D]/g, "-")
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " ")
    .replace(/\r\n?/g, "\n");
}

const NUMBER = /(?<![\w.,])(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?/g;

/**
 * All numbers in `text`, in order of appearance. A number with more than MAX_DECIMAL_DIGITS digits (or an
 * exponent over 1000) is not read at all: it is skipped before any BigInt is built.
 */
export function numbersIn(text: string): Rational[] {
  const out: Rational[] = [];
  for (const m of normaliseText(text).matchAll(NUMBER)) {
    const int = (m[2] as string).replace(/,/g, "");
    const frac = m[3] ?? "";
    if (int.length + Math.max(0, frac.length - 1) > MAX_DECIMAL_DIGITS) continue;
    const literal = `${m[1]}${int}${frac}${m[4] ?? ""}`;
    const r = parseDecimal(literal);
    if (r) out.push(r);
  }
  return out;
}

/** The answer number: last `\boxed{}` content, else the last number in the text. */
export function extractNumber(text: string): Rational | undefined {
  const t = normaliseText(text);
  const boxed = [...t.matchAll(/\\boxed\{([^{}]*)\}/g)];
  if (boxed.length > 0) {
    const inner = numbersIn((boxed[boxed.length - 1] as RegExpMatchArray)[1] as string);
    if (inner.length > 0) return inner[inner.length - 1];
  }
  const all = numbersIn(t);
  return all.length > 0 ? all[all.length - 1] : undefined;
}

const ISO_IN_TEXT = /(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)/g;
const MONTH_NAME = "(January|February|March|April|May|June|July|August|September|October|November|December)";
const WRITTEN_DMY = new RegExp(`(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAME},?\\s+(\\d{4})`, "gi");
const WRITTEN_MDY = new RegExp(`${MONTH_NAME}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})`, "gi");

/** The last real date written as YYYY-MM-DD or YYYY/MM/DD. */
export function extractIsoDate(text: string): CivilDate | undefined {
  const t = normaliseText(text);
  let found: CivilDate | undefined;
  for (const m of t.matchAll(ISO_IN_TEXT)) {
    const d = parseIso(`${m[1]}-${m[2]}-${m[3]}`);
    if (d) found = d;
  }
  return found;
}

/** Every date in `text` (ISO or written out in English), in order, with its position. */
export function datesIn(text: string): { date: CivilDate; index: number; length: number }[] {
  const t = normaliseText(text);
  const out: { date: CivilDate; index: number; length: number }[] = [];
  for (const m of t.matchAll(ISO_IN_TEXT)) {
    const date = parseIso(`${m[1]}-${m[2]}-${m[3]}`);
    if (date) out.push({ date, index: m.index, length: m[0].length });
  }
  for (const m of t.matchAll(WRITTEN_DMY)) {
    const date = { year: Number(m[3]), month: monthFromName(m[2] as string) ?? 0, day: Number(m[1]) };
    if (isValidDate(date)) out.push({ date, index: m.index, length: m[0].length });
  }
  for (const m of t.matchAll(WRITTEN_MDY)) {
    const date = { year: Number(m[3]), month: monthFromName(m[1] as string) ?? 0, day: Number(m[2]) };
    if (isValidDate(date)) out.push({ date, index: m.index, length: m[0].length });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** `text` with every date removed, so that the numbers inside dates are not read as the answer. */
export function stripDates(text: string): string {
  return normaliseText(text).replace(ISO_IN_TEXT, " ").replace(WRITTEN_DMY, " ").replace(WRITTEN_MDY, " ");
}

const WEEKDAY_WORD =
  /\b(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)\b/gi;

/** The last weekday named in `text`, as its full English name. */
export function extractWeekday(text: string): string | undefined {
  let found: string | undefined;
  for (const m of normaliseText(text).matchAll(WEEKDAY_WORD)) {
    const prefix = (m[1] as string).slice(0, 3).toLowerCase();
    found = WEEKDAYS.find((w) => w.slice(0, 3).toLowerCase() === prefix);
  }
  return found;
}

const QUOTED = [
  /"([^"\n]{1,80})"/g,
  /(?<![A-Za-z])'([^'\n]{1,80})'(?![A-Za-z])/g,
  /\u201C([^\u201D\n]{1,80})\u201D/g,
  /\u2018([^\u2019\n]{1,80})\u2019/g,
  /`([^`\n]{1,80})`/g,
  /\u00AB\s?([^\u00BB\n]{1,80}?)\s?\u00BB/g,
  /\*\*([^*\n]{1,80})\*\*/g,
  /(?<![A-Za-z0-9])__([^_\n]{1,80})__(?![A-Za-z0-9])/g,
];

/** Quoted/backticked/bold spans of `text`, in order of appearance. */
export function quotedSpans(text: string): string[] {
  const t = normaliseText(text);
  const spans: { index: number; value: string }[] = [];
  for (const re of QUOTED) for (const m of t.matchAll(re)) spans.push({ index: m.index, value: m[1] as string });
  return spans.sort((a, b) => a.index - b.index).map((s) => s.value.trim());
}

/**
 * The answer word: the last quoted span that is a single run of letters and is not one of `echoes` (words the
 * prompt quoted; compared case-sensitively), else the last run of letters in the text.
 */
export function extractWord(text: string, echoes: readonly string[] = []): string | undefined {
  const quoted = quotedSpans(text).filter((s) => /^[A-Za-z]+$/.test(s));
  const fresh = quoted.filter((s) => !echoes.includes(s));
  if (fresh.length > 0) return fresh[fresh.length - 1];
  const t = normaliseText(text);
  const words = t.match(/[A-Za-z]+/g) ?? [];
  const last = words[words.length - 1];
  if (quoted.length > 0 && (last === undefined || echoes.includes(last))) return quoted[quoted.length - 1];
  return last;
}
