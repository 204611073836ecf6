/** keccak256 of the exact bytes sent: what both request and response signatures commit to. */
import type { Hex } from "viem";
import { keccak256Bytes } from "./keccak.js";

export function bodyHash(bytes: Uint8Array): Hex {
  const h = keccak256Bytes(bytes);
  return `0x${Buffer.from(h.buffer, h.byteOffset, 32).toString("hex")}`;
}
