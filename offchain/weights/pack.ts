import { type Hex, isHex } from "viem";
import { WeightsInputError } from "./errors.js";
import { ENTRY_BYTES, MAX_ENTRIES, U16_MAX } from "./limits.js";
import type { WeightEntry } from "./types.js";

function assertU16(what: string, x: number, index: number): void {
  if (!Number.isInteger(x) || x < 0 || x > U16_MAX) {
    throw new WeightsInputError(`${what} ${String(x)} at entry ${index} is not an integer in 0..${U16_MAX}`);
  }
}

/**
 * Packs weights the way `Weights` reads them: 4 bytes per entry, `uid` then `value`, both u16 big-endian, sorted
 * strictly ascending by uid. Entries may come in any order; they are sorted here. Duplicate uids, non-u16 numbers
 * and more than 256 entries are rejected.
 */
export function packWeights(entries: readonly WeightEntry[]): Hex {
  if (entries.length > MAX_ENTRIES) {
    throw new WeightsInputError(`${entries.length} entries: a vector holds at most ${MAX_ENTRIES} (one per uid)`);
  }
  entries.forEach((e, i) => {
    assertU16("uid", e.uid, i);
    assertU16("value", e.value, i);
  });
  const sorted = [...entries].sort((a, b) => a.uid - b.uid);
  const bytes = new Uint8Array(sorted.length * ENTRY_BYTES);
  const view = new DataView(bytes.buffer);
  sorted.forEach((e, i) => {
    if (i > 0 && sorted[i - 1]!.uid === e.uid) {
      throw new WeightsInputError(`uid ${e.uid} appears twice: give each uid one weight`);
    }
    view.setUint16(i * ENTRY_BYTES, e.uid, false);
    view.setUint16(i * ENTRY_BYTES + 2, e.value, false);
  });
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

/** Bytes of a hex string, after checking it is one. */
export function hexBytes(packed: Hex): Uint8Array {
  if (!isHex(packed, { strict: true }) || packed.length % 2 !== 0) {
    throw new WeightsInputError(`packed weights ${packed.slice(0, 20)}... are not an even-length 0x hex string`);
  }
  return Uint8Array.from(Buffer.from(packed.slice(2), "hex"));
}

/**
 * Splits packed weights into entries, in their packed order. Rejects a length that is not whole entries or more
 * than 256 entries; with `strict` (default true) also rejects uids that do not ascend strictly, as the contract does.
 */
export function unpackWeights(packed: Hex, options: { strict?: boolean } = {}): WeightEntry[] {
  const bytes = hexBytes(packed);
  if (bytes.length % ENTRY_BYTES !== 0) {
    throw new WeightsInputError(`packed weights are ${bytes.length} bytes: must be a multiple of ${ENTRY_BYTES}`);
  }
  const n = bytes.length / ENTRY_BYTES;
  if (n > MAX_ENTRIES) {
    throw new WeightsInputError(`packed weights hold ${n} entries: at most ${MAX_ENTRIES}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: WeightEntry[] = [];
  for (let i = 0; i < n; i++) {
    const uid = view.getUint16(i * ENTRY_BYTES, false);
    const value = view.getUint16(i * ENTRY_BYTES + 2, false);
    if ((options.strict ?? true) && i > 0 && uid <= out[i - 1]!.uid) {
      throw new WeightsInputError(`uid ${uid} at entry ${i} is not above the previous uid ${out[i - 1]!.uid}`);
    }
    out.push({ uid, value });
  }
  return out;
}
