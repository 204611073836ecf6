import Table from "cli-table3";
import type { CliIo } from "./io.js";

/** TAO has 9 decimals: 1 TAO = 1e9 rao. */
export const TAO_DECIMALS = 9;

/** `1234500000000n` -> `"1,234.500000000"`: all 9 decimals, thousands separated, exact (no floats). */
export function formatTao(rao: bigint): string {
  const negative = rao < 0n;
  const abs = negative ? -rao : rao;
  const unit = 10n ** BigInt(TAO_DECIMALS);
  const whole = (abs / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (abs % unit).toString().padStart(TAO_DECIMALS, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** A TAO amount for tables: `1.000000000 TAO`. */
export function taoCell(rao: bigint): string {
  return `${formatTao(rao)} TAO`;
}

/** An integer with thousands separators. */
export function formatInt(n: bigint | number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** JSON for scripts: bigints become decimal strings (exact), two-space indent. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

const PLAIN_STYLE = { head: [], border: [] }; // no ANSI colours: output is the same on a terminal and in a pipe

/** A table with a header row. */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: [...head], style: PLAIN_STYLE });
  for (const row of rows) table.push([...row]);
  return table.toString();
}

/** A two-column "field | value" table. */
export function renderFields(rows: readonly (readonly [string, string])[]): string {
  const table = new Table({ style: PLAIN_STYLE });
  for (const [k, v] of rows) table.push([k, v]);
  return table.toString();
}

/**
 * Where a command's result goes: JSON on stdout with `--json` (nothing else on stdout), otherwise the human
 * rendering. Notes and warnings go to stderr in both modes.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** Prints the command's result: `data` as JSON, or `human()` for people. */
  result(data: unknown, human: () => string): void {
    this.io.stdout.write(`${this.json ? toJson(data) : human()}\n`);
  }

  /** A line for people (stderr), e.g. progress; silent with --json. */
  note(line: string): void {
    if (!this.json) this.io.stderr.write(`${line}\n`);
  }

  /** A warning (stderr), also under --json. */
  warn(line: string): void {
    this.io.stderr.write(`warning: ${line}\n`);
  }
}
