/**
 * Unit conversion tasks with exact rational factors (1 in = 25.4 mm, 1 lb = 0.45359237 kg, 1 KiB = 1024 B are
 * exact by definition). The answer is exact when the result terminates within 6 decimals and the prompt asks
 * for it exactly; otherwise the prompt states a precision (round half up to p decimals).
 */
import { exactNumberCheck, roundedNumberCheck } from "./answerCheck.js";
import type { Rng } from "./prng.js";
import {
  div,
  formatExact,
  formatFixed,
  mul,
  parseDecimal,
  rational,
  terminatingPlaces,
  type Rational,
} from "./rational.js";
import type { VerifiableTask } from "./task.js";

interface Unit {
  /** Singular and plural names (first spelling is used in prompts, others are accepted by the solver). */
  singular: readonly string[];
  plural: readonly string[];
  symbol?: string;
  /** Size in the category's base unit. */
  factor: Rational;
}

const r = (n: bigint | number, d: bigint | number = 1n): Rational => rational(BigInt(n), BigInt(d));

const CATEGORIES: Record<string, readonly Unit[]> = {
  length: [
    { singular: ["kilometre", "kilometer"], plural: ["kilometres", "kilometers"], symbol: "km", factor: r(1_000_000) },
    { singular: ["metre", "meter"], plural: ["metres", "meters"], symbol: "m", factor: r(1_000) },
    { singular: ["centimetre", "centimeter"], plural: ["centimetres", "centimeters"], symbol: "cm", factor: r(10) },
    { singular: ["millimetre", "millimeter"], plural: ["millimetres", "millimeters"], symbol: "mm", factor: r(1) },
    { singular: ["mile"], plural: ["miles"], factor: r(1_609_344) },
    { singular: ["yard"], plural: ["yards"], factor: r(9144, 10) },
    { singular: ["foot"], plural: ["feet"], factor: r(3048, 10) },
    { singular: ["inch"], plural: ["inches"], factor: r(254, 10) },
  ],
  time: [
    { singular: ["week"], plural: ["weeks"], factor: r(604_800_000) },
    { singular: ["day"], plural: ["days"], factor: r(86_400_000) },
    { singular: ["hour"], plural: ["hours"], symbol: "h", factor: r(3_600_000) },
    { singular: ["minute"], plural: ["minutes"], symbol: "min", factor: r(60_000) },
    { singular: ["second"], plural: ["seconds"], symbol: "s", factor: r(1_000) },
    { singular: ["millisecond"], plural: ["milliseconds"], symbol: "ms", factor: r(1) },
  ],
  mass: [
    { singular: ["tonne"], plural: ["tonnes"], factor: r(1_000_000_000) },
    { singular: ["kilogram"], plural: ["kilograms"], symbol: "kg", factor: r(1_000_000) },
    { singular: ["gram"], plural: ["grams"], symbol: "g", factor: r(1_000) },
    { singular: ["milligram"], plural: ["milligrams"], symbol: "mg", factor: r(1) },
    { singular: ["pound"], plural: ["pounds"], factor: r(45_359_237, 100) },
    { singular: ["ounce"], plural: ["ounces"], factor: r(45_359_237, 1_600) },
  ],
  volume: [
    { singular: ["cubic metre", "cubic meter"], plural: ["cubic metres", "cubic meters"], factor: r(1_000_000) },
    { singular: ["litre", "liter"], plural: ["litres", "liters"], symbol: "L", factor: r(1_000) },
    { singular: ["centilitre", "centiliter"], plural: ["centilitres", "centiliters"], symbol: "cL", factor: r(10) },
    { singular: ["millilitre", "milliliter"], plural: ["millilitres", "milliliters"], symbol: "mL", factor: r(1) },
  ],
  data: [
    { singular: ["bit"], plural: ["bits"], factor: r(1) },
    { singular: ["byte"], plural: ["bytes"], symbol: "B", factor: r(8) },
    { singular: ["kilobyte"], plural: ["kilobytes"], symbol: "kB", factor: r(8_000) },
    { singular: ["megabyte"], plural: ["megabytes"], symbol: "MB", factor: r(8_000_000) },
    { singular: ["gigabyte"], plural: ["gigabytes"], symbol: "GB", factor: r(8_000_000_000) },
    { singular: ["kibibyte"], plural: ["kibibytes"], symbol: "KiB", factor: r(8 * 1024) },
    { singular: ["mebibyte"], plural: ["mebibytes"], symbol: "MiB", factor: r(8 * 1024 * 1024) },
  ],
};

const ALL_UNITS: readonly { unit: Unit; category: string }[] = Object.entries(CATEGORIES).flatMap(([category, us]) =>
  us.map((unit) => ({ unit, category })),
);

/** Every spelling (names, then symbols) → unit; longest first so "cubic metres" wins over "metres". */
const SPELLINGS: readonly [string, { unit: Unit; category: string }][] = ALL_UNITS.flatMap((u) => [
  ...[...u.unit.singular, ...u.unit.plural].map((s) => [s, u] as [string, typeof u]),
  ...(u.unit.symbol ? [[u.unit.symbol, u] as [string, typeof u]] : []),
]).sort((a, b) => b[0].length - a[0].length);

const UNIT_ALT = SPELLINGS.map(([s]) => s.replace(/ /g, "\\s+")).join("|");
const NUM = "(\\d+(?:\\.\\d+)?)";

const TEMPLATES: readonly { render: (v: string, from: string, to: string) => string; parse: RegExp }[] = [
  {
    render: (v, f, t) => `Convert ${v} ${f} to ${t}.`,
    parse: new RegExp(`Convert ${NUM} (${UNIT_ALT}) to (${UNIT_ALT})\\.`),
  },
  {
    render: (v, f, t) => `How many ${t} are in ${v} ${f}?`,
    parse: new RegExp(`How many (${UNIT_ALT}) are in ${NUM} (${UNIT_ALT})\\?`),
  },
  {
    render: (v, f, t) => `Express ${v} ${f} in ${t}.`,
    parse: new RegExp(`Express ${NUM} (${UNIT_ALT}) in (${UNIT_ALT})\\.`),
  },
  {
    render: (v, f, t) => `${v} ${f} is how many ${t}?`,
    parse: new RegExp(`${NUM} (${UNIT_ALT}) is how many (${UNIT_ALT})\\?`),
  },
];

function lookup(spelling: string): { unit: Unit; category: string } | undefined {
  const s = spelling.replace(/\s+/g, " ");
  return SPELLINGS.find(([k]) => k === s)?.[1];
}

function randomValue(rng: Rng): Rational {
  const places = rng.pick([0, 0, 1, 2, 3]);
  const scale = 10 ** places;
  const raw = rng.int(1, rng.chance(1, 2) ? 999 * scale : 99_999 * scale);
  return r(raw, scale);
}

function unitText(rng: Rng, u: Unit, plural: boolean): string {
  if (u.symbol && rng.chance(1, 3)) return u.symbol;
  return (plural ? u.plural : u.singular)[0] as string;
}

export function unitsTask(rng: Rng, id: string): VerifiableTask {
  const category = rng.pick(Object.keys(CATEGORIES));
  const units = CATEGORIES[category] as readonly Unit[];
  const from = rng.pick(units);
  let to = rng.pick(units);
  while (to === from) to = rng.pick(units);
  const value = randomValue(rng);
  const result = div(mul(value, from.factor), to.factor);
  const exactPlaces = terminatingPlaces(result);
  const exact = exactPlaces !== undefined && exactPlaces <= 6 && !rng.chance(1, 5);
  const places = rng.int(0, 3);
  const vText = formatExact(value);
  const isOne = value.n === value.d;
  const body = rng.pick(TEMPLATES).render(vText, unitText(rng, from, !isOne), unitText(rng, to, true));
  const precision = exact
    ? rng.pick([" Give the exact value.", " Give the exact answer."])
    : places === 0
      ? " Round to the nearest whole number (halves round up)."
      : rng
          .pick([
            ` Round to ${places} decimal places.`,
            ` Give the answer rounded to ${places} decimal places (halves round up).`,
          ])
          .replace("1 decimal places", "1 decimal place");
  const answer = exact ? formatExact(result) : formatFixed(result, places);
  return {
    id,
    kind: "units",
    template: `units.${category}${exact ? ".exact" : ".rounded"}`,
    prompt: body + precision,
    answer,
    check: exact ? exactNumberCheck(answer) : roundedNumberCheck(answer, places),
  };
}

/** The answer to any prompt `unitsTask` makes, else undefined. */
export function solveUnits(prompt: string): string | undefined {
  for (const [i, t] of TEMPLATES.entries()) {
    const m = t.parse.exec(prompt);
    if (!m) continue;
    // Template 1 names the target unit before the value.
    const [vText, fromText, toText] = i === 1 ? [m[2], m[3], m[1]] : [m[1], m[2], m[3]];
    const value = parseDecimal(vText as string);
    const from = lookup(fromText as string);
    const to = lookup(toText as string);
    if (!value || !from || !to || from.category !== to.category) return undefined;
    const result = div(mul(value, from.unit.factor), to.unit.factor);
    const rest = prompt.slice(m.index + m[0].length);
    if (/^\s*Give the exact (?:value|answer)\./.test(rest)) {
      return terminatingPlaces(result) === undefined ? undefined : formatExact(result);
    }
    if (/^\s*Round to the nearest whole number/.test(rest)) return formatFixed(result, 0);
    const p = /^\s*(?:Round to|Give the answer rounded to) (\d+) decimal place/.exec(rest);
    return p ? formatFixed(result, Number(p[1])) : undefined;
  }
  return undefined;
}
