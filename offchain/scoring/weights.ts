/**
 * EMA scores → the weight vector the validator commits. Only uids whose current hotkey is the one the score
 * was recorded for count (a uid that changed hands starts from nothing); the validator's own uid is left out
 * (the epoch masks self-weights anyway); zero scores are dropped. The weights codec normalises the result to
 * u16 (max-upscaled), so these floats never reach the chain or the Yuma arithmetic.
 *
 * Each uid's score (`weightScore`):
 * - the validator scores open prompts (its task mix has an open share and it has a model to score them):
 *   open average × min(1, verifiable average / τ). Verifiable tasks are exact, so code answers them perfectly
 *   (offchain/tasks/solve.ts) and, since it answers nothing else, also tells a miner which tasks are open; summed
 *   into one average, they paid a code solver with no model about what an honest model earns, and a hybrid (code
 *   for verifiable, the model for open) well above it. As a gate they pay nothing by themselves: a pure solver's
 *   open average is 0, so its weight is 0; a hybrid's verifiable average is 1, which counts no more than any
 *   honest miner's at or above τ, so it earns what an honest miner with the same model earns. τ (default 0.25,
 *   the `verifiableGate` setting) is low enough that a weak honest model, slow or often wrong on exact tasks,
 *   still passes in full, and below it the weight is scaled down, not cut off; a miner that skips the verifiable
 *   tasks (answering only what looks open) gets nothing.
 * - no open share (no model, e.g. local networks): the verifiable average, as before the averages were split.
 */
import { sameHotkey, type EmaRecord } from "./ema.js";

export interface WeightInput {
  uids: number[];
  scores: number[];
}

/** The default τ: a verifiable average at or above it opens the gate fully. */
export const DEFAULT_VERIFIABLE_GATE = 0.25;

export interface WeightRule {
  /** Whether the validator scores open prompts (its effective task mix has an open share). */
  open: boolean;
  /** τ, in (0, 1]; default {@link DEFAULT_VERIFIABLE_GATE}. Only read when `open`. */
  gate?: number;
}

export function assertGate(gate: number): void {
  if (!(gate > 0 && gate <= 1)) throw new RangeError(`verifiable gate ${gate} must be in (0, 1]`);
}

/** One uid's score for the weights under `rule` (see the module comment). */
export function weightScore(e: Pick<EmaRecord, "verifiable" | "open">, rule: WeightRule): number {
  const verifiable = e.verifiable.ema;
  if (!rule.open) return verifiable;
  const gate = rule.gate ?? DEFAULT_VERIFIABLE_GATE;
  assertGate(gate);
  return e.open.ema * Math.min(1, Math.max(0, verifiable) / gate);
}

export function weightInput(
  neurons: readonly { uid: number; hotkey: string }[],
  emas: readonly EmaRecord[],
  opts: { selfHotkey?: string; rule?: WeightRule } = {},
): WeightInput {
  const rule = opts.rule ?? { open: false };
  if (rule.open) assertGate(rule.gate ?? DEFAULT_VERIFIABLE_GATE);
  const byUid = new Map(emas.map((e) => [e.uid, e]));
  const uids: number[] = [];
  const scores: number[] = [];
  for (const n of [...neurons].sort((a, b) => a.uid - b.uid)) {
    if (opts.selfHotkey && sameHotkey(n.hotkey, opts.selfHotkey)) continue;
    const e = byUid.get(n.uid);
    if (!e || !sameHotkey(e.hotkey, n.hotkey)) continue;
    const score = weightScore(e, rule);
    if (!(score > 0)) continue;
    uids.push(n.uid);
    scores.push(score);
  }
  return { uids, scores };
}
