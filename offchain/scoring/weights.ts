/**
 * EMA scores → the weight vector the validator commits. Only uids whose current hotkey is the one the score
 * was recorded for count (a uid that changed hands starts from nothing); the validator's own uid is left out
 * (the epoch masks self-weights anyway); zero scores are dropped. The weights codec normalises the result to
 * u16 (max-upscaled), so these floats never reach the chain or the Yuma arithmetic.
 */
import { sameHotkey, type EmaRecord } from "./ema.js";

export interface WeightInput {
  uids: number[];
  scores: number[];
}

export function weightInput(
  neurons: readonly { uid: number; hotkey: string }[],
  emas: readonly EmaRecord[],
  opts: { selfHotkey?: string } = {},
): WeightInput {
  const byUid = new Map(emas.map((e) => [e.uid, e]));
  const uids: number[] = [];
  const scores: number[] = [];
  for (const n of [...neurons].sort((a, b) => a.uid - b.uid)) {
    if (opts.selfHotkey && sameHotkey(n.hotkey, opts.selfHotkey)) continue;
    const e = byUid.get(n.uid);
    if (!e || !sameHotkey(e.hotkey, n.hotkey) || !(e.ema > 0)) continue;
    uids.push(n.uid);
    scores.push(e.ema);
  }
  return { uids, scores };
}
