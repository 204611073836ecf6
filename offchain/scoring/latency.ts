/**
 * Latency factor: how much of a correct answer's value survives its latency.
 *
 *   factor
 *   1.0 |________
 *       |        `-.__
 *   0.5 |             `-.__|
 *       |                  |
 *   0.0 +------------------+----- latency
 *       0     0.2·T        T        (T = timeout; later than T is late: 0)
 *
 * 1 up to `fullUntil`·T (default 20% of the timeout), then linear down to `floor` (default 0.5) at T, 0 after T.
 * The floor keeps a slow but correct miner well above a fast wrong one; the slope still rewards speed.
 */
export interface LatencyCurve {
  /** Fraction of the timeout up to which the factor is 1 (0 ≤ fullUntil < 1). */
  fullUntil: number;
  /** The factor at exactly the timeout (0 ≤ floor ≤ 1). */
  floor: number;
}

export const DEFAULT_LATENCY_CURVE: Readonly<LatencyCurve> = { fullUntil: 0.2, floor: 0.5 };

export function latencyFactor(
  latencyMs: number,
  timeoutMs: number,
  curve: LatencyCurve = DEFAULT_LATENCY_CURVE,
): number {
  if (!(timeoutMs > 0)) throw new RangeError(`latencyFactor: timeoutMs ${timeoutMs} must be > 0`);
  if (!(curve.fullUntil >= 0 && curve.fullUntil < 1 && curve.floor >= 0 && curve.floor <= 1)) {
    throw new RangeError(`latencyFactor: bad curve ${JSON.stringify(curve)} (need 0 ≤ fullUntil < 1, 0 ≤ floor ≤ 1)`);
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > timeoutMs) return 0;
  const knee = curve.fullUntil * timeoutMs;
  if (latencyMs <= knee) return 1;
  return 1 - ((1 - curve.floor) * (latencyMs - knee)) / (timeoutMs - knee);
}
