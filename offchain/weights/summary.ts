import type { Hex } from "viem";
import { WeightsInputError } from "./errors.js";
import { ENTRY_BYTES, U16_MAX } from "./limits.js";
import { hexBytes } from "./pack.js";

/** What the contract's `WeightsCodec.scan` reports about a packed vector (same fields, same meaning). */
export interface PackedSummary {
  entries: number;
  firstUid: number;
  lastUid: number;
  ascending: boolean;
  hasU16Max: boolean;
  anyNonZero: boolean;
  sum: bigint;
}

/** Scalar reference of `WeightsCodec.scan`, for clients that pre-check a vector and for the round-trip tests. */
export function summarisePacked(packed: Hex): PackedSummary {
  const bytes = hexBytes(packed);
  if (bytes.length % ENTRY_BYTES !== 0) {
    throw new WeightsInputError(`packed weights are ${bytes.length} bytes: must be a multiple of ${ENTRY_BYTES}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / ENTRY_BYTES;
  const s: PackedSummary = {
    entries: n,
    firstUid: 0,
    lastUid: 0,
    ascending: true,
    hasU16Max: false,
    anyNonZero: false,
    sum: 0n,
  };
  for (let i = 0; i < n; i++) {
    const uid = view.getUint16(i * ENTRY_BYTES, false);
    const value = view.getUint16(i * ENTRY_BYTES + 2, false);
    if (i === 0) s.firstUid = uid;
    else if (uid <= s.lastUid) s.ascending = false;
    s.lastUid = uid;
    if (value === U16_MAX) s.hasU16Max = true;
    if (value !== 0) s.anyNonZero = true;
    s.sum += BigInt(value);
  }
  return s;
}
