import { type Hex, encodePacked, getAddress, isHex, keccak256 } from "viem";
import { WeightsInputError } from "./errors.js";
import { hexBytes } from "./pack.js";
import type { CommitInput } from "./types.js";

const U64_MAX = (1n << 64n) - 1n;

/**
 * The commit hash `Weights.revealWeights` recomputes:
 * `keccak256(abi.encodePacked(hotkey (20 bytes), netuid (uint16), packedWeights (raw bytes), salt (bytes32),
 * versionKey (uint64)))`.
 */
export function commitHash(input: CommitInput): Hex {
  if (!Number.isInteger(input.netuid) || input.netuid < 0 || input.netuid > 0xffff) {
    throw new WeightsInputError(`netuid ${input.netuid} is not a u16`);
  }
  if (!isHex(input.salt, { strict: true }) || input.salt.length !== 66) {
    throw new WeightsInputError(`salt ${input.salt} must be 32 bytes of 0x hex (use a fresh random salt per commit)`);
  }
  if (input.versionKey < 0n || input.versionKey > U64_MAX) {
    throw new WeightsInputError(`versionKey ${input.versionKey} is not a u64`);
  }
  hexBytes(input.packedWeights);
  return keccak256(
    encodePacked(
      ["address", "uint16", "bytes", "bytes32", "uint64"],
      [getAddress(input.hotkey), input.netuid, input.packedWeights, input.salt, input.versionKey],
    ),
  );
}

/** `keccak256(packedWeights)`: what `Weights.weightsHashOf` stores and `WeightsSet` carries. */
export function weightsHash(packedWeights: Hex): Hex {
  hexBytes(packedWeights);
  return keccak256(packedWeights);
}
