/** A deployment's genesis time in messages, and where state of an earlier genesis of a reset chain is kept. */
import { existsSync } from "node:fs";

/**
 * A deployment's genesis time (unix seconds) for messages: the number and its ISO date; undefined is a store or
 * directory from before genesis times were recorded.
 */
export function genesisLabel(seconds: number | undefined): string {
  if (seconds === undefined) return "unrecorded";
  return `${seconds} (${new Date(seconds * 1000).toISOString()})`;
}

/**
 * Where a store or directory of an earlier deployment (genesis `genesis`) of a reset chain is kept:
 * `<p>.genesis-<genesis>` (`<p>.genesis-unrecorded` for one from before genesis times were recorded), or `-2`,
 * `-3`, … after it when that is taken.
 */
export function asidePath(p: string, genesis: number | undefined): string {
  const label = genesis ?? "unrecorded";
  let aside = `${p}.genesis-${label}`;
  for (let n = 2; existsSync(aside); n++) aside = `${p}.genesis-${label}-${n}`;
  return aside;
}
