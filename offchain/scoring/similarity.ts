/**
 * Open-prompt scoring: cosine similarity between embeddings of the validator's reference answer and a miner's
 * answer, mapped to [0, 1]. Embedding models put unrelated texts at a cosine of roughly 0.3–0.6, so cosines at
 * or below `floor` (default 0.5) score 0 and the rest scale linearly to 1. The floor is raised per prompt to
 * cosine(reference, prompt) + a margin, so echoing the prompt scores 0 (`promptFloor`). Floats are fine here:
 * these are inputs to the weights, which the weights codec turns into u16 integers before anything is voted on.
 *
 * Failures are isolated (`scoreSimilarities`): only the reference's own embedding failing leaves the answers
 * unscored; an answer whose embedding fails scores 0 on its own and the others are scored as usual.
 */

/**
 * Texts in, one embedding per text out (Ollama's `embed`, or a fake in tests). `signal` cancels the call (the
 * round's time budget ran out, or the validator is stopping): the request is aborted, not left running.
 */
export type Embed = (texts: string[], signal?: AbortSignal) => Promise<number[][]>;

export const DEFAULT_SIMILARITY_FLOOR = 0.5;

export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`cosine: embeddings of lengths ${a.length} and ${b.length} cannot be compared`);
  }
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number,
      y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  const c = dot / Math.sqrt(na * nb);
  return Number.isFinite(c) ? Math.max(-1, Math.min(1, c)) : 0;
}

/** Cosine → [0, 1]: 0 at or below `floor`, linear up to 1 at cosine 1. */
export function similarityScore(cos: number, floor = DEFAULT_SIMILARITY_FLOOR): number {
  if (!(floor >= -1 && floor < 1)) throw new RangeError(`similarityScore: floor ${floor} must be in [-1, 1)`);
  if (!Number.isFinite(cos) || cos <= floor) return 0;
  return Math.min(1, (cos - floor) / (1 - floor));
}

/** Added to cosine(reference, prompt) to give the round's floor for a prompt (see `promptFloor`). */
export const DEFAULT_PROMPT_MARGIN = 0.05;
/** Answers per `embed` call. */
export const DEFAULT_EMBED_CHUNK = 16;

/**
 * The floor for one prompt: `max(floor, cosine(reference, prompt) + margin)`. Retrieval embedders put a query
 * near its answers, so an answer that only echoes the prompt (cosine to the reference about that of the prompt
 * itself) scores 0 however close the prompt is to the reference.
 */
export function promptFloor(base: number, promptCosine: number | undefined, margin = DEFAULT_PROMPT_MARGIN): number {
  if (!(Number.isFinite(margin) && margin >= 0)) throw new RangeError(`prompt margin ${margin} must be >= 0`);
  return promptCosine === undefined || !Number.isFinite(promptCosine) ? base : Math.max(base, promptCosine + margin);
}

export interface SimilarityOptions {
  /** Cosines at or below it score 0. Default DEFAULT_SIMILARITY_FLOOR. */
  floor?: number;
  /** The prompt: embedded with the reference, it raises the floor to cosine(reference, prompt) + `promptMargin`. */
  prompt?: string;
  /** Default DEFAULT_PROMPT_MARGIN. */
  promptMargin?: number;
  /** Answers per embed call. Default DEFAULT_EMBED_CHUNK. */
  chunkSize?: number;
  /** Ends the work (time budget, validator stopping): answers not embedded by then are left `undefined`. */
  signal?: AbortSignal;
}

export interface SimilarityRun {
  /** The floor used for this reference (`promptFloor`). */
  floor: number;
  /** cosine(reference, prompt), when a prompt was given. */
  promptCosine?: number;
  /**
   * One per answer: its score; 0 for an empty answer or one whose own embedding failed (see `failed`);
   * `undefined` when it was not scored (the signal fired first, or the embedder itself stopped working).
   */
  scores: (number | undefined)[];
  /** Why each answer that failed on its own failed (its score is 0). */
  failed: Map<number, string>;
  /** Set when the embedder failed on the reference alone after the reference had worked: nothing was blamed since. */
  embedderFailed?: string;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `p`, or the signal's reason as soon as it fires (an embed that ignores its signal cannot hold the caller). */
function raced<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** One embedding per text, checked: `embed` returned an array of `texts.length` vectors. */
async function embedChecked(embed: Embed, texts: string[], signal?: AbortSignal): Promise<number[][]> {
  const vectors = await raced(
    Promise.resolve().then(() => embed(texts, signal)),
    signal,
  );
  if (!Array.isArray(vectors) || vectors.length !== texts.length || !vectors.every((v) => Array.isArray(v))) {
    throw new Error(
      `embed returned ${Array.isArray(vectors) ? vectors.length : typeof vectors} vectors for ${texts.length} texts`,
    );
  }
  return vectors;
}

/**
 * Scores of `answers` against `reference`, with failures isolated:
 *
 * 1. The reference (and the prompt) are embedded on their own first. Only their failure throws (the caller
 *    leaves the answers unscored): it is the validator's model that failed, not a miner.
 * 2. The answers go in chunks of `chunkSize`. A chunk that fails is split in halves until the failing answers
 *    are found; each of those scores 0 (in `failed`) once the reference alone still embeds (the embedder works,
 *    so the answer is to blame). If the reference alone fails too, the embedder broke mid-way: the answers not
 *    scored yet are left `undefined` and `embedderFailed` says why.
 *
 * Empty answers score 0 without being embedded. When `signal` fires, the answers not scored yet are left
 * `undefined` (after the reference) or the call throws (before it).
 */
export async function scoreSimilarities(
  embed: Embed,
  reference: string,
  answers: readonly string[],
  o: SimilarityOptions = {},
): Promise<SimilarityRun> {
  const base = o.floor ?? DEFAULT_SIMILARITY_FLOOR;
  similarityScore(0, base); // validates the floor
  const chunkSize = o.chunkSize ?? DEFAULT_EMBED_CHUNK;
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`chunkSize ${chunkSize} must be >= 1`);
  const signal = o.signal;
  const head = o.prompt === undefined ? [reference] : [reference, o.prompt];
  const [ref, promptVector] = (await embedChecked(embed, head, signal)) as [number[], number[] | undefined];
  const promptCosine = promptVector ? cosine(ref, promptVector) : undefined;
  const floor = promptFloor(base, promptCosine, o.promptMargin);
  // A floor of 1 or more: the reference is no further from the prompt than the margin, so nothing can score
  // above an echo of the prompt. The reference is no use (the validator's model only restated the prompt).
  if (!(floor < 1))
    throw new Error(`the reference is as close to the prompt as an echo of it (cosine ${promptCosine?.toFixed(3)})`);
  const run: SimilarityRun = {
    floor,
    ...(promptCosine === undefined ? {} : { promptCosine }),
    scores: answers.map((a) => (a.trim() === "" ? 0 : undefined)),
    failed: new Map(),
  };
  const score = (v: number[]): number => similarityScore(cosine(ref, v), floor);

  const stopped = () => signal?.aborted === true || run.embedderFailed !== undefined;
  const embedderWorks = async (): Promise<boolean> => {
    try {
      await embedChecked(embed, [reference], signal);
      return true;
    } catch (e) {
      if (!signal?.aborted) run.embedderFailed = message(e);
      return false;
    }
  };
  const settle = async (idx: number[]): Promise<void> => {
    if (idx.length === 0 || stopped()) return;
    let vectors: number[][];
    try {
      vectors = await embedChecked(
        embed,
        idx.map((i) => answers[i] as string),
        signal,
      );
    } catch (e) {
      if (stopped()) return;
      if (idx.length > 1) {
        const mid = Math.ceil(idx.length / 2);
        await settle(idx.slice(0, mid));
        await settle(idx.slice(mid));
        return;
      }
      if (await embedderWorks()) {
        run.scores[idx[0] as number] = 0;
        run.failed.set(idx[0] as number, message(e).slice(0, 200));
      }
      return;
    }
    idx.forEach((i, k) => {
      try {
        run.scores[i] = score(vectors[k] as number[]);
      } catch (e) {
        // A vector the reference's cannot be compared with (another length): this answer's embedding is bad.
        run.scores[i] = 0;
        run.failed.set(i, message(e).slice(0, 200));
      }
    });
  };
  const pending = run.scores.flatMap((s, i) => (s === undefined ? [i] : []));
  for (let k = 0; k < pending.length && !stopped(); k += chunkSize) await settle(pending.slice(k, k + chunkSize));
  return run;
}

/**
 * Scores of `answers` against `reference` (`scoreSimilarities`): an answer whose own embedding failed scores 0.
 * Throws if the reference cannot be embedded, or if some answers could not be scored (the signal fired, or the
 * embedder stopped working): the caller decides what an unscored round is.
 */
export async function similarityScores(
  embed: Embed,
  reference: string,
  answers: readonly string[],
  floor = DEFAULT_SIMILARITY_FLOOR,
  signal?: AbortSignal,
): Promise<number[]> {
  const run = await scoreSimilarities(embed, reference, answers, { floor, ...(signal ? { signal } : {}) });
  if (run.scores.some((s) => s === undefined)) {
    throw signal?.aborted
      ? (signal.reason as Error)
      : new Error(`embedding failed: ${run.embedderFailed ?? "answers left unscored"}`);
  }
  return run.scores as number[];
}
