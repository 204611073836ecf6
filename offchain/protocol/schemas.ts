/** Bodies on the wire, validated with zod at both ends. */
import { z } from "zod";
import { PROTOCOL_VERSION } from "./constants.js";

export const MAX_PROMPT_CHARS = 32_768;
export const MAX_TOKENS_LIMIT = 8_192;

/** A text-generation task: the validator's prompt, an optional token budget, and whether to stream. */
export const textTaskSchema = z
  .object({
    kind: z.literal("text"),
    prompt: z.string().min(1).max(MAX_PROMPT_CHARS),
    maxTokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT).optional(),
    stream: z.boolean().optional(),
  })
  .strict();

/** Every task kind the protocol knows (one today; a discriminated union so kinds can be added). */
export const taskSchema = z.discriminatedUnion("kind", [textTaskSchema]);

export type TextTask = z.infer<typeof textTaskSchema>;
export type Task = z.infer<typeof taskSchema>;

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "a lower-case 32-byte hex string");
const signatureHex = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte hex signature");

/** A non-streamed answer: the JSON body whose exact bytes the miner signs (headers carry hash + signature). */
export const textResponseSchema = z
  .object({ v: z.literal(PROTOCOL_VERSION), requestId: z.string(), text: z.string() })
  .strict();
export type TextResponse = z.infer<typeof textResponseSchema>;

/** Every non-2xx answer of an axon. */
export const errorBodySchema = z.object({ error: z.string(), reason: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * One NDJSON line of a streamed answer:
 * - `{"t":"d","d":"text"}` a piece of the answer;
 * - `{"t":"end","hash":"0x..","sig":"0x.."}` last line: hash = keccak256 of every byte before this line,
 *   sig = the miner's response signature over that hash;
 * - `{"t":"err","status":408,"error":"..","reason":".."}` last line of a stream that failed after it began.
 */
export const streamFrameSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("d"), d: z.string() }).strict(),
  z.object({ t: z.literal("end"), hash: hex32, sig: signatureHex }).strict(),
  z
    .object({ t: z.literal("err"), status: z.number().int().min(400).max(599), error: z.string(), reason: z.string() })
    .strict(),
]);
export type StreamFrame = z.infer<typeof streamFrameSchema>;
