/** A deployment's genesis time in messages, and where state of an earlier genesis of a reset chain is kept. */
import { existsSync } from "node:fs";

/** A deployment's genesis time (unix seconds) for messages: the number and its ISO date. */
export function genesisLabel(seconds: number): string {
  return `${seconds} (${new Date(seconds * 1000).toISOString()})`;
}

/**
 * Where a store or directory of an earlier deployment (genesis `genesis`) of a reset chain is kept:
 * `<p>.genesis-<genesis>`, or `-2`, `-3`, … after it when that is taken.
 */
export function asidePath(p: string, genesis: number): string {
  let aside = `${p}.genesis-${genesis}`;
  for (let n = 2; existsSync(aside); n++) aside = `${p}.genesis-${genesis}-${n}`;
  return aside;
}
