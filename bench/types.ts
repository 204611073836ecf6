/** One bench module's measurements; `npm run bench` merges every `bench/*.bench.ts` into one table. */
export interface BenchResult {
  /** Gas used per operation, from transaction receipts. */
  gas?: Record<string, number>;
  /** Wall-clock milliseconds per operation. */
  timeMs?: Record<string, number>;
  /** Operations per second. */
  perSecond?: Record<string, number>;
  /** Free-form remarks (comparison baselines, parameters). */
  notes?: Record<string, string>;
}
