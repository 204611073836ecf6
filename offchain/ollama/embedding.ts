/**
 * Deterministic text embeddings for the fake Ollama server: feature hashing of lower-case word tokens
 * (sha256 of each token picks a dimension and a sign), L2-normalised. The same text always gives the same
 * vector, texts sharing words have positive cosine similarity, unrelated texts are near orthogonal: enough
 * for a validator's similarity scoring to behave sensibly in tests.
 */
import { createHash } from "node:crypto";

export function hashEmbedding(text: string, dims = 64): number[] {
  if (!Number.isInteger(dims) || dims < 2 || dims > 8192)
    throw new Error(`embedding dims=${dims} must be an integer in [2, 8192]`);
  const v = new Array<number>(dims).fill(0);
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const t of tokens.length > 0 ? tokens : [text]) {
    const h = createHash("sha256").update(t).digest();
    v[h.readUInt32BE(0) % dims]! += (h[4]! & 1) === 1 ? 1 : -1;
  }
  let norm = Math.hypot(...v);
  if (norm === 0) {
    v[createHash("sha256").update(text).digest().readUInt32BE(0) % dims] = 1;
    norm = 1;
  }
  return v.map((x) => x / norm);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
