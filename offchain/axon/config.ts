/** Axon settings, validated with zod: every limit has a default an operator can override. */
import { z } from "zod";
import { MAX_TIMEOUT_MS } from "../protocol/constants.js";

export const axonConfigSchema = z
  .object({
    chainId: z.number().int().nonnegative(),
    netuid: z.number().int().min(0).max(65_535),
    /** Largest request body accepted (413 above). */
    bodyLimitBytes: z
      .number()
      .int()
      .min(256)
      .max(64 * 1024 * 1024)
      .default(256 * 1024),
    /** Largest answer the axon will send; a longer one is cut with a backend_error. */
    maxResponseBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Time a client has to send a whole request, headers and body (Node answers 408 and closes after it). */
    requestReadTimeoutMs: z.number().int().min(1000).max(600_000).default(10_000),
    /** Accepted distance between a nonce's timestamp and the axon's clock, both ways. */
    clockSkewMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** How far below a caller's newest nonce an unseen nonce is still accepted (out-of-order arrival). */
    nonceReorderMs: z.number().int().min(0).max(60_000).default(2_000),
    /** Requests running at once. */
    maxConcurrent: z.number().int().min(1).max(10_000).default(8),
    /** Requests waiting for a slot (served by stake); 503 beyond. */
    queueSize: z.number().int().min(0).max(100_000).default(64),
    /** Per-validator token bucket. */
    ratePerSecond: z.number().positive().max(1_000_000).default(20),
    rateBurst: z.number().int().min(1).max(1_000_000).default(40),
    /**
     * Per-source-IP token bucket applied before the signature check, so unauthenticated traffic cannot
     * buy signature checks faster than this. 0 disables it.
     */
    ipRatePerSecond: z.number().min(0).max(1_000_000).default(200),
    ipRateBurst: z.number().int().min(1).max(1_000_000).default(400),
    /** Upper bound applied to the timeout a caller asks for. */
    maxTimeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS).default(60_000),
    /** Minimum stake (rao) of a permitted caller; 0 = any permitted validator. */
    minStake: z.bigint().nonnegative().default(0n),
    /** Public keys of validators kept for fast signature checks. */
    verifierCacheKeys: z.number().int().min(0).max(4096).default(64),
    /** Serve /metrics. */
    metrics: z.boolean().default(true),
  })
  .strict();

export type AxonConfigInput = z.input<typeof axonConfigSchema>;
export type AxonConfig = z.output<typeof axonConfigSchema>;

export function parseAxonConfig(input: AxonConfigInput): AxonConfig {
  const r = axonConfigSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`invalid axon setting ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}
