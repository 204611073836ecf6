/**
 * The edge of the Yuma interface (yuma-io.md): a zod schema that turns one input JSON object into a
 * YumaInput (decimal strings → BigInt, u16/i16 ranges, uids inside the subnet, no duplicate uids in a
 * row), and the serializer of a YumaOutput to its JSON object. Bad input is reported with the path of the
 * offending value and what is expected there.
 */
import { z } from "zod";
import type { NeuronInput, U16Pairs, YumaInput, YumaOutput } from "./types.js";

const U64_MAX = (1n << 64n) - 1n;
/** Largest integer part of an I64F64: stake sums must stay below it. */
const I64F64_INT_LIMIT = 1n << 63n;
/** subtensor's lower bound for alpha_low and alpha_high: floor(65535 / 40) (0.025). */
const ALPHA_FLOOR = 1638;

const u16 = z.number().int("must be an integer").min(0, "must be ≥ 0 (u16)").max(65535, "must be ≤ 65535 (u16)");
const i16 = z
  .number()
  .int("must be an integer")
  .min(-32768, "must be ≥ -32768 (i16)")
  .max(32767, "must be ≤ 32767 (i16)");
const blockNumber = z
  .number()
  .int("must be an integer")
  .min(0, "must be ≥ 0")
  .max(Number.MAX_SAFE_INTEGER, "must be ≤ 2^53 - 1");
const u64String = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, 'must be a decimal string of digits such as "1000000000"')
  .transform((s) => BigInt(s))
  .refine((v) => v <= U64_MAX, "must fit in u64 (≤ 18446744073709551615)");
const pairs = z.array(z.tuple([u16, u16]), { invalid_type_error: "must be an array of [uid, u16] pairs" });

const neuronSchema = z
  .object({
    stake: u64String.refine((v) => v < I64F64_INT_LIMIT, "must be < 2^63 (I64F64 integer range)"),
    lastUpdate: blockNumber,
    blockAtRegistration: blockNumber,
    validatorPermit: z.boolean(),
    weights: pairs,
    bonds: pairs,
    commitBlock: blockNumber.optional(),
  })
  .strict();

const paramsSchema = z
  .object({
    kappa: u16,
    bondsPenalty: u16,
    bondsMovingAverage: blockNumber.refine(
      (v) => v <= 1_000_000,
      "must be ≤ 1000000 (parts per million: α = 1 − bondsMovingAverage / 10^6 must not be negative)",
    ),
    yuma3: z.boolean(),
    liquidAlpha: z.boolean(),
    alphaLow: u16,
    alphaHigh: u16,
    alphaSigmoidSteepness: i16,
    maxAllowedValidators: u16,
    stakeThreshold: u64String,
    ownerUid: u16.nullable(),
  })
  .strict();

export const yumaInputSchema = z
  .object({
    block: blockNumber,
    tempo: blockNumber.refine((v) => v >= 1, "must be ≥ 1 (a subnet with tempo 0 never runs an epoch)"),
    lastEpochBlock: blockNumber,
    activityCutoff: blockNumber.refine((v) => v >= 1, "must be ≥ 1 (subtensor's cutoff is max(1, …))"),
    params: paramsSchema,
    emission: u64String,
    neurons: z.array(neuronSchema).max(65536, "at most 65536 neurons (uids are u16)"),
  })
  .strict()
  .superRefine((input, ctx) => {
    const n = input.neurons.length;
    const { liquidAlpha, alphaLow, alphaHigh } = input.params;
    if (liquidAlpha && (alphaLow < ALPHA_FLOOR || alphaLow > alphaHigh)) {
      // subtensor refuses such values when they are set (do_set_alpha_values), so no epoch sees them.
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["params", "alphaLow"],
        message: `alphaLow ${alphaLow} with alphaHigh ${alphaHigh}: liquid alpha needs ${ALPHA_FLOOR} ≤ alphaLow ≤ alphaHigh`,
      });
    }
    if (input.params.ownerUid !== null && input.params.ownerUid >= n) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["params", "ownerUid"],
        message: `uid ${input.params.ownerUid} is not in the subnet (n = ${n}); use null when the owner has no uid`,
      });
    }
    let total = 0n;
    input.neurons.forEach((neuron, i) => {
      total += neuron.stake;
      for (const field of ["weights", "bonds"] as const) {
        const seen = new Set<number>();
        neuron[field].forEach(([uid], k) => {
          if (uid >= n) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ["neurons", i, field, k, 0],
              message: `uid ${uid} is not in the subnet (n = ${n})`,
            });
          } else if (seen.has(uid)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ["neurons", i, field, k, 0],
              message: `uid ${uid} appears twice in the row`,
            });
          }
          seen.add(uid);
        });
      }
    });
    if (total >= I64F64_INT_LIMIT) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["neurons"],
        message: `total stake ${total} must be < 2^63 (I64F64 integer range)`,
      });
    }
  });

export type YumaInputJson = z.input<typeof yumaInputSchema>;

/** The JSON object written for one epoch (yuma-io.md "Output"), rao amounts as decimal strings. */
export interface YumaOutputJson {
  stake: number[];
  active: boolean[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  emission: string[];
  incentiveEmission: string[];
  dividendEmission: string[];
  validatorPermit: boolean[];
  bonds: U16Pairs[];
}

/** An input that failed validation; `message` names the offending value's path. */
export class YumaInputError extends Error {
  override name = "YumaInputError";
}

function formatIssue(issue: z.ZodIssue): string {
  const path =
    issue.path.length === 0
      ? "input"
      : issue.path
          .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
          .join("")
          .replace(/^\./, "");
  return `${path}: ${issue.message}`;
}

/**
 * Names a missing field "is required" and a wrong JSON type by the type found. A contextual error map
 * outranks schema-bound messages in zod 3, so the type messages live here.
 */
const errorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.code === z.ZodIssueCode.invalid_type) {
    if (issue.received === "undefined") return { message: "is required" };
    // Every string in the schema is a u64 amount.
    if (issue.expected === "string")
      return { message: `must be a decimal string such as "1000000000", got ${issue.received}` };
    return { message: `must be ${issue.expected}, got ${issue.received}` };
  }
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    return { message: `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}` };
  }
  return { message: ctx.defaultError };
};

/** Validate a parsed JSON value and convert it to a YumaInput. Throws YumaInputError. */
export function parseYumaInput(json: unknown): YumaInput {
  const result = yumaInputSchema.safeParse(json, { errorMap });
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new YumaInputError(`${formatIssue(issues[0]!)}${more}`);
  }
  const v = result.data;
  const neurons: NeuronInput[] = v.neurons.map((x) => ({
    stake: x.stake,
    lastUpdate: BigInt(x.lastUpdate),
    blockAtRegistration: BigInt(x.blockAtRegistration),
    validatorPermit: x.validatorPermit,
    weights: x.weights.map(([u, w]) => [u, w] as [number, number]),
    bonds: x.bonds.map(([u, b]) => [u, b] as [number, number]),
    ...(x.commitBlock === undefined ? {} : { commitBlock: BigInt(x.commitBlock) }),
  }));
  return {
    block: BigInt(v.block),
    tempo: BigInt(v.tempo),
    lastEpochBlock: BigInt(v.lastEpochBlock),
    activityCutoff: BigInt(v.activityCutoff),
    params: { ...v.params },
    emission: v.emission,
    neurons,
  };
}

/** The output's JSON object, keys in the order of yuma-io.md. */
export function serializeYumaOutput(out: YumaOutput): YumaOutputJson {
  return {
    stake: out.stake,
    active: out.active,
    consensus: out.consensus,
    incentive: out.incentive,
    dividends: out.dividends,
    validatorTrust: out.validatorTrust,
    emission: out.emission.map(String),
    incentiveEmission: out.incentiveEmission.map(String),
    dividendEmission: out.dividendEmission.map(String),
    validatorPermit: out.validatorPermit,
    bonds: out.bonds,
  };
}
