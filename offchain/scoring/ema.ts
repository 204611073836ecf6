/**
 * Moving-average score per uid: ema ← α·score + (1 − α)·ema, α = 0.1 by default. A uid's first score starts
 * from 0 (a new miner earns its weight over several rounds rather than from one lucky answer), and when the
 * hotkey at a uid differs from the one the average was recorded for (the uid changed hands), the average
 * restarts from 0 for the new hotkey.
 */
export interface EmaRecord {
  uid: number;
  hotkey: string;
  ema: number;
  /** Number of scores folded in since the record (re)started. */
  samples: number;
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

export function updateEma(
  prev: EmaRecord | undefined,
  next: { uid: number; hotkey: string; score: number; slot: number },
  alpha = DEFAULT_EMA_ALPHA,
): EmaRecord {
  assertAlpha(alpha);
  const score = Number.isFinite(next.score) ? Math.max(0, Math.min(1, next.score)) : 0;
  const base = prev && prev.uid === next.uid && sameHotkey(prev.hotkey, next.hotkey) ? prev : undefined;
  const ema = alpha * score + (1 - alpha) * (base?.ema ?? 0);
  return { uid: next.uid, hotkey: next.hotkey, ema, samples: (base?.samples ?? 0) + 1, updatedSlot: next.slot };
}
