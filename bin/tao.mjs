#!/usr/bin/env node
// `tao` launcher: runs offchain/cli/main.ts through tsx in this process (tsx is resolved from this package, so
// the command works from any directory). Needs Node >= 20.6 for module.register.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));
const tsxApi = require.resolve("tsx/esm/api");
const { register } = await import(pathToFileURL(tsxApi).href);
register();
await import(pathToFileURL(path.join(root, "offchain", "cli", "main.ts")).href);
