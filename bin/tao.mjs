#!/usr/bin/env node
// `tao` launcher: runs offchain/cli/main.ts through tsx in this process (tsx is resolved from this package, so
// the command works from any directory). The CLI needs Node >= 22 (node:sqlite); under an older Node it re-runs
// itself with the Node 22 binary that `npm install` puts in node_modules/.bin (the `node` package).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  const node22 = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
  if (!existsSync(node22)) {
    console.error(
      `error: tao needs Node >= 22 but this is Node ${process.versions.node}: run \`npm install\` in ${root} (it installs Node 22 locally) or install Node 22`,
    );
    process.exit(1);
  }
  const child = spawnSync(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}
const require = createRequire(path.join(root, "package.json"));
const tsxApi = require.resolve("tsx/esm/api");
const { register } = await import(pathToFileURL(tsxApi).href);
register();
await import(pathToFileURL(path.join(root, "offchain", "cli", "main.ts")).href);
