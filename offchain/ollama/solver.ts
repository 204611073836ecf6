/**
 * A tiny deterministic solver for the verifiable tasks a validator generates, used by the fake Ollama server
 * so that tests and local networks get correct (or, on demand, wrong) answers without a model.
 *
 * Supported forms (case-insensitive; a trailing "?", "." or "!" is ignored; answers are bare values):
 *
 * Arithmetic: "What is 12 + 7?", "Compute (3 + 4) * 2", "Calculate 2^10", "What is 7 divided by 2?".
 *   Integers and decimals; + - * / × ÷ ^, parentheses, unary minus; words plus, minus, times,
 *   multiplied by, divided by, to the power of. Exact rational arithmetic: an integer prints as such,
 *   anything else rounded half away from zero to 6 decimals with trailing zeros removed ("3.5",
 *   "0.333333"). Division by zero answers "undefined". A value past MAX_SOLVER_BITS is not computed (undefined).
 * Unit conversion: "Convert 5 km to m", "What is 3 miles in kilometers?", "How many grams are in 2.5 kg?".
 *   Length mm cm m km in ft yd mi; mass mg g kg t oz lb; time ms s min h day week; volume ml l gal (US);
 *   temperature C F K. Same number format as arithmetic.
 * Strings (the text in double or single quotes): reverse "abc" → cba; length of "abc" / how many
 *   characters are in "abc" → 3; "abc" to uppercase / lowercase (or uppercase "abc"); how many times does
 *   "l" appear in "hello" → 2; how many vowels are in "hello" → 2; how many words are in "a b c" → 3.
 * Dates (ISO YYYY-MM-DD, UTC, Gregorian): what day of the week is 2024-01-15 → Monday; what is the date
 *   10 days after/before 2024-01-15 → 2024-01-25; how many days are between 2024-01-01 and 2024-03-01 → 60;
 *   is 2024 a leap year → yes.
 *
 * `solve` returns undefined for anything else (the fake server then answers with an echo).
 */

// ---------- exact rationals ----------

interface Q {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

class DivisionByZero extends Error {}

/** A question the solver does not handle (the fake server then echoes the prompt). */
class Unsupported extends Error {}

/**
 * Largest numerator or denominator, in bits, the solver keeps. A bigger value is no task a validator sets, and
 * would cost real CPU in the miner's process (BigInt work is synchronous): `Unsupported` instead.
 */
export const MAX_SOLVER_BITS = 4096;
const LIMIT = 1n << BigInt(MAX_SOLVER_BITS);

function q(n: bigint, d = 1n): Q {
  if (d === 0n) throw new DivisionByZero();
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  const r = { n: n / g, d: d / g };
  // Operands are within the limit, so the value just computed had at most about twice its bits: cheap.
  if ((r.n < 0n ? -r.n : r.n) >= LIMIT || r.d >= LIMIT) throw new Unsupported();
  return r;
}

function bitLength(x: bigint): number {
  return (x < 0n ? -x : x).toString(2).length;
}

const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);

function pow(a: Q, e: Q): Q {
  if (e.d !== 1n) throw new Unsupported();
  const k = e.n < 0n ? -e.n : e.n;
  if (k > 256n) throw new Unsupported();
  // |a^k| < 2^(bits(a)·k): refused before any multiplication when that bound passes the limit.
  if (Math.max(bitLength(a.n), bitLength(a.d)) * Number(k) > MAX_SOLVER_BITS) throw new Unsupported();
  let r = q(1n);
  for (let i = 0n; i < k; i++) r = mul(r, a);
  return e.n < 0n ? div(q(1n), r) : r;
}

function parseDecimal(s: string): Q {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (m === null) throw new Unsupported();
  const frac = m[2] ?? "";
  return q(BigInt(m[1]! + frac), 10n ** BigInt(frac.length));
}

/** Integer, or 6 decimals rounded half away from zero, trailing zeros trimmed. */
export function formatNumber(x: Q): string {
  if (x.d === 1n) return x.n.toString();
  const neg = x.n < 0n;
  const n = neg ? -x.n : x.n;
  const scaled = (n * 1_000_000n * 2n + x.d) / (x.d * 2n); // round half up on the magnitude
  const int = scaled / 1_000_000n;
  const frac = (scaled % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  const body = frac === "" ? int.toString() : `${int}.${frac}`;
  return neg && body !== "0" ? `-${body}` : body;
}

// ---------- arithmetic ----------

type Tok = { k: "num"; v: Q } | { k: "op"; v: string };

function tokenize(expr: string): Tok[] {
  const s = expr
    .replace(/multiplied by|times/g, "*")
    .replace(/divided by|over/g, "/")
    .replace(/to the power of/g, "^")
    .replace(/plus/g, "+")
    .replace(/minus/g, "-")
    .replace(/[×x]/g, "*")
    .replace(/÷/g, "/")
    .replace(/\*\*/g, "^");
  const out: Tok[] = [];
  const re = /\s*(\d+(?:\.\d+)?|[-+*/^()])/y;
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i]!)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) throw new Unsupported();
    const t = m[1]!;
    out.push(/\d/.test(t[0]!) ? { k: "num", v: parseDecimal(t) } : { k: "op", v: t });
    i = re.lastIndex;
  }
  return out;
}

function evaluate(tokens: Tok[]): Q {
  let pos = 0;
  const peek = (): Tok | undefined => tokens[pos];
  const isOp = (v: string): boolean => {
    const t = peek();
    return t?.k === "op" && t.v === v;
  };
  const primary = (): Q => {
    const t = tokens[pos++];
    if (t === undefined) throw new Unsupported();
    if (t.k === "num") return t.v;
    if (t.v === "(") {
      const v = sum();
      if (!isOp(")")) throw new Unsupported();
      pos++;
      return v;
    }
    if (t.v === "-") return sub(q(0n), power());
    if (t.v === "+") return power();
    throw new Unsupported();
  };
  const power = (): Q => {
    const base = primary();
    if (isOp("^")) {
      pos++;
      return pow(base, power()); // right-associative
    }
    return base;
  };
  const product = (): Q => {
    let v = power();
    while (isOp("*") || isOp("/")) {
      const op = (tokens[pos++] as { v: string }).v;
      const r = power();
      v = op === "*" ? mul(v, r) : div(v, r);
    }
    return v;
  };
  const sum = (): Q => {
    let v = product();
    while (isOp("+") || isOp("-")) {
      const op = (tokens[pos++] as { v: string }).v;
      const r = product();
      v = op === "+" ? add(v, r) : sub(v, r);
    }
    return v;
  };
  const v = sum();
  if (pos !== tokens.length) throw new Unsupported();
  return v;
}

function solveArithmetic(p: string): string | undefined {
  const m = /^(?:what is|what's|compute|calculate|evaluate|how much is|solve)\s+(.+)$/.exec(p);
  const expr = m?.[1] ?? p;
  if (
    !/\d/.test(expr) ||
    !/^[\d\s.+\-*/×÷^()x]*(?:(?:plus|minus|times|multiplied by|divided by|over|to the power of)[\d\s.+\-*/×÷^()x]*)*$/.test(
      expr,
    )
  )
    return undefined;
  const tokens = tokenize(expr);
  if (tokens.length < 2 && m === null) return undefined; // a bare number is not a question
  try {
    return formatNumber(evaluate(tokens));
  } catch (e) {
    if (e instanceof DivisionByZero) return "undefined";
    throw e;
  }
}

// ---------- units ----------

interface Unit {
  dim: "length" | "mass" | "time" | "volume" | "temp";
  /** Size in the dimension's base unit (m, kg, s, l); unused for temperature. */
  f: Q;
  /** Temperature scale. */
  scale?: "C" | "F" | "K";
}

const dec = (s: string): Q => parseDecimal(s);
const UNITS = new Map<string, Unit>();
function unit(dim: Unit["dim"], f: Q, ...names: string[]): void {
  for (const n of names) UNITS.set(n, { dim, f });
}
unit("length", dec("0.001"), "mm", "millimeter", "millimeters", "millimetre", "millimetres");
unit("length", dec("0.01"), "cm", "centimeter", "centimeters", "centimetre", "centimetres");
unit("length", q(1n), "m", "meter", "meters", "metre", "metres");
unit("length", q(1000n), "km", "kilometer", "kilometers", "kilometre", "kilometres");
unit("length", dec("0.0254"), "in", "inch", "inches");
unit("length", dec("0.3048"), "ft", "foot", "feet");
unit("length", dec("0.9144"), "yd", "yard", "yards");
unit("length", dec("1609.344"), "mi", "mile", "miles");
unit("mass", dec("0.000001"), "mg", "milligram", "milligrams");
unit("mass", dec("0.001"), "g", "gram", "grams");
unit("mass", q(1n), "kg", "kilogram", "kilograms");
unit("mass", q(1000n), "t", "tonne", "tonnes", "metric ton", "metric tons");
unit("mass", dec("0.45359237"), "lb", "lbs", "pound", "pounds");
unit("mass", div(dec("0.45359237"), q(16n)), "oz", "ounce", "ounces");
unit("time", dec("0.001"), "ms", "millisecond", "milliseconds");
unit("time", q(1n), "s", "sec", "secs", "second", "seconds");
unit("time", q(60n), "min", "mins", "minute", "minutes");
unit("time", q(3600n), "h", "hr", "hrs", "hour", "hours");
unit("time", q(86_400n), "d", "day", "days");
unit("time", q(604_800n), "week", "weeks");
unit("volume", dec("0.001"), "ml", "milliliter", "milliliters", "millilitre", "millilitres");
unit("volume", q(1n), "l", "liter", "liters", "litre", "litres");
unit("volume", dec("3.785411784"), "gal", "gallon", "gallons");
for (const [names, key] of [
  [["c", "°c", "celsius", "degrees celsius", "degree celsius"], "C"],
  [["f", "°f", "fahrenheit", "degrees fahrenheit", "degree fahrenheit"], "F"],
  [["k", "kelvin", "kelvins"], "K"],
] as const) {
  for (const n of names) UNITS.set(n, { dim: "temp", f: q(1n), scale: key });
}

function toKelvin(v: Q, u: Unit): Q {
  if (u.scale === "C") return add(v, dec("273.15"));
  if (u.scale === "F") return add(mul(sub(v, q(32n)), q(5n, 9n)), dec("273.15"));
  return v;
}

function fromKelvin(k: Q, u: Unit): Q {
  if (u.scale === "C") return sub(k, dec("273.15"));
  if (u.scale === "F") return add(mul(sub(k, dec("273.15")), q(9n, 5n)), q(32n));
  return k;
}

function convert(value: string, from: string, to: string): string | undefined {
  const a = UNITS.get(from.trim());
  const b = UNITS.get(to.trim());
  if (a === undefined || b === undefined || a.dim !== b.dim) return undefined;
  const neg = value.startsWith("-");
  let v = parseDecimal(neg ? value.slice(1) : value);
  if (neg) v = sub(q(0n), v);
  if (a.dim === "temp") return formatNumber(fromKelvin(toKelvin(v, a), b));
  return formatNumber(div(mul(v, a.f), b.f));
}

const NUM = "(-?\\d+(?:\\.\\d+)?)";
const UNIT = "([a-z°]+(?: [a-z]+)?)";

function solveUnits(p: string): string | undefined {
  let m = new RegExp(`^convert ${NUM} ?${UNIT} (?:to|into|in) ${UNIT}$`).exec(p);
  if (m !== null) return convert(m[1]!, m[2]!, m[3]!);
  m = new RegExp(`^(?:what is|what's|how much is) ${NUM} ?${UNIT} (?:in|to|into) ${UNIT}$`).exec(p);
  if (m !== null) return convert(m[1]!, m[2]!, m[3]!);
  m = new RegExp(`^how many ${UNIT} (?:are|is) (?:there )?in ${NUM} ?${UNIT}$`).exec(p);
  if (m !== null) return convert(m[2]!, m[3]!, m[1]!);
  return undefined;
}

// ---------- strings ----------

const Q_STR = `(?:"([^"]*)"|'([^']*)')`;

function quoted(m: RegExpExecArray, i: number): string {
  return m[i] ?? m[i + 1] ?? "";
}

function solveStrings(original: string): string | undefined {
  const p = original;
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^reverse (?:the )?(?:string |word |text )?${Q_STR}$`, "i").exec(p)))
    return [...quoted(m, 1)].reverse().join("");
  if (
    (m = new RegExp(
      `^(?:what is )?(?:the )?(?:length of|number of characters in|how many characters (?:are )?in) (?:the )?(?:string )?${Q_STR}$`,
      "i",
    ).exec(p))
  ) {
    return String([...quoted(m, 1)].length);
  }
  if (
    (m = new RegExp(`^(?:convert )?(?:the )?(?:string )?${Q_STR} (?:to|in|into) (upper|lower) ?case$`, "i").exec(p))
  ) {
    return m[3]!.toLowerCase() === "upper" ? quoted(m, 1).toUpperCase() : quoted(m, 1).toLowerCase();
  }
  if ((m = new RegExp(`^(upper|lower) ?case (?:the )?(?:string )?${Q_STR}$`, "i").exec(p))) {
    return m[1]!.toLowerCase() === "upper" ? quoted(m, 2).toUpperCase() : quoted(m, 2).toLowerCase();
  }
  if ((m = new RegExp(`^how many times does ${Q_STR} (?:appear|occur) in ${Q_STR}$`, "i").exec(p))) {
    const needle = quoted(m, 1);
    const hay = quoted(m, 3);
    if (needle === "") return undefined;
    return String(hay.split(needle).length - 1);
  }
  if ((m = new RegExp(`^how many vowels (?:are )?(?:there )?in ${Q_STR}$`, "i").exec(p)))
    return String((quoted(m, 1).match(/[aeiou]/gi) ?? []).length);
  if ((m = new RegExp(`^how many words (?:are )?(?:there )?in ${Q_STR}$`, "i").exec(p))) {
    const s = quoted(m, 1).trim();
    return String(s === "" ? 0 : s.split(/\s+/).length);
  }
  return undefined;
}

// ---------- dates ----------

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_MS = 86_400_000;

function parseDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t;
}

function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

function solveDates(p: string): string | undefined {
  const D = "(\\d{4}-\\d{2}-\\d{2})";
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^what day of the week (?:is|was|will be|falls on) ${D}$`).exec(p))) {
    const t = parseDate(m[1]!);
    return t === undefined ? undefined : WEEKDAYS[new Date(t).getUTCDay()];
  }
  if ((m = new RegExp(`^what (?:is the )?date (?:is |will it be )?(\\d+) days? (after|before|from) ${D}$`).exec(p))) {
    const t = parseDate(m[3]!);
    if (t === undefined) return undefined;
    const n = Number(m[1]);
    return isoDate(t + (m[2] === "before" ? -n : n) * DAY_MS);
  }
  if ((m = new RegExp(`^how many days (?:are )?(?:there )?between ${D} and ${D}$`).exec(p))) {
    const a = parseDate(m[1]!);
    const b = parseDate(m[2]!);
    return a === undefined || b === undefined ? undefined : String(Math.abs(b - a) / DAY_MS);
  }
  if ((m = /^is (\d{1,6}) a leap year$/.exec(p))) {
    const y = Number(m[1]);
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? "yes" : "no";
  }
  return undefined;
}

// ---------- entry points ----------

function normalize(prompt: string): string {
  return prompt
    .trim()
    .replace(/\s+/g, " ")
    .replace(/[?.!]+$/, "")
    .trim();
}

/** The exact answer to a supported question, or undefined. Never throws. */
export function solve(prompt: string): string | undefined {
  const original = normalize(prompt);
  const p = original.toLowerCase();
  try {
    return solveStrings(original) ?? solveDates(p) ?? solveUnits(p) ?? solveArithmetic(p);
  } catch {
    return undefined;
  }
}

/** A deterministic wrong answer for `answer` (for testing that validators score wrong answers low). */
export function wrongAnswer(answer: string): string {
  if (/^-?\d+$/.test(answer)) return (BigInt(answer) + 1n).toString();
  const dec = /^(-?\d+)\.(\d+)$/.exec(answer);
  if (dec) {
    // One unit in the last place: still wrong once rounded to the answer's own places (a rounded check).
    const places = dec[2]!.length;
    const v = BigInt(`${dec[1]}${dec[2]}`) + (dec[1]!.startsWith("-") ? -1n : 1n);
    const digits = (v < 0n ? -v : v).toString().padStart(places + 1, "0");
    return `${v < 0n ? "-" : ""}${digits.slice(0, -places)}.${digits.slice(-places)}`;
  }
  if (answer === "yes") return "no";
  if (answer === "no") return "yes";
  const i = WEEKDAYS.indexOf(answer);
  if (i >= 0) return WEEKDAYS[(i + 1) % 7]!;
  const t = parseDate(answer);
  if (t !== undefined) return isoDate(t + DAY_MS);
  return `${[...answer].reverse().join("")}x`;
}
