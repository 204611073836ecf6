/** Scoring: response → score, latency curve, open-prompt similarity, EMAs per uid, task mix, gated weight input. */
export { isDendriteResult, type DendriteResult } from "./dendriteResult.js";
export { DEFAULT_LATENCY_CURVE, latencyFactor, type LatencyCurve } from "./latency.js";
export {
  DEFAULT_MAX_ANSWER_CHARS,
  readAnswer,
  scoreOpen,
  scoreVerifiable,
  zero,
  type Outcome,
  type ScoredResponse,
  type ScoringOptions,
} from "./score.js";
export { DEFAULT_SIMILARITY_FLOOR, cosine, similarityScore, similarityScores, type Embed } from "./similarity.js";
export {
  DEFAULT_EMA_ALPHA,
  assertAlpha,
  sameHotkey,
  scoreClass,
  updateEma,
  type EmaRecord,
  type KindAverage,
  type ScoreClass,
} from "./ema.js";
export { kindWeights, type TaskMix } from "./mix.js";
export {
  DEFAULT_VERIFIABLE_GATE,
  assertGate,
  weightInput,
  weightScore,
  type WeightInput,
  type WeightRule,
} from "./weights.js";
export { createOllamaOpenModel, type OllamaOpenModel, type OllamaOpenModelOptions } from "./ollamaOpenModel.js";
