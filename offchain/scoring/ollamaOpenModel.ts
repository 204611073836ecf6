/**
 * The validator's model for open prompts, through Ollama (the official `ollama` client): the reference
 * answer is a chat completion of the validator's `model`, similarity uses `/api/embed` of its `embedModel`
 * (scoring/similarity.ts turns the cosines into scores, 0 at or below `similarityFloor`).
 *
 * Every call is bounded (the caller's AbortSignal for the reference, `requestTimeoutMs` for embeddings), and
 * the embedding response is checked with zod: one finite vector per text, all of one length. A failure
 * throws; the round then leaves that round's open answers unscored (EMA untouched) and carries on.
 *
 * The reference is generated greedily (temperature 0) with a fixed seed (the caller's, else one derived from
 * the prompt), so two validators running the same model on the same prompt get the same reference. Embeddings
 * ask Ollama to truncate inputs longer than the embedding model's context (`truncate: true`) rather than fail
 * (recent Ollama refuses over-long inputs otherwise, ollama/ollama#14186).
 */
import { Ollama } from "ollama";
import { z } from "zod";
import { ollamaClientOptions, ollamaHostFromEnv, OllamaService, redactHost } from "../ollama/service.js";
import { referenceSeed } from "../tasks/open.js";
import { DEFAULT_SIMILARITY_FLOOR, type Embed } from "./similarity.js";

export interface OllamaOpenModelOptions {
  /** Chat model for reference answers, e.g. "llama3.2:1b". */
  model: string;
  /** Embedding model, e.g. "nomic-embed-text". */
  embedModel: string;
  /** Ollama's URL; default $OLLAMA_HOST, else http://127.0.0.1:11434. */
  host?: string;
  similarityFloor?: number;
  /** Cap on the reference answer's length (Ollama's num_predict). Default 512 tokens. */
  maxReferenceTokens?: number;
  /** Limit of one embedding call. Default 60 s. */
  embedTimeoutMs?: number;
  /**
   * The embedding model's context (Ollama's num_ctx) for /api/embed. Default: unset, the model's own (a value
   * other than the loaded one makes Ollama reload the model). Inputs beyond it are truncated either way.
   */
  embedNumCtx?: number;
}

/** Options of one reference answer. */
export interface ReferenceOptions {
  /** Ollama's sampling seed. Default `referenceSeed(prompt)`. */
  seed?: number;
}

/** Structurally the round's `OpenModel` (validator/round.ts). */
export interface OllamaOpenModel {
  readonly host: string;
  readonly model: string;
  readonly embedModel: string;
  reference(prompt: string, signal: AbortSignal, options?: ReferenceOptions): Promise<string>;
  embed: Embed;
  readonly similarityFloor: number;
}

const embedResponse = z.object({ embeddings: z.array(z.array(z.number().finite()).min(1)) }).passthrough();

export function createOllamaOpenModel(o: OllamaOpenModelOptions): OllamaOpenModel {
  const host = (o.host ?? ollamaHostFromEnv()).replace(/\/+$/, "");
  const floor = o.similarityFloor ?? DEFAULT_SIMILARITY_FLOOR;
  if (!(floor >= -1 && floor < 1)) throw new RangeError(`similarityFloor ${floor} must be in [-1, 1)`);
  const maxTokens = o.maxReferenceTokens ?? 512;
  const embedTimeoutMs = o.embedTimeoutMs ?? 60_000;
  const numCtx = o.embedNumCtx;
  if (numCtx !== undefined && !(Number.isInteger(numCtx) && numCtx > 0))
    throw new RangeError(`embedNumCtx ${numCtx} must be a positive integer`);
  const chat = new OllamaService({ host });
  const embedClient = (signal: AbortSignal): Ollama =>
    new Ollama({
      ...ollamaClientOptions(host),
      fetch: (input, init) =>
        fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
    });

  return {
    host,
    model: o.model,
    embedModel: o.embedModel,
    similarityFloor: floor,
    async reference(prompt, signal, options = {}) {
      const seed = options.seed ?? referenceSeed(prompt);
      let text = "";
      for await (const piece of chat.stream(o.model, prompt, { signal, maxTokens, temperature: 0, seed }))
        text += piece;
      return text;
    },
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      let raw: unknown;
      const limit = AbortSignal.timeout(embedTimeoutMs);
      try {
        raw = await embedClient(signal ? AbortSignal.any([limit, signal]) : limit).embed({
          model: o.embedModel,
          input: texts,
          truncate: true,
          ...(numCtx === undefined ? {} : { options: { num_ctx: numCtx } }),
        });
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(`embedding with ${o.embedModel} at ${redactHost(host)} failed: ${why}`, { cause: e });
      }
      const parsed = embedResponse.safeParse(raw);
      if (!parsed.success)
        throw new Error(
          `Ollama's /api/embed (${o.embedModel} at ${redactHost(host)}) answered an unexpected shape: ${parsed.error.issues[0]?.message}`,
        );
      const vectors = parsed.data.embeddings;
      const dims = vectors[0]?.length;
      if (vectors.length !== texts.length || vectors.some((v) => v.length !== dims))
        throw new Error(
          `Ollama's /api/embed (${o.embedModel} at ${redactHost(host)}) returned ${vectors.length} vectors of lengths ` +
            `${[...new Set(vectors.map((v) => v.length))].join("/")} for ${texts.length} texts`,
        );
      return vectors;
    },
  };
}
