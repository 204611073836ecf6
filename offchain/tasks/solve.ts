/**
 * `solve(prompt)`: the exact answer to any verifiable prompt the generator makes, found anywhere in `prompt`
 * (a miner may wrap it in a system prompt or chat template). Used by the deterministic fake Ollama server in
 * tests and local demos. Open prompts have no exact answer: undefined.
 */
import { solveArithmetic } from "./arithmetic.js";
import { solveDate } from "./dates.js";
import { normaliseText } from "./extract.js";
import { solveString } from "./strings.js";
import { solveUnits } from "./units.js";

export function solve(prompt: string): string | undefined {
  if (typeof prompt !== "string") return undefined;
  const p = prompt.normalize("NFC");
  // Unit prompts contain numbers that the arithmetic expression reader would take, and date prompts contain
  // ISO dates that read as subtractions: the specific readers go first, the expression reader last.
  const specific = solveString(p) ?? solveDate(p) ?? solveUnits(p);
  if (specific !== undefined) return specific;
  // A prompt with an ISO date that the date reader did not take is not arithmetic ("2024-01-15" is no
  // subtraction): no answer rather than a wrong one.
  if (ISO_DATE.test(p)) return undefined;
  return solveArithmetic(p) ?? solveArithmetic(normaliseText(p));
}

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
