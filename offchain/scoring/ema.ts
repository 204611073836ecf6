/**
 * Moving-average scores per uid: ema ← α·score + (1 − α)·ema, α = 0.1 by default. A uid's first score starts
 * from 0 (a new miner earns its weight over several rounds rather than from one lucky answer), and when the
 * hotkey at a uid differs from the one the averages were recorded for (the uid changed hands), every average
 * restarts from 0 for the new hotkey.
 *
 * Three averages are kept per uid, with the same α and the same restart:
 * - `verifiable`: over the results of verifiable tasks only (exact answers: code solves them, offchain/tasks/solve.ts);
 * - `open`: over the results of open prompts only (similarity to the validator's own model's answer);
 * - `ema`: over every result of either kind (what the weights were before the two were kept apart; shown, never
 *   the weights' input). Each result moves `ema` and the average of its own kind; the other kind's is left as is.
 * The weights' input is built from `verifiable` and `open` (scoring/weights.ts). Results that were not scored
 * ("unscored") are not passed here at all: no average moves for them.
 */
export interface KindAverage {
  ema: number;
  /** Number of scores of this kind folded in since the record (re)started. */
  samples: number;
}

/** Which average a task's result moves: open prompts `open`, every other (verifiable) kind `verifiable`. */
export type ScoreClass = "verifiable" | "open";

export interface EmaRecord {
  uid: number;
  hotkey: string;
  /** The average over every result of either kind (display; not the weights' input). */
  ema: number;
  /** Number of scores folded in since the record (re)started, both kinds. */
  samples: number;
  /** The average over verifiable tasks only. */
  verifiable: KindAverage;
  /** The average over open prompts only. */
  open: KindAverage;
  /** Slot of the last update. */
  updatedSlot: number;
}

export const DEFAULT_EMA_ALPHA = 0.1;

export function assertAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`EMA alpha ${alpha} must be in (0, 1]`);
}

/** Whether `prev` belongs to `hotkey` (hotkeys compare case-insensitively: EVM addresses). */
export function sameHotkey(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The average a task of `kind` (a task's `kind`: "open" or a verifiable kind) moves. */
export function scoreClass(kind: string): ScoreClass {
  return kind === "open" ? "open" : "verifiable";
}

export function updateEma(
  prev: EmaRecord | undefined,
  next: { uid: number; hotkey: string; score: number; slot: number; kind: ScoreClass },
  alpha = DEFAULT_EMA_ALPHA,
): EmaRecord {
  assertAlpha(alpha);
  if (next.kind !== "verifiable" && next.kind !== "open")
    throw new RangeError(`score class ${String(next.kind)} must be "verifiable" or "open"`);
  const score = Number.isFinite(next.score) ? Math.max(0, Math.min(1, next.score)) : 0;
  const base = prev && prev.uid === next.uid && sameHotkey(prev.hotkey, next.hotkey) ? prev : undefined;
  const fold = (a: KindAverage | undefined): KindAverage => ({
    ema: alpha * score + (1 - alpha) * (a?.ema ?? 0),
    samples: (a?.samples ?? 0) + 1,
  });
  const keep = (a: KindAverage | undefined): KindAverage => ({ ema: a?.ema ?? 0, samples: a?.samples ?? 0 });
  const all = fold(base);
  return {
    uid: next.uid,
    hotkey: next.hotkey,
    ema: all.ema,
    samples: all.samples,
    verifiable: next.kind === "verifiable" ? fold(base?.verifiable) : keep(base?.verifiable),
    open: next.kind === "open" ? fold(base?.open) : keep(base?.open),
    updatedSlot: next.slot,
  };
}
