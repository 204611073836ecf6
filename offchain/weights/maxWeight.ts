/** The contract's max weight limit check (`Weights._checkVector` with `WeightsCodec.maxShareQ32`), for pre-checks. */
import { U16_MAX } from "./limits.js";

const U16_MAX_BIG = BigInt(U16_MAX);

/**
 * Whether a max-upscaled vector with these values passes the contract's max weight limit (subtensor's
 * `check_vec_max_limited` in I32F32 bits, as `WeightsCodec.maxShareQ32`): the largest share
 * `floor(65535 · 2^32 / sum)` must not exceed `floor(maxWeightLimit · 2^32 / 65535)`. 65535 means off.
 */
export function withinMaxWeightLimit(values: readonly number[], maxWeightLimit: number): boolean {
  if (maxWeightLimit >= U16_MAX) return true;
  const sum = values.reduce((a, v) => a + v, 0);
  if (sum === 0) return true;
  const share = (U16_MAX_BIG << 32n) / BigInt(sum);
  const limit = (BigInt(maxWeightLimit) << 32n) / U16_MAX_BIG;
  return share <= limit;
}
