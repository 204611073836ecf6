/** Ollama for miners: the production client wrapper and the deterministic fake server. */
export * from "./service.js";
export * from "./models.js";
export { PullProgress, type PullFrame } from "./progress.js";
export {
  startFakeOllama,
  fakeAnswer,
  pieces,
  type FakeOllama,
  type FakeOllamaMode,
  type FakeOllamaOptions,
  type FakeOllamaStats,
} from "./fakeServer.js";
export { solve, wrongAnswer, formatNumber } from "./solver.js";
export { hashEmbedding, cosine } from "./embedding.js";
