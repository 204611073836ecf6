/**
 * Open-prompt scoring: cosine similarity between embeddings of the validator's reference answer and a miner's
 * answer, mapped to [0, 1]. Embedding models put unrelated texts at a cosine of roughly 0.3–0.6, so cosines at
 * or below `floor` (default 0.5) score 0 and the rest scale linearly to 1. Floats are fine here: these are
 * inputs to the weights, which the weights codec turns into u16 integers before anything is voted on.
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

/**
 * Scores of `answers` against `reference`, with one `embed` call. Empty answers score 0 without being
 * embedded. Throws if `embed` fails or returns the wrong shape (the caller decides what an unscored round is).
 */
export async function similarityScores(
  embed: Embed,
  reference: string,
  answers: readonly string[],
  floor = DEFAULT_SIMILARITY_FLOOR,
  signal?: AbortSignal,
): Promise<number[]> {
  const idx = answers.map((a, i) => (a.trim() === "" ? -1 : i)).filter((i) => i >= 0);
  if (idx.length === 0) return answers.map(() => 0);
  const vectors = await embed([reference, ...idx.map((i) => answers[i] as string)], signal);
  if (!Array.isArray(vectors) || vectors.length !== idx.length + 1) {
    throw new Error(
      `embed returned ${Array.isArray(vectors) ? vectors.length : typeof vectors} vectors for ${idx.length + 1} texts`,
    );
  }
  const ref = vectors[0] as number[];
  const out = answers.map(() => 0);
  idx.forEach((i, k) => {
    out[i] = similarityScore(cosine(ref, vectors[k + 1] as number[]), floor);
  });
  return out;
}
