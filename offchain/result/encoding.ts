/**
 * Canonical on-chain encodings of parts of an epoch result: the bonds hash and the permits bitmap.
 * Pure functions of the Yuma output; see docs/yuma.md for the byte layout.
 */
import { keccak256, type Hex } from "viem";
import type { U16Pairs } from "../yuma/types.js";

/** uids a single uint256 bitmap can hold. */
export const BITMAP_UIDS = 256;

/**
 * bytes(uid) = abi.encodePacked(uint16 count, (uint16 uid_j, uint16 value_j) for each entry, ascending
 * uid_j); bondsHash = keccak256(bytes(0) ‖ bytes(1) ‖ … ‖ bytes(n−1)). Rows must already be canonical
 * (sorted, no zeros, as runEpoch returns them); this is checked.
 */
export function bondsHash(bonds: readonly U16Pairs[]): Hex {
  let size = 0;
  bonds.forEach((row, uid) => {
    if (row.length > 65535) throw new RangeError(`bonds[${uid}]: ${row.length} entries do not fit a uint16 count`);
    size += 2 + 4 * row.length;
  });
  // abi.encodePacked of uint16 values is their 2-byte big-endian forms back to back.
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  bonds.forEach((row, uid) => {
    view.setUint16(at, row.length);
    at += 2;
    let prev = -1;
    for (const [j, v] of row) {
      if (!Number.isInteger(j) || j <= prev || j > 65535) {
        throw new RangeError(`bonds[${uid}]: uids must be strictly ascending u16 (got ${j} after ${prev})`);
      }
      if (!Number.isInteger(v) || v < 1 || v > 65535) {
        throw new RangeError(`bonds[${uid}] uid ${j}: value ${v} must be a non-zero u16`);
      }
      prev = j;
      view.setUint16(at, j);
      view.setUint16(at + 2, v);
      at += 4;
    }
  });
  return keccak256(bytes);
}

/** uint256 with bit `uid` set for every permitted uid (OpenZeppelin BitMaps bucket 0 layout). */
export function permitsBitmap(permits: readonly boolean[]): bigint {
  if (permits.length > BITMAP_UIDS) {
    throw new RangeError(`permitsBitmap holds uids 0..${BITMAP_UIDS - 1}; this subnet has ${permits.length} uids`);
  }
  let bitmap = 0n;
  permits.forEach((p, uid) => {
    if (p) bitmap |= 1n << BigInt(uid);
  });
  return bitmap;
}
