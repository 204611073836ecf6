// `npm run bench [-- --json] [-- --only <name>]`: runs every bench/*.bench.ts and prints one table for people,
// or one JSON object for machines: {"gas": {...}, "timeMs": {...}, "perSecond": {...}, "notes": {...}}.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchResult } from "./types.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyIdx = args.indexOf("--only");
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

const dir = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => !only || f.startsWith(`${only}.`))
  .sort();

// Compile first (a fresh clone has no artifacts); compiler output goes to stderr so --json stays clean.
const compiled = spawnSync(path.join(dir, "..", "node_modules", ".bin", "hardhat"), ["compile"], {
  stdio: ["ignore", json ? "ignore" : 2, 2],
});
if (compiled.status !== 0) {
  process.stderr.write("bench: 'hardhat compile' failed\n");
  process.exit(1);
}

const merged: Required<BenchResult> = { gas: {}, timeMs: {}, perSecond: {}, notes: {} };
const sections = ["gas", "timeMs", "perSecond", "notes"] as const;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: () => Promise<BenchResult> };
  const started = Date.now();
  const result = await mod.default();
  for (const s of sections) Object.assign(merged[s], result[s] ?? {});
  if (!json) process.stderr.write(`bench: ${file} done in ${Date.now() - started} ms\n`);
}

if (json) {
  process.stdout.write(JSON.stringify(merged) + "\n");
} else {
  const units: Record<(typeof sections)[number], string> = { gas: "gas", timeMs: "ms", perSecond: "/s", notes: "" };
  for (const s of sections) {
    const rows = Object.entries(merged[s]);
    if (rows.length === 0) continue;
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n${s}`);
    for (const [k, v] of rows) {
      const value = typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : v;
      console.log(`  ${k.padEnd(width)}  ${value} ${units[s]}`.trimEnd());
    }
  }
}
process.exit(0);
