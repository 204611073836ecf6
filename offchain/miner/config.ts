/** Miner settings, validated with zod at the edge: every error names the setting and how to fix it. */
import path from "node:path";
import { z } from "zod";
import { LOG_LEVELS } from "../log.js";
import { ollamaHostFromEnv } from "../ollama/service.js";
import { isLoopbackOrUnroutable, parseAxonEndpoint } from "./endpoint.js";
import { parseTao } from "../util/rao.js";
import { checkName } from "../wallet/names.js";
import { expandHome } from "../wallet/paths.js";
import { isLocalNetwork, LOCAL_NETWORKS } from "../chain/client.js";
import { trustedProxiesSchema } from "../axon/trustedProxies.js";

/** Where miners keep their data unless told otherwise (next to the wallets, as btcli's `~/.bittensor/miners`). */
export const DEFAULT_MINERS_DIR = path.join("~", ".bittensor-evm", "miners");

/** The default data dir of a miner: `~/.bittensor-evm/miners/<wallet>/<hotkey>/netuid<N>`, absolute. */
export function defaultMinerDataDir(wallet: string, hotkey: string, netuid: number): string {
  return expandHome(
    path.join(DEFAULT_MINERS_DIR, checkName("wallet", wallet), checkName("hotkey", hotkey), `netuid${netuid}`),
  );
}

/**
 * A numeric limit set by `flag`: any value outside its range is refused with one message naming the flag, the
 * range it must be in (the fix) and the value given. `above`: the lower bound is exclusive.
 */
function limit(flag: string, o: { min: number; max: number; whole?: boolean; above?: boolean; offAt0?: boolean }) {
  const whole = o.whole ?? true;
  const range = o.above
    ? `above ${o.min} and at most ${o.max}`
    : `from ${o.min}${o.offAt0 ? " (0 = off)" : ""} to ${o.max}`;
  return z.number().superRefine((v, ctx) => {
    if ((!whole || Number.isInteger(v)) && (o.above ? v > o.min : v >= o.min) && v <= o.max) return;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${flag} must be ${whole ? "a whole number" : "a number"} ${range} (got ${v})`,
    });
  });
}

/**
 * The axon's limits as the miner sets them (offchain/axon/config.ts has each one's meaning; the bounds of the
 * socket, header and per-IP settings are the axon's own). Each flagged one is refused naming its flag.
 */
const limitsSchema = z
  .object({
    maxConcurrent: limit("--max-concurrent", { min: 1, max: 1024 }).default(4),
    queueSize: limit("--queue-size", { min: 0, max: 10_000 }).default(32),
    /**
     * Requests one validator may have running plus queued (429 beyond). Unset: the axon's default, a quarter of
     * maxConcurrent and at least 1. More than maxConcurrent + queueSize could never bind, so it is refused.
     */
    maxPerValidator: limit("--max-per-validator", { min: 1, max: 100_000 }).optional(),
    ratePerSecond: limit("--rate", { min: 0, max: 10_000, whole: false, above: true }).default(10),
    rateBurst: limit("--burst", { min: 1, max: 10_000 }).default(20),
    /** Per-source-IP limit applied before signature checks (0 = off). */
    ipRatePerSecond: limit("--ip-rate", { min: 0, max: 100_000, whole: false, offAt0: true }).default(200),
    /** Burst of the per-source-IP limit; unset: twice ipRatePerSecond (at least 1). */
    ipRateBurst: limit("--ip-burst", { min: 1, max: 1_000_000 }).optional(),
    /** Open sockets the axon accepts in all. */
    maxConnections: limit("--max-connections", { min: 1, max: 1_000_000 }).default(1024),
    /**
     * Open sockets per source address (an IPv6 /64 counts as one); 0 = off, e.g. behind an untrusted reverse
     * proxy. A trusted proxy's sockets are not counted.
     */
    maxSocketsPerIp: limit("--max-sockets-per-ip", { min: 0, max: 1_000_000, offAt0: true }).default(64),
    /**
     * Reverse proxies whose X-Forwarded-For the axon believes (addresses or CIDR ranges): the per-IP limits then
     * key on the forwarded client address and the proxies' sockets are not capped per address. Only the proxy's
     * own address(es): a trusted address can claim any client address.
     */
    trustedProxies: trustedProxiesSchema("--trust-proxy"),
    /** Time a client has to send a request's headers (408 and closed after it). */
    headersTimeoutMs: limit("--headers-timeout-ms", { min: 100, max: 120_000 }).default(10_000),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
    maxResponseBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024),
    /** Longest a validator's request may hold a slot (the axon's maxTimeoutMs; see offchain/axon/config.ts). */
    maxTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
    clockSkewMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** The miner's own cap on one generation (504 past it). */
    generationTimeoutMs: limit("--generation-timeout-ms", { min: 100, max: 600_000 }).default(120_000),
  })
  .strict()
  .superRefine((l, ctx) => {
    const room = l.maxConcurrent + l.queueSize;
    if (l.maxPerValidator !== undefined && l.maxPerValidator > room) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["maxPerValidator"],
        message:
          `--max-per-validator ${l.maxPerValidator} is more than --max-concurrent ${l.maxConcurrent} plus --queue-size ` +
          `${l.queueSize} (${room}), so it could never bind: set it to at most ${room} (${room} lets one validator ` +
          `take every slot and queue place), or raise --max-concurrent or --queue-size`,
      });
    }
  });

const taoAmount = z.union([z.bigint().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === "bigint") return v;
  try {
    return parseTao(v);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    return z.NEVER;
  }
});

export const minerConfigSchema = z
  .object({
    network: z.string().min(1),
    netuid: z.number().int().min(0).max(65_535),
    wallet: z.string().min(1),
    hotkey: z.string().min(1).default("default"),
    /** Wallets directory (default `$TAO_WALLETS_DIR`, else `~/.bittensor-evm/wallets`). */
    walletsDir: z.string().min(1).optional(),
    /** Address the axon binds to. */
    host: z.string().min(1).default("0.0.0.0"),
    /** Axon port; 0 picks a free one (only sensible with the loopback endpoint of a local network). */
    port: z.number().int().min(0).max(65_535).default(8091),
    /**
     * The URL validators use (published with serveAxon), in the registry's grammar `http(s)://<host>:<port>`
     * (a trailing "/" is dropped). Required off local networks, and never loopback there.
     */
    externalUrl: z.string().min(1).optional(),
    model: z.string().min(1).default("llama3.2:1b"),
    ollamaHost: z
      .string()
      .min(1)
      .default(() => ollamaHostFromEnv()),
    /** Run the built-in deterministic fake Ollama instead of a real one (local networks, demos). */
    fakeOllama: z.boolean().default(false),
    /** Register the hotkey when it is not registered yet (needs maxBurn). */
    register: z.boolean().default(false),
    /** Highest registration burn accepted, in TAO ("1.5") or rao (bigint). */
    maxBurn: taoAmount.optional(),
    /** Publish the endpoint on chain after the self-check. */
    serve: z.boolean().default(true),
    metagraphRefreshMs: z.number().int().min(1000).max(3_600_000).default(60_000),
    logLevel: z.enum(LOG_LEVELS).default("info"),
    /** A "serving" summary line (answers and refusals since the last one) this often, ms; 0 = none. */
    summaryIntervalMs: z.number().int().min(0).max(86_400_000).default(60_000),
    limits: limitsSchema.default({}),
    /**
     * Directory of the miner's state: `miner.db`, each validator's highest accepted nonce, so a restart refuses
     * replays without refusing fresh requests. Default `~/.bittensor-evm/miners/<wallet>/<hotkey>/netuid<N>`;
     * a leading `~` is expanded and the path made absolute.
     */
    dataDir: z
      .string()
      .refine((v) => v.trim().length > 0, {
        message:
          "--data-dir is empty: name the directory the miner keeps its state in, or leave it out for the default",
      })
      .refine((v) => !v.includes("\0"), { message: "--data-dir contains a NUL character, which no path may hold" })
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.dataDir === undefined) {
      // The default data dir is named after the wallet and hotkey: they must be names, not paths.
      for (const [key, kind] of [
        ["wallet", "wallet"],
        ["hotkey", "hotkey"],
      ] as const) {
        try {
          checkName(kind, c[key]);
        } catch (err) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: (err as Error).message });
        }
      }
    }
    if (c.register && c.maxBurn === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["maxBurn"],
        message: "--register needs --max-burn <TAO>: the most you accept to burn",
      });
    }
    const local = isLocalNetwork(c.network);
    if (c.serve && c.externalUrl === undefined && !local) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["externalUrl"],
        message: `network ${c.network} needs --external-url http://<public address>:${c.port} (the URL validators reach), or --no-serve`,
      });
    }
    if (c.externalUrl !== undefined) {
      // Checked here as the registry and subtensor would check it, so a bad URL fails before the registration burn.
      const url = c.externalUrl;
      try {
        const { host } = parseAxonEndpoint(trimSlashes(url));
        if (!local && isLoopbackOrUnroutable(host)) {
          throw new Error(
            `has the loopback or unroutable host ${host}, which validators on network ${c.network} cannot reach: publish this machine's public IP address or DNS name (loopback is only for the local networks ${LOCAL_NETWORKS.join(", ")})`,
          );
        }
      } catch (err) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["externalUrl"],
          message: `--external-url ${JSON.stringify(url)} ${(err as Error).message}`,
        });
      }
    }
    if (c.fakeOllama && !local) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["fakeOllama"],
        message: `--fake-ollama answers from a built-in solver, not a model: it runs only on the local networks ${LOCAL_NETWORKS.join(", ")}, not ${c.network}; drop --fake-ollama and run Ollama (\`ollama serve\`)`,
      });
    }
  })
  .transform((c) => ({
    ...c,
    dataDir: c.dataDir === undefined ? defaultMinerDataDir(c.wallet, c.hotkey, c.netuid) : expandHome(c.dataDir),
  }));

export type MinerConfigInput = z.input<typeof minerConfigSchema>;
export type MinerConfig = z.output<typeof minerConfigSchema>;

export function parseMinerConfig(input: MinerConfigInput): MinerConfig {
  const r = minerConfigSchema.safeParse(input);
  if (!r.success) {
    // Every bad setting at once, one line each: an operator fixes them in one go, not one per start.
    throw new Error(
      r.error.issues.map((i) => `invalid miner setting ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"),
    );
  }
  return r.data;
}

/** The endpoint published on chain: the configured one, or loopback (on the port bound) on local networks. */
export function externalEndpoint(c: MinerConfig, boundPort = c.port): string {
  return trimSlashes(c.externalUrl ?? `http://127.0.0.1:${boundPort}`);
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}
