/** Shared helpers for store tests (no tests here). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EmaRecord } from "../../offchain/scoring/ema.js";
import type { NewCommit } from "../../offchain/store/index.js";

export function tempFile(name = "validator.db"): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "vstore-")), name);
}

export const HOTKEY = "0x00000000000000000000000000000000000000a1";
export const hex32 = (byte: string): string => `0x${byte.repeat(32)}`;

export function newCommit(over: Partial<NewCommit> = {}): NewCommit {
  return {
    netuid: 1,
    epoch: 7,
    hotkey: HOTKEY,
    hash: hex32("ab"),
    salt: hex32("5a"),
    weights: new Uint8Array([0, 1, 0xff, 0xff, 0, 2, 0x80, 0]),
    versionKey: 18446744073709551615n,
    ...over,
  };
}

/**
 * An EMA record: `ema` is the average over both kinds; `verifiable` and `open` default to "every sample was
 * verifiable" (the verifiable average is `ema`, no open samples), as a validator without a model keeps them.
 */
export function emaRecord(
  over: Partial<EmaRecord> & Pick<EmaRecord, "uid" | "hotkey" | "ema" | "samples" | "updatedSlot">,
): EmaRecord {
  return {
    verifiable: { ema: over.ema, samples: over.samples },
    open: { ema: 0, samples: 0 },
    ...over,
  };
}
