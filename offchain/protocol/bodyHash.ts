/** keccak256 of the exact bytes sent: what both request and response signatures commit to. */
import { keccak256, type Hex } from "viem";

export function bodyHash(bytes: Uint8Array): Hex {
  return keccak256(bytes);
}
