/**
 * Integer arithmetic tasks: expressions with + − × and parentheses, integer division (quotient or remainder,
 * rounding down), multi-step chains and short word problems. Exact BigInt answers.
 */
import { exactNumberCheck } from "./answerCheck.js";
import type { Rng } from "./prng.js";
import type { VerifiableTask } from "./task.js";
import { CONTAINERS, ITEMS, NAMES, VEHICLES } from "./words.js";

/** Floor division and the matching non-negative remainder (divisor > 0). */
export function floorDivMod(a: bigint, b: bigint): [bigint, bigint] {
  if (b <= 0n) throw new RangeError(`floorDivMod: divisor ${b} must be > 0`);
  let q = a / b;
  let r = a % b;
  if (r < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

// ---------------------------------------------------------------- expressions

type Op = "+" | "-" | "*";
type Expr = { lit: bigint } | { op: Op; l: Expr; r: Expr };

const PREC: Record<Op, number> = { "+": 1, "-": 1, "*": 2 };

function evalExpr(e: Expr): bigint {
  if ("lit" in e) return e.lit;
  const l = evalExpr(e.l),
    r = evalExpr(e.r);
  return e.op === "+" ? l + r : e.op === "-" ? l - r : l * r;
}

function randomExpr(rng: Rng, ops: number, big: boolean): Expr {
  if (ops === 0) return { lit: BigInt(big ? rng.int(2, 999_999) : rng.int(2, 9_999)) };
  const op: Op = rng.pick(["+", "-", "*", "+", "-", "*"] as const);
  const leftOps = rng.int(0, ops - 1);
  // Products of two big subexpressions grow fast: keep one side of × a small literal-heavy subtree.
  const l = randomExpr(rng, leftOps, big && op !== "*");
  const r = randomExpr(rng, ops - 1 - leftOps, op !== "*" && big);
  return { op, l, r };
}

function renderExpr(
  e: Expr,
  sym: { mul: string; sub: string },
  rng: Rng,
  parentPrec = 0,
  rightOfMinus = false,
): string {
  if ("lit" in e) return e.lit.toString();
  const p = PREC[e.op];
  const inner = `${renderExpr(e.l, sym, rng, p)} ${e.op === "*" ? sym.mul : e.op === "-" ? sym.sub : "+"} ${renderExpr(
    e.r,
    sym,
    rng,
    p,
    e.op === "-" || e.op === "*",
  )}`;
  const needed = p < parentPrec || (rightOfMinus && p === parentPrec);
  const redundant = parentPrec > 0 && rng.chance(1, 4);
  return needed || redundant ? `(${inner})` : inner;
}

/** Evaluates an integer expression with + - − * × and parentheses (precedence as usual); undefined if invalid. */
export function evaluateExpression(text: string): bigint | undefined {
  const tokens = text
    .replace(/−/g, "-")
    .replace(/×/g, "*")
    .match(/\d+|[-+*()]|\S/g);
  if (!tokens) return undefined;
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string | undefined => tokens[pos++];
  const primary = (): bigint | undefined => {
    const t = next();
    if (t === undefined) return undefined;
    if (/^\d+$/.test(t)) return BigInt(t);
    if (t === "(") {
      const v = sum();
      return next() === ")" ? v : undefined;
    }
    if (t === "-") {
      const v = primary();
      return v === undefined ? undefined : -v;
    }
    return undefined;
  };
  const product = (): bigint | undefined => {
    let v = primary();
    while (v !== undefined && peek() === "*") {
      next();
      const r = primary();
      v = r === undefined ? undefined : v * r;
    }
    return v;
  };
  const sum = (): bigint | undefined => {
    let v = product();
    while (v !== undefined && (peek() === "+" || peek() === "-")) {
      const op = next();
      const r = product();
      v = r === undefined ? undefined : op === "+" ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return pos === tokens.length ? v : undefined;
}

const EXPR_WRAPPERS: readonly [string, string][] = [
  ["What is ", "?"],
  ["Compute ", "."],
  ["Evaluate the expression ", ". Reply with the integer result."],
  ["Calculate: ", ""],
  ["", " = ?"],
  ["Work out the value of ", "."],
  ["Using the usual order of operations, what does ", " equal?"],
];

function expressionTask(rng: Rng, id: string): VerifiableTask {
  const ops = rng.int(2, 4);
  const expr = randomExpr(rng, ops, rng.chance(1, 3));
  const sym = { mul: rng.pick(["×", "*"]), sub: rng.pick(["-", "−"]) };
  const [pre, post] = rng.pick(EXPR_WRAPPERS);
  const answer = evalExpr(expr).toString();
  return task(id, "arithmetic.expression", `${pre}${renderExpr(expr, sym, rng)}${post}`, answer);
}

const EXPRESSION_RUN = /[\d(][\d\s+\-−×*()]*[\d)]/g;

function solveExpression(prompt: string): string | undefined {
  const candidates = [...prompt.matchAll(EXPRESSION_RUN)]
    // A run that starts or ends inside a decimal number ("0.1 + 0.2" holds the run "1 + 0") is not one of the
    // generator's integer expressions: no answer rather than a wrong one.
    .filter((m) => !/\d\.$/.test(prompt.slice(0, m.index)) && !/^\.\d/.test(prompt.slice(m.index + m[0].length)))
    .map((m) => m[0].trim())
    .filter((s) => /[+\-−×*]/.test(s) && (s.match(/\d+/g) ?? []).length >= 2)
    .sort((a, b) => b.length - a.length);
  for (const c of candidates) {
    const v = evaluateExpression(c);
    if (v !== undefined) return v.toString();
  }
  return undefined;
}

// ---------------------------------------------------------------- division

type DivAsk = "quotient" | "remainder";
const DIVISION: readonly { ask: DivAsk; render: (a: bigint, b: bigint) => string; parse: RegExp }[] = [
  {
    ask: "remainder",
    render: (a, b) => `What is the remainder when ${a} is divided by ${b}?`,
    parse: /remainder when (\d+) is divided by (\d+)\?/,
  },
  {
    ask: "quotient",
    render: (a, b) => `Divide ${a} by ${b}. What is the whole-number quotient (ignore the remainder)?`,
    parse: /Divide (\d+) by (\d+)\. What is the whole-number quotient/,
  },
  { ask: "remainder", render: (a, b) => `What is ${a} mod ${b}?`, parse: /What is (\d+) mod (\d+)\?/ },
  {
    ask: "quotient",
    render: (a, b) => `Integer division: ${a} ÷ ${b} gives a quotient and a remainder. What is the quotient?`,
    parse: /Integer division: (\d+) ÷ (\d+) gives a quotient and a remainder\. What is the quotient\?/,
  },
  {
    ask: "remainder",
    render: (a, b) => `Integer division: ${a} ÷ ${b} gives a quotient and a remainder. What is the remainder?`,
    parse: /Integer division: (\d+) ÷ (\d+) gives a quotient and a remainder\. What is the remainder\?/,
  },
  {
    ask: "quotient",
    render: (a, b) => `What is ${a} divided by ${b}, rounded down to a whole number?`,
    parse: /What is (\d+) divided by (\d+), rounded down to a whole number\?/,
  },
];

function divisionTask(rng: Rng, id: string): VerifiableTask {
  const a = BigInt(rng.int(1_000, 99_999_999));
  const b = BigInt(rng.chance(1, 2) ? rng.int(2, 99) : rng.int(100, 99_999));
  const form = rng.pick(DIVISION);
  const [q, r] = floorDivMod(a, b);
  return task(id, `arithmetic.${form.ask}`, form.render(a, b), (form.ask === "quotient" ? q : r).toString());
}

function solveDivision(prompt: string): string | undefined {
  for (const form of DIVISION) {
    const m = form.parse.exec(prompt);
    if (!m) continue;
    const b = BigInt(m[2] as string);
    if (b === 0n) return undefined;
    const [q, r] = floorDivMod(BigInt(m[1] as string), b);
    return (form.ask === "quotient" ? q : r).toString();
  }
  return undefined;
}

// ---------------------------------------------------------------- chains

type Step = { kind: "add" | "sub" | "mul" | "div" | "mod"; n: bigint };

const STEP_TEXT: Record<Step["kind"], readonly ((n: bigint) => string)[]> = {
  add: [(n) => `Add ${n}`, (n) => `Increase it by ${n}`, (n) => `Then add ${n}`],
  sub: [(n) => `Subtract ${n}`, (n) => `Take away ${n}`, (n) => `Decrease it by ${n}`],
  mul: [
    (n) => `Multiply by ${n}`,
    (n) => `Multiply the result by ${n}`,
    (n) => (n === 2n ? "Double it" : `Times ${n}`),
  ],
  div: [(n) => `Divide by ${n}, dropping any remainder`, (n) => `Divide by ${n} and keep only the whole part`],
  mod: [(n) => `Replace it with the remainder after dividing by ${n}`],
};

const STEP_PARSE: readonly [RegExp, Step["kind"] | "double"][] = [
  [/^(?:Add|Increase it by|Then add) (\d+)$/, "add"],
  [/^(?:Subtract|Take away|Decrease it by) (\d+)$/, "sub"],
  [/^(?:Multiply by|Multiply the result by|Times) (\d+)$/, "mul"],
  [/^Double it$/, "double"],
  [/^Divide by (\d+)(?:, dropping any remainder| and keep only the whole part)$/, "div"],
  [/^Replace it with the remainder after dividing by (\d+)$/, "mod"],
];

const CHAIN_OPEN = ["Start with {a}.", "Take the number {a}.", "Begin at {a}.", "Let x = {a}."] as const;
const CHAIN_CLOSE = ["What number do you end with?", "What is the final value?", "Report the final number."] as const;

function applyStep(v: bigint, s: Step): bigint {
  switch (s.kind) {
    case "add":
      return v + s.n;
    case "sub":
      return v - s.n;
    case "mul":
      return v * s.n;
    case "div":
      return floorDivMod(v, s.n)[0];
    case "mod":
      return floorDivMod(v, s.n)[1];
  }
}

function chainTask(rng: Rng, id: string): VerifiableTask {
  let v = BigInt(rng.int(10, 99_999));
  const start = v;
  const steps: string[] = [];
  const count = rng.int(3, 5);
  for (let i = 0; i < count; i++) {
    const kinds: Step["kind"][] = v > 1n ? ["add", "sub", "mul", "div", "add", "sub", "mod"] : ["add", "mul", "sub"];
    const kind = rng.pick(kinds);
    const n =
      kind === "mul"
        ? BigInt(rng.int(2, 99))
        : kind === "div" || kind === "mod"
          ? BigInt(rng.int(2, 97))
          : BigInt(rng.int(1, 99_999));
    const step = { kind, n };
    steps.push(rng.pick(STEP_TEXT[kind])(n));
    v = applyStep(v, step);
  }
  const prompt = `${rng.pick(CHAIN_OPEN).replace("{a}", start.toString())} ${steps.join(". ")}. ${rng.pick(CHAIN_CLOSE)}`;
  return task(id, "arithmetic.chain", prompt, v.toString());
}

function solveChain(prompt: string): string | undefined {
  const m =
    /(?:Start with|Take the number|Begin at|Let x =) (\d+)\. (.*?)\. (?:What number do you end with\?|What is the final value\?|Report the final number\.)/s.exec(
      prompt,
    );
  if (!m) return undefined;
  let v = BigInt(m[1] as string);
  for (const text of (m[2] as string).split(". ")) {
    const parsed = STEP_PARSE.map(([re, kind]) => [re.exec(text), kind] as const).find(([hit]) => hit);
    if (!parsed) return undefined;
    const [hit, kind] = parsed;
    v = kind === "double" ? v * 2n : applyStep(v, { kind, n: BigInt((hit as RegExpExecArray)[1] as string) });
  }
  return v.toString();
}

// ---------------------------------------------------------------- word problems

const WORD: readonly {
  name: string;
  make: (rng: Rng) => { prompt: string; answer: bigint };
  solve: (prompt: string) => bigint | undefined;
}[] = [
  {
    name: "giveaway",
    make: (rng) => {
      const who = rng.pick(NAMES),
        items = rng.pick(ITEMS),
        box = rng.pick(CONTAINERS);
      const a = BigInt(rng.int(2, 999)),
        b = BigInt(rng.int(2, 999));
      const c = BigInt(rng.int(1, Number(a * b) - 1));
      return {
        prompt: `${who} has ${a} ${box} with ${b} ${items} in each. ${who} gives away ${c} ${items}. How many ${items} does ${who} have left?`,
        answer: a * b - c,
      };
    },
    solve: (p) => {
      const m =
        /has (\d+) \w+ with (\d+) \w+ in each\. \w+ gives away (\d+) \w+\. How many \w+ does \w+ have left\?/.exec(p);
      return m ? BigInt(m[1] as string) * BigInt(m[2] as string) - BigInt(m[3] as string) : undefined;
    },
  },
  {
    name: "distance",
    make: (rng) => {
      const v = rng.pick(VEHICLES);
      const a = BigInt(rng.int(5, 900)),
        b = BigInt(rng.int(2, 99)),
        c = BigInt(rng.int(1, 9_999));
      return {
        prompt: `A ${v} travels ${a} km every hour for ${b} hours, then ${c} km more. How many kilometres does it travel in total?`,
        answer: a * b + c,
      };
    },
    solve: (p) => {
      const m = /travels (\d+) km every hour for (\d+) hours, then (\d+) km more\. How many kilometres/.exec(p);
      return m ? BigInt(m[1] as string) * BigInt(m[2] as string) + BigInt(m[3] as string) : undefined;
    },
  },
  {
    name: "share",
    make: (rng) => {
      const items = rng.pick(ITEMS);
      const n = BigInt(rng.int(2, 97)),
        a = BigInt(rng.int(100, 999_999));
      const left = rng.chance(1, 2);
      const [q, r] = floorDivMod(a, n);
      const ask = left
        ? `How many ${items} are left over?`
        : `How many ${items} does each person get (whole ${items} only)?`;
      return { prompt: `${n} people share ${a} ${items} as equally as possible. ${ask}`, answer: left ? r : q };
    },
    solve: (p) => {
      const m =
        /(\d+) people share (\d+) \w+ as equally as possible\. How many \w+ (are left over|does each person get)/.exec(
          p,
        );
      if (!m) return undefined;
      const [q, r] = floorDivMod(BigInt(m[2] as string), BigInt(m[1] as string));
      return m[3] === "are left over" ? r : q;
    },
  },
  {
    name: "change",
    make: (rng) => {
      const who = rng.pick(NAMES);
      const a = BigInt(rng.int(2, 9_999)),
        b = BigInt(rng.int(2, 99));
      const c = a * b + BigInt(rng.int(0, 99_999));
      return {
        prompt: `A ticket costs ${a} coins. ${who} buys ${b} tickets and pays with ${c} coins. How many coins of change does ${who} get?`,
        answer: c - a * b,
      };
    },
    solve: (p) => {
      const m =
        /A ticket costs (\d+) coins\. \w+ buys (\d+) tickets and pays with (\d+) coins\. How many coins of change/.exec(
          p,
        );
      return m ? BigInt(m[3] as string) - BigInt(m[1] as string) * BigInt(m[2] as string) : undefined;
    },
  },
];

function wordTask(rng: Rng, id: string): VerifiableTask {
  const form = rng.pick(WORD);
  const { prompt, answer } = form.make(rng);
  return task(id, `arithmetic.word.${form.name}`, prompt, answer.toString());
}

function solveWord(prompt: string): string | undefined {
  for (const form of WORD) {
    const v = form.solve(prompt);
    if (v !== undefined) return v.toString();
  }
  return undefined;
}

// ---------------------------------------------------------------- kind

function task(id: string, template: string, prompt: string, answer: string): VerifiableTask {
  return { id, kind: "arithmetic", template, prompt, answer, check: exactNumberCheck(answer) };
}

export function arithmeticTask(rng: Rng, id: string): VerifiableTask {
  switch (rng.weighted([4, 2, 3, 2])) {
    case 0:
      return expressionTask(rng, id);
    case 1:
      return divisionTask(rng, id);
    case 2:
      return chainTask(rng, id);
    default:
      return wordTask(rng, id);
  }
}

/** The answer to any arithmetic prompt `arithmeticTask` makes (found anywhere in `prompt`), else undefined. */
export function solveArithmetic(prompt: string): string | undefined {
  return solveDivision(prompt) ?? solveChain(prompt) ?? solveWord(prompt) ?? solveExpression(prompt);
}
