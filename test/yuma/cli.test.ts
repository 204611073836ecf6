/** The JSON-lines CLI (yuma-io.md) as a child process: ordering, one line per input, errors on stderr. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { loadVectors } from "./helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["offchain/yuma/cli.ts"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const vectors = loadVectors();
// Three different shapes: no permits yet, original Yuma, Yuma 3 with liquid alpha.
const picked = [vectors[0]!, vectors[22]!, vectors[8]!];

describe("yuma CLI", () => {
  it("answers each input line with exactly one output line, in order", async () => {
    const input = picked.map((r) => JSON.stringify(r.input)).join("\n") + "\n";
    const run = await runCli(input);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const lines = run.stdout.split("\n");
    assert.equal(lines.pop(), "", "output ends with a newline");
    assert.equal(lines.length, 3);
    lines.forEach((line, k) => assert.deepEqual(JSON.parse(line), picked[k]!.expected, `line ${k + 1}`));
  });

  it("skips blank lines and keeps line numbering for errors", async () => {
    const good = JSON.stringify(picked[0]!.input);
    const run = await runCli(`\n${good}\n   \n{"block": "ten"}\n${good}\n`);
    assert.equal(run.code, 1);
    assert.equal(
      run.stdout.split("\n").filter((l) => l !== "").length,
      1,
      "only the line before the error is answered",
    );
    const err = run.stderr.trimEnd().split("\n");
    assert.equal(err.length, 1, "one-line error");
    assert.match(err[0]!, /^yuma: line 4: /);
    assert.match(err[0]!, /block: must be number, got string/);
  });

  it("rejects a line that is not JSON, naming the line", async () => {
    const run = await runCli("{not json\n");
    assert.notEqual(run.code, 0);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^yuma: line 1: not valid JSON/);
  });

  it("rejects a weight towards a uid outside the subnet", async () => {
    const input = structuredClone(picked[1]!.input) as { neurons: Array<{ weights: number[][] }> };
    input.neurons[0]!.weights.push([99, 1]);
    const run = await runCli(`${JSON.stringify(input)}\n`);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /line 1: neurons\[0\]\.weights\[\d+\]\[0\]: uid 99 is not in the subnet \(n = 16\)/);
  });
});
