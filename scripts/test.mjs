// `npm test`: runs `hardhat test` (Solidity tests, then node:test tests), streams its output, and closes with
// one plain line `N passed, N failed` summed over both runners. Exits non-zero on any failure or on no tests.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const hardhat = path.join(root, "node_modules", ".bin", "hardhat");

// With no arguments, name the test files ourselves: Hardhat's node:test runner would otherwise load every `.ts`
// under test/ and count each support module (fixtures, harnesses, fakes) as one more passing test.
function testFiles() {
  const files = [];
  for (const entry of readdirSync(path.join(root, "test"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name));
    const solidity = file.startsWith(path.join("test", "solidity") + path.sep);
    if (solidity ? file.endsWith(".sol") : file.endsWith(".test.ts")) files.push(file);
  }
  return files.sort();
}
// Arguments pass through. Unless one names a file or folder, the test files are added (of the runner named,
// when `nodejs` or `solidity` comes first), so flags alone (`npm test -- --grep foo`) count no support module.
const args = process.argv.slice(2);
const runner = args[0] === "nodejs" || args[0] === "solidity" ? args[0] : undefined;
const namesPath = args.some((a) => !a.startsWith("-") && a !== runner && existsSync(path.resolve(root, a)));
const files = testFiles().filter((f) =>
  runner === undefined ? true : f.startsWith(path.join("test", "solidity") + path.sep) === (runner === "solidity"),
);
const child = spawn(hardhat, ["test", ...args, ...(namesPath ? [] : files)], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
});

let out = "";
const noise = /memory-safe-assembly|^\s*\|\s*\^?|^\s*-->\s.*solady|^\s*\d+\s*\|\s|Relevant source part/;
let skipBlank = false;
function forward(chunk, stream) {
  const text = chunk.toString();
  out += text;
  // solady's inline-assembly NatSpec warnings are noise for readers; everything else passes through.
  for (const line of text.split(/(?<=\n)/)) {
    if (noise.test(line) || (skipBlank && line.trim() === "")) {
      skipBlank = true;
      continue;
    }
    if (/^Warning: Natspec memory-safe/.test(line)) continue;
    skipBlank = false;
    stream.write(line);
  }
}
child.stdout.on("data", (c) => forward(c, process.stdout));
child.stderr.on("data", (c) => forward(c, process.stderr));

child.on("close", (code) => {
  // Strip ANSI colours before counting.
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const sum = (re) => [...plain.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const passed = sum(/^\s*(\d+) passing\b/gm);
  const failed = sum(/^\s*(\d+) failing\b/gm);
  const skipped = sum(/^\s*(\d+) (?:pending|skipped)\b/gm);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  if (code !== 0) process.exit(code ?? 1);
  if (failed > 0 || passed === 0) process.exit(1);
});
