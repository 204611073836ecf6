/**
 * Seeded task generation. `generateTask(seed)` is a pure function of the seed (and the kind weights): the same
 * seed gives the same task, byte for byte, on any machine. Validators draw fresh secret seeds per round, so the
 * task stream cannot be predicted; tests and demos pass fixed seeds.
 */
import { arithmeticTask } from "./arithmetic.js";
import { dateTask } from "./dates.js";
import { openTask } from "./open.js";
import { hashId, Rng, type Seed } from "./prng.js";
import { stringTask } from "./strings.js";
import type { OpenTask, Task, TaskKind, VerifiableKind, VerifiableTask } from "./task.js";
import { unitsTask } from "./units.js";

const GENERATORS: Record<VerifiableKind, (rng: Rng, id: string) => VerifiableTask> = {
  arithmetic: arithmeticTask,
  units: unitsTask,
  string: stringTask,
  date: dateTask,
};

/** Integer weights per kind (any scale; 0 disables a kind). */
export type KindWeights = Partial<Record<TaskKind, number>>;

export const DEFAULT_VERIFIABLE_WEIGHTS: Readonly<Record<VerifiableKind, number>> = {
  arithmetic: 3,
  units: 2,
  string: 2,
  date: 2,
};

/** A task of exactly `kind` for `seed`. */
export function generateTaskOfKind(seed: Seed, kind: "open"): OpenTask;
export function generateTaskOfKind(seed: Seed, kind: VerifiableKind): VerifiableTask;
export function generateTaskOfKind(seed: Seed, kind: TaskKind): Task;
export function generateTaskOfKind(seed: Seed, kind: TaskKind): Task {
  const id = hashId(`task:${kind}:${String(seed)}`);
  const rng = new Rng(`task:${kind}:${String(seed)}`);
  return kind === "open" ? openTask(rng, id) : GENERATORS[kind](rng, id);
}

/**
 * A task for `seed`, its kind drawn with `weights` (default: verifiable kinds only, DEFAULT_VERIFIABLE_WEIGHTS).
 * Weights must be non-negative integers with a positive sum.
 */
export function generateTask(seed: Seed, weights: KindWeights = DEFAULT_VERIFIABLE_WEIGHTS): Task {
  const kinds = (Object.keys(weights) as TaskKind[]).filter((k) => (weights[k] ?? 0) > 0).sort();
  const ws = kinds.map((k) => weights[k] as number);
  if (kinds.length === 0 || ws.some((w) => !Number.isSafeInteger(w))) {
    throw new RangeError(`generateTask: kind weights ${JSON.stringify(weights)} must be integers with a positive sum`);
  }
  const kind = kinds[new Rng(`kind:${String(seed)}`).weighted(ws)] as TaskKind;
  return generateTaskOfKind(seed, kind);
}

/** `count` tasks for seeds `${seed}:0`, `${seed}:1`, ... */
export function generateTasks(seed: Seed, count: number, weights?: KindWeights): Task[] {
  return Array.from({ length: count }, (_, i) => generateTask(`${String(seed)}:${i}`, weights));
}
