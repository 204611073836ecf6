/**
 * Loads Node 22's built-in `node:sqlite` (no npm package). Loading it prints "ExperimentalWarning: SQLite is an
 * experimental feature": we drop exactly that warning, only while the module loads, by name and message;
 * every other warning (and this one from any other source) still reaches the process's listeners.
 */
import { createRequire } from "node:module";
import type * as Sqlite from "node:sqlite";

const require = createRequire(import.meta.url);

function isSqliteExperimentalWarning(warning: string | Error, typeOrOptions: unknown): boolean {
  const message = typeof warning === "string" ? warning : warning.message;
  const type =
    typeof warning !== "string"
      ? warning.name
      : typeof typeOrOptions === "string"
        ? typeOrOptions
        : (typeOrOptions as { type?: string } | undefined)?.type;
  return type === "ExperimentalWarning" && /^SQLite is an experimental feature/.test(message);
}

function load(): typeof Sqlite {
  const original = process.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    (original as (...a: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return require("node:sqlite") as typeof Sqlite;
  } finally {
    if (process.emitWarning === filtered) process.emitWarning = original;
  }
}

export const sqlite = load();
export type DatabaseSync = Sqlite.DatabaseSync;
export type SQLInputValue = Sqlite.SQLInputValue;
export type StatementSync = Sqlite.StatementSync;
