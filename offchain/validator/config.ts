/**
 * Validator configuration, validated with zod at the edge. `parseConfig` returns a fully defaulted config or
 * throws ConfigError listing every problem as `path: what is wrong (got value)`, with the source named.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { TaskMix } from "../scoring/mix.js";
import { DEFAULT_VERIFIABLE_GATE } from "../scoring/weights.js";
import { DEFAULT_VERIFIABLE_WEIGHTS } from "../tasks/generate.js";
import { VERIFIABLE_KINDS } from "../tasks/task.js";
import { expandHome } from "../wallet/paths.js";

/** The largest delay Node's timers take (a longer one fires at once, with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const netuid = z.number().int().min(1, "netuid 0 is the root subnet: it has no miners to validate").max(65535);

const taskMix = z
  .object({
    verifiable: z.number().min(0),
    open: z.number().min(0),
    kinds: z
      .object({
        arithmetic: z.number().min(0),
        units: z.number().min(0),
        string: z.number().min(0),
        date: z.number().min(0),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .refine((m) => m.verifiable + m.open > 0, { message: "verifiable + open must be > 0" })
  .superRefine((m, ctx) => {
    // kinds are merged over the defaults (scoring/mix.ts): a kind left out keeps its default weight.
    const sum = VERIFIABLE_KINDS.reduce((a, k) => a + (m.kinds?.[k] ?? DEFAULT_VERIFIABLE_WEIGHTS[k]), 0);
    if (m.verifiable > 0 && !(sum > 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["kinds"],
        message:
          `every verifiable kind has weight 0 while verifiable is ${m.verifiable}: no verifiable task could be ` +
          `drawn; give at least one of ${VERIFIABLE_KINDS.join(", ")} a weight > 0, or set verifiable to 0`,
      });
    }
  });

const sample = z.union([z.literal("all"), z.object({ count: z.number().int().min(1).max(256) }).strict()]);

const subnetOverrides = z
  .object({
    sample: sample.optional(),
    timeoutMs: z.number().int().min(100).max(300_000).optional(),
    taskMix: taskMix.optional(),
    emaAlpha: z.number().gt(0).max(1).optional(),
  })
  .strict();

/**
 * The mix with a model. Every verifiable task is exact by construction, so code answers it without a model
 * (offchain/tasks/solve.ts does, for the fake Ollama): a validator scoring verifiable tasks alone rewards a
 * solver, not inference. Open prompts, scored by similarity to the validator's own model's answer, are what
 * only running a model earns, so they are half the default once the validator has a model.
 */
export const DEFAULT_TASK_MIX = { verifiable: 0.5, open: 0.5 } as const;
/** The mix without a model (open prompts cannot be scored then). */
export const VERIFIABLE_ONLY_MIX = { verifiable: 1, open: 0 } as const;

export const configSchema = z
  .object({
    /** Hardhat network name (localhost, anvil, sepolia, ...). */
    network: z.string().min(1),
    /** RPC URL overriding the network's. */
    rpcUrl: z.string().url().optional(),
    /** Subnets to validate. */
    netuids: z
      .array(netuid)
      .min(1, "give at least one netuid")
      .refine((a) => new Set(a).size === a.length, { message: "netuids must not repeat" }),
    /** Wallet whose hotkey signs weights and dendrite requests. */
    wallet: z
      .object({ name: z.string().min(1), hotkey: z.string().min(1), path: z.string().min(1).optional() })
      .strict(),
    sample: sample.default("all"),
    /** Per-request timeout for miners, milliseconds. */
    timeoutMs: z.number().int().min(100).max(300_000).default(12_000),
    /**
     * Requests in flight per round. The round has one deadline (`timeoutMs`), so the default asks every
     * sampled miner at once; with fewer, miners whose turn comes after the deadline are not scored that round.
     */
    concurrency: z.number().int().min(1).max(4096).default(256),
    /** Pause between rounds, milliseconds. */
    roundIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} (2^31 − 1 ms, about 24.8 days: Node's timer limit)`)
      .default(60_000),
    /**
     * Between rounds, the weights and settlement schedule runs every this many milliseconds (0: only after a
     * round). A commit, a reveal or a vote has a window of an epoch or less, which a long round interval (or a
     * fast local chain) would otherwise miss.
     */
    tickIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} (2^31 − 1 ms, about 24.8 days: Node's timer limit)`)
      .default(10_000),
    /** Default: half open prompts with a `model` (see DEFAULT_TASK_MIX), verifiable tasks only without one. */
    taskMix: taskMix.optional(),
    emaAlpha: z.number().gt(0).max(1).default(0.1),
    /**
     * τ: with open prompts in the mix, a uid's weight is its open average × min(1, verifiable average / τ); the
     * verifiable tasks, which code answers exactly, are a gate, not a reward (scoring/weights.ts). 0.25 lets a
     * weak honest model through in full; a code solver without a model still earns nothing (open average 0).
     */
    verifiableGate: z.number().gt(0).max(1).default(DEFAULT_VERIFIABLE_GATE),
    /**
     * The SQLite store (commits with their salts, scores, settlements); epoch results go to `epochs/` beside it.
     * Default `~/.bittensor-evm/validators/<wallet>/<hotkey>/<network>/validator.db`: one per hotkey and network,
     * since a store belongs to one hotkey on one deployment (it refuses any other).
     */
    dbPath: z.string().min(1).optional(),
    /** Ollama model for open prompts: reference answers with `name`, similarity with `embedModel`. */
    model: z
      .object({
        name: z.string().min(1),
        embedModel: z.string().min(1).default("nomic-embed-text"),
        host: z.string().url().optional(),
      })
      .strict()
      .optional(),
    similarityFloor: z.number().min(-1).lt(1).default(0.5),
    /**
     * Open prompts: a prompt's floor is max(similarityFloor, cosine(reference, prompt) + this margin), so an answer
     * that only echoes the prompt scores 0 (retrieval embedders put a query near its answers).
     */
    promptFloorMargin: z.number().min(0).lt(1).default(0.05),
    /**
     * Longer open answers are `malformed` (0, counted) and never embedded. 4 000 characters is about 1 000 tokens:
     * twice the reference's cap (512 tokens, about 2 000 characters), well inside a 2 048-token embedding context.
     */
    maxOpenAnswerChars: z.number().int().min(1).max(20_000).default(4_000),
    /** Distinct open prompts per round, shared out among the miners that draw "open" (each its own reference). */
    openPrompts: z.number().int().min(1).max(64).default(4),
    /** Blocks to wait before treating chain data (and our own transactions) as final. */
    confirmations: z.number().int().min(0).max(128).default(2),
    commitAfterSlots: z.number().int().min(0).default(0),
    commitGuardSlots: z.number().int().min(0).default(10),
    coinbaseIntervalSlots: z.number().int().min(0).default(25),
    /** Closed epochs settled at most this far back (at least 1: 0 would never settle the epoch just closed). */
    maxSettleBacklog: z
      .number()
      .int()
      .min(1, "must be at least 1: with 0 no closed epoch is ever settled")
      .max(1000)
      .default(8),
    /**
     * Epochs of finished rows the store keeps per subnet: revealed or expired commits, claimed settlements and
     * bonds older than this many epochs are deleted once per epoch (the newest bonds always stay). More than
     * `maxSettleBacklog`: the schedule reads settlement rows that far back.
     */
    keepEpochs: z.number().int().min(2).max(1_000_000).default(64),
    /** Serve Prometheus metrics on GET /metrics at this port (0 = any free port); absent = no metrics server. */
    metricsPort: z.number().int().min(0).max(65_535).optional(),
    metricsHost: z.string().min(1).default("127.0.0.1"),
    /** Per-subnet overrides, keyed by netuid. */
    subnets: z
      .record(
        z
          .string()
          .regex(
            /^[1-9]\d*$/,
            'keys must be netuids written as plain decimal numbers without leading zeros (e.g. "1")',
          ),
        subnetOverrides,
      )
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.keepEpochs <= c.maxSettleBacklog) {
      ctx.addIssue({
        code: "custom",
        path: ["keepEpochs"],
        message:
          `keepEpochs ${c.keepEpochs} must be more than maxSettleBacklog ${c.maxSettleBacklog} (the schedule reads ` +
          `settlements that far back): raise keepEpochs to at least ${c.maxSettleBacklog + 1}`,
      });
    }
    const mixes: [string[], { open: number }][] = c.taskMix ? [[["taskMix", "open"], c.taskMix]] : [];
    for (const [k, o] of Object.entries(c.subnets)) {
      if (!c.netuids.includes(Number(k))) {
        ctx.addIssue({
          code: "custom",
          path: ["subnets", k],
          message: `netuid ${k} is not in netuids [${c.netuids.join(", ")}]`,
        });
      }
      if (o.taskMix) mixes.push([["subnets", k, "taskMix", "open"], o.taskMix]);
    }
    for (const [path, mix] of mixes) {
      if (mix.open > 0 && !c.model) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `open is ${mix.open} but no model is configured; set model.name (an Ollama model) or set open to 0`,
        });
      }
    }
  })
  .transform((c) => ({
    ...c,
    taskMix: c.taskMix ?? (c.model === undefined ? VERIFIABLE_ONLY_MIX : DEFAULT_TASK_MIX),
    dbPath:
      c.dbPath === undefined ? defaultValidatorDbPath(c.wallet.name, c.wallet.hotkey, c.network) : expandHome(c.dbPath),
    /** No `dbPath` was given: the store is the default one per wallet, hotkey and network. */
    dbPathDefaulted: c.dbPath === undefined,
  }));

export type ValidatorConfig = z.output<typeof configSchema>;

/** Where validators keep their state unless told otherwise (next to the wallets and the miners' data). */
export const DEFAULT_VALIDATORS_DIR = path.join("~", ".bittensor-evm", "validators");

/**
 * The store every validator used before the default moved per wallet, hotkey and network (relative to the working
 * directory). A validator started without `--db` where it exists is told, so that it does not start afresh unawares.
 */
export const LEGACY_VALIDATOR_DB = path.join(".validator", "validator.db");

/** The default store of a validator: `~/.bittensor-evm/validators/<wallet>/<hotkey>/<network>/validator.db`. */
export function defaultValidatorDbPath(wallet: string, hotkey: string, network: string): string {
  // A name that could leave the directory (`..`, a slash) is made safe; wallet names are checked on loading.
  const seg = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\./, "_");
  return expandHome(path.join(DEFAULT_VALIDATORS_DIR, seg(wallet), seg(hotkey), seg(network), "validator.db"));
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`Invalid validator config (${source}):\n  - ${issues.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

export function parseConfig(input: unknown, source = "config"): ValidatorConfig {
  const res = configSchema.safeParse(input);
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => {
    const where = i.path.length > 0 ? i.path.join(".") : "(top level)";
    const got = valueAt(input, i.path);
    const shown =
      got === undefined
        ? ""
        : ` (got ${JSON.stringify(got, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))})`;
    const extra = i.code === "unrecognized_keys" ? `: ${i.keys.join(", ")}` : "";
    return `${where}: ${i.message}${extra}${i.code === "unrecognized_keys" ? "" : shown}`;
  });
  throw new ConfigError(source, issues);
}

/** Reads and validates a JSON config file. */
export function loadConfig(file: string): ValidatorConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${e instanceof Error ? e.message : String(e)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid JSON: ${e instanceof Error ? e.message : String(e)}`]);
  }
  return parseConfig(json, file);
}

export interface SubnetSettings {
  netuid: number;
  sample: "all" | { count: number };
  timeoutMs: number;
  taskMix: TaskMix;
  emaAlpha: number;
  /** Whether open prompts can be scored (a model is configured). */
  openEnabled: boolean;
}

/** The settings for one subnet: the defaults with that subnet's overrides applied. */
export function subnetSettings(c: ValidatorConfig, netuid: number): SubnetSettings {
  if (!c.netuids.includes(netuid))
    throw new RangeError(`netuid ${netuid} is not configured (netuids: ${c.netuids.join(", ")})`);
  const o = c.subnets[String(netuid)] ?? {};
  return {
    netuid,
    sample: o.sample ?? c.sample,
    timeoutMs: o.timeoutMs ?? c.timeoutMs,
    taskMix: o.taskMix ?? c.taskMix,
    emaAlpha: o.emaAlpha ?? c.emaAlpha,
    openEnabled: c.model !== undefined,
  };
}
