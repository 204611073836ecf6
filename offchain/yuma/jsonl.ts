/** One line of the JSON-lines interface: parse, validate, run the epoch, serialize. */
import { runEpoch } from "./epoch.js";
import { YumaInputError, parseYumaInput, serializeYumaOutput } from "./schema.js";

/** One input line → its output line (without the newline). Throws YumaInputError with the problem. */
export function processLine(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new YumaInputError(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new YumaInputError("must be a JSON object (one epoch input per line)");
  }
  return JSON.stringify(serializeYumaOutput(runEpoch(parseYumaInput(json))));
}
