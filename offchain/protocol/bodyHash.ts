/** keccak256 of the exact bytes sent: what both request and response signatures commit to. */
import type { Hex } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";

export function bodyHash(bytes: Uint8Array): Hex {
  const h = keccak_256(bytes);
  return `0x${Buffer.from(h.buffer, h.byteOffset, 32).toString("hex")}`;
}
