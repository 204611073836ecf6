/** Validator tasks: seeded generation, exact answers, free-text checking, and a solver for test doubles. */
export {
  generateTask,
  generateTaskOfKind,
  generateTasks,
  DEFAULT_VERIFIABLE_WEIGHTS,
  type KindWeights,
} from "./generate.js";
export { solve } from "./solve.js";
export { VERIFIABLE_KINDS } from "./task.js";
export type { CheckResult, OpenTask, Task, TaskKind, VerifiableKind, VerifiableTask } from "./task.js";
export { Rng, hashId, type Seed } from "./prng.js";
export { extractIsoDate, extractNumber, extractWeekday, extractWord } from "./extract.js";
export * as calendar from "./calendar.js";
