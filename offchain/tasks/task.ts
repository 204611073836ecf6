/** The shape of a validator task. */

/** Kinds with one exact answer that `check` verifies. */
export const VERIFIABLE_KINDS = ["arithmetic", "units", "string", "date"] as const;
export type VerifiableKind = (typeof VERIFIABLE_KINDS)[number];
export type TaskKind = VerifiableKind | "open";

export interface CheckResult {
  correct: boolean;
  /** What `check` read as the answer ("" when nothing could be read). */
  extracted: string;
}

export interface VerifiableTask {
  /** Stable id derived from the seed (16 hex digits). */
  id: string;
  kind: VerifiableKind;
  /** Which template made it, e.g. "arithmetic.chain" (for logs and per-template stats). */
  template: string;
  prompt: string;
  /** The exact answer in canonical form ("-42", "12.50", "trimolak", "Tuesday", "2001-03-05"). */
  answer: string;
  /** Reads the answer out of free text and compares it with `answer`. Never throws. */
  check(text: string): CheckResult;
}

/** A free-form prompt, scored by embedding similarity to the validator's own reference answer. */
export interface OpenTask {
  id: string;
  kind: "open";
  template: string;
  prompt: string;
}

export type Task = VerifiableTask | OpenTask;

/** A generator for one kind: the same seed gives the same task. */
export type Generator<T extends Task = VerifiableTask> = (rng: import("./prng.js").Rng, id: string) => T;

/** Wraps a check so that it never throws (a throwing check counts as a wrong answer). */
export function safeCheck(fn: (text: string) => CheckResult): (text: string) => CheckResult {
  return (text: string) => {
    try {
      if (typeof text !== "string") return { correct: false, extracted: "" };
      return fn(text);
    } catch {
      return { correct: false, extracted: "" };
    }
  };
}
