/**
 * One miner's response → a score in [0, 1]: score = correctness × latencyFactor (latency.ts).
 * Correctness is 1/0 for verifiable tasks (task.check) and the similarity score for open prompts.
 * Anything that is not a usable answer scores 0 and is labelled, never thrown: a dendrite failure
 * (ok:false: unsigned or bad signature, refused, HTTP error, timeout), a late answer (latency > timeout),
 * an empty answer, a malformed result (not a DendriteResult, or a text over `maxAnswerChars`).
 */
import type { VerifiableTask } from "../tasks/task.js";
import { isDendriteResult } from "./dendriteResult.js";
import { DEFAULT_LATENCY_CURVE, latencyFactor, type LatencyCurve } from "./latency.js";

export type Outcome =
  | "correct" // verifiable, right answer
  | "wrong" // verifiable, wrong answer
  | "scored" // open prompt, scored by similarity
  | "unscored" // open prompt, no reference/embedding this round: not folded into the EMA
  | "empty"
  | "late"
  | "malformed"
  | "failed" // dendrite ok:false
  | "error" // the query function threw
  | "timeout" // the round's own guard fired: the query never settled
  | "unreachable"; // no axon served

export interface ScoredResponse {
  score: number;
  outcome: Outcome;
  /** 1/0 for verifiable tasks, similarity for open ones, 0 when not answered. */
  correctness: number;
  latencyFactor: number;
  latencyMs: number;
  /** What check() read from the answer (verifiable tasks). */
  extracted?: string;
  /** Dendrite status / error for failed queries. */
  status?: number;
  error?: string;
}

export interface ScoringOptions {
  timeoutMs: number;
  curve?: LatencyCurve;
  /** Longer answers are malformed (default 20 000 characters). */
  maxAnswerChars?: number;
}

export const DEFAULT_MAX_ANSWER_CHARS = 20_000;

export const zero = (outcome: Outcome, latencyMs: number, extra: Partial<ScoredResponse> = {}): ScoredResponse => ({
  score: 0,
  outcome,
  correctness: 0,
  latencyFactor: 0,
  latencyMs,
  ...extra,
});

/** A usable answer `{text, latencyMs}`, or the zero-score reason it is not one. */
export function readAnswer(
  result: unknown,
  opts: ScoringOptions,
): { text: string; latencyMs: number; factor: number } | { rejected: ScoredResponse } {
  if (!isDendriteResult(result)) return { rejected: zero("malformed", 0, { error: "not a dendrite result" }) };
  if (!result.ok) {
    return { rejected: zero("failed", result.latencyMs, { status: result.status, error: result.error.slice(0, 200) }) };
  }
  if (result.latencyMs > opts.timeoutMs) return { rejected: zero("late", result.latencyMs) };
  if (result.text.length > (opts.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS)) {
    return { rejected: zero("malformed", result.latencyMs, { error: `answer of ${result.text.length} characters` }) };
  }
  if (result.text.trim() === "") return { rejected: zero("empty", result.latencyMs) };
  return {
    text: result.text,
    latencyMs: result.latencyMs,
    factor: latencyFactor(result.latencyMs, opts.timeoutMs, opts.curve ?? DEFAULT_LATENCY_CURVE),
  };
}

export function scoreVerifiable(task: VerifiableTask, result: unknown, opts: ScoringOptions): ScoredResponse {
  const answer = readAnswer(result, opts);
  if ("rejected" in answer) return answer.rejected;
  let verdict: { correct: boolean; extracted: string };
  try {
    verdict = task.check(answer.text);
  } catch {
    verdict = { correct: false, extracted: "" };
  }
  const correctness = verdict.correct ? 1 : 0;
  return {
    score: correctness * answer.factor,
    outcome: verdict.correct ? "correct" : "wrong",
    correctness,
    latencyFactor: answer.factor,
    latencyMs: answer.latencyMs,
    extracted: verdict.extracted,
  };
}

/** An open answer's score once its similarity (0..1) to the reference is known. */
export function scoreOpen(similarity: number, latencyMs: number, factor: number): ScoredResponse {
  const s = Number.isFinite(similarity) ? Math.max(0, Math.min(1, similarity)) : 0;
  return { score: s * factor, outcome: "scored", correctness: s, latencyFactor: factor, latencyMs };
}
