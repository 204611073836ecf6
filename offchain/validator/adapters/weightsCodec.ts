/** The WeightsCodec port over offchain/weights: the same u16 normalisation, packing and hash as the contract. */
import { bytesToHex, type Hex } from "viem";
import { commitHash, normaliseScores, packWeights, unpackWeights } from "../../weights/index.js";
import { hexBytes } from "../../weights/pack.js";
import type { WeightsCodec } from "../ports.js";

export function createWeightsCodec(): WeightsCodec {
  const entries = (uids: readonly number[], values: readonly number[]) => {
    if (uids.length !== values.length)
      throw new RangeError(`weights: ${uids.length} uids but ${values.length} values: give one value per uid`);
    return uids.map((uid, i) => ({ uid, value: values[i]! }));
  };
  return {
    normalise(uids, scores) {
      if (uids.length !== scores.length)
        throw new RangeError(`weights: ${uids.length} uids but ${scores.length} scores: give one score per uid`);
      const map = new Map<number, number>();
      uids.forEach((uid, i) => map.set(uid, scores[i]!));
      const out = normaliseScores(map);
      return { uids: out.map((e) => e.uid), values: out.map((e) => e.value) };
    },
    pack: (uids, values) => hexBytes(packWeights(entries(uids, values))),
    unpack(packed) {
      const e = unpackWeights(bytesToHex(packed));
      return { uids: e.map((x) => x.uid), values: e.map((x) => x.value) };
    },
    commitHash: (c) =>
      commitHash({
        hotkey: c.hotkey,
        netuid: c.netuid,
        packedWeights: packWeights(entries(c.uids, c.values)),
        salt: c.salt,
        versionKey: c.versionKey,
      }),
    randomSalt(): Hex {
      return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
    },
  };
}
