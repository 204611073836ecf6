/** Axon settings, validated with zod: every limit has a default an operator can override. */
import { z } from "zod";
import { MAX_TIMEOUT_MS } from "../protocol/constants.js";
import { trustedProxiesSchema } from "./trustedProxies.js";

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
    /** Time a verified caller has to send its body once its headers are in (the socket is destroyed after it). */
    requestReadTimeoutMs: z.number().int().min(1000).max(600_000).default(10_000),
    /**
     * Time a client has to send a request's headers (Node answers 408 and closes after it). Node's default, 60 s,
     * lets idle or slow-header sockets sit on the server for a minute each.
     */
    headersTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Open sockets the server accepts in all (`server.maxConnections`; Node closes the ones beyond it at once). */
    maxConnections: z.number().int().min(1).max(1_000_000).default(1024),
    /**
     * Open sockets per source address (an IPv6 /64 counts as one, see sourceKey.ts); a socket beyond it is
     * destroyed at once, so one host cannot take all of `maxConnections`. 0 disables it. Sockets from a trusted
     * proxy (trustedProxies) are not counted; behind an untrusted one every socket comes from its address.
     */
    maxSocketsPerIp: z.number().int().min(0).max(1_000_000).default(64),
    /**
     * Reverse proxies whose `X-Forwarded-For` is believed: IPv4/IPv6 addresses or CIDR ranges (`127.0.0.1`,
     * `10.0.0.0/8`, `::1`, `fd00::/8`). With any, a request's source address (what the per-IP token bucket keys
     * on) is the client address the trusted hops forwarded, and sockets from a trusted proxy are not counted
     * against maxSocketsPerIp (a proxy multiplexes many clients). A trusted address can claim any client
     * address: list only the proxy's own. Empty (the default): `X-Forwarded-For` is ignored.
     */
    trustedProxies: trustedProxiesSchema(),
    /** Accepted distance between a nonce's timestamp and the axon's clock, both ways. */
    clockSkewMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** How far below a caller's newest nonce an unseen nonce is still accepted (out-of-order arrival). */
    nonceReorderMs: z.number().int().min(0).max(60_000).default(2_000),
    /** Requests running at once. */
    maxConcurrent: z.number().int().min(1).max(10_000).default(8),
    /** Requests waiting for a slot (served by stake); 503 beyond. */
    queueSize: z.number().int().min(0).max(100_000).default(64),
    /**
     * Requests one validator may have running plus queued; 429 `rate_limited` beyond. Running work is never
     * pre-empted, so without it one permitted validator (even with the least stake) could hold every slot until
     * its deadlines and make this miner time out at every other validator. A validator sends one task per miner
     * per round, so the default, a quarter of the slots and at least 1, costs honest validators nothing.
     */
    maxPerValidator: z.number().int().min(1).max(100_000).optional(),
    /** Per-validator token bucket. */
    ratePerSecond: z.number().positive().max(1_000_000).default(20),
    rateBurst: z.number().int().min(1).max(1_000_000).default(40),
    /**
     * Per-source-IP token bucket applied before the signature check, so unauthenticated traffic cannot
     * buy signature checks faster than this (behind a trusted proxy, per forwarded client address). 0 disables it.
     */
    ipRatePerSecond: z.number().min(0).max(1_000_000).default(200),
    ipRateBurst: z.number().int().min(1).max(1_000_000).default(400),
    /**
     * Upper bound applied to the timeout a caller asks for: the longest one request can hold a slot. Validators
     * ask for 12 s by default (offchain/validator/config.ts `timeoutMs`); 20 s leaves them headroom while a
     * slot held by a caller who never reads its answer is free again in a third of the former 60 s.
     */
    maxTimeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS).default(20_000),
    /** Minimum stake (rao) of a permitted caller; 0 = any permitted validator. */
    minStake: z.bigint().nonnegative().default(0n),
    /** Public keys of validators kept for fast signature checks. */
    verifierCacheKeys: z.number().int().min(0).max(4096).default(64),
    /** Serve /metrics. */
    metrics: z.boolean().default(true),
  })
  .strict()
  .transform((c) => ({ ...c, maxPerValidator: c.maxPerValidator ?? defaultMaxPerValidator(c.maxConcurrent) }));

/** A quarter of the slots, at least 1: with 4 slots or more, no single validator can fill them. */
export function defaultMaxPerValidator(maxConcurrent: number): number {
  return Math.max(1, Math.floor(maxConcurrent / 4));
}

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
