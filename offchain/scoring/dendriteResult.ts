/**
 * The dendrite's result type (the axon/dendrite module owns the client; this is the seam the validator codes
 * against) and a guard that treats anything else — a query function returning garbage — as malformed.
 */
export type DendriteResult =
  { ok: true; text: string; latencyMs: number } | { ok: false; status: number; error: string; latencyMs: number };

/** Whether `x` is a well-formed DendriteResult. */
export function isDendriteResult(x: unknown): x is DendriteResult {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  if (typeof r.latencyMs !== "number" || !Number.isFinite(r.latencyMs) || r.latencyMs < 0) return false;
  if (r.ok === true) return typeof r.text === "string";
  if (r.ok === false) return typeof r.status === "number" && typeof r.error === "string";
  return false;
}
