/**
 * `npm run --silent yuma`: the JSON-lines interface of yuma-io.md. Reads one epoch input (a JSON object)
 * per line on stdin and writes exactly one output JSON line per input on stdout, in the same order and
 * nothing else. Whitespace-only lines are not inputs and are skipped. The first malformed line stops the
 * run: one line `yuma: line <n>: <problem>` on stderr and exit status 1 (outputs of the lines before it
 * have already been written).
 */
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { processLine } from "./jsonl.js";
import { YumaInputError } from "./schema.js";

/** Write honouring back-pressure, so a large batch piped to a slow reader is not buffered in memory. */
function writeLine(out: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(line, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else out.once("drain", resolve);
  });
}

async function main(): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (text.trim() === "") continue;
    let output: string;
    try {
      output = processLine(text);
    } catch (err) {
      const problem = err instanceof YumaInputError ? err.message : `epoch failed: ${(err as Error).message}`;
      process.stderr.write(`yuma: line ${lineNo}: ${problem.replace(/\s*\n\s*/g, " ")}\n`);
      lines.close();
      return 1;
    }
    await writeLine(process.stdout, `${output}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`yuma: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
