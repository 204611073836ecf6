/**
 * `tao` entry point: `npm run tao -- <args>`, `npx tao <args>` (bin/tao.mjs) or `tsx offchain/cli/main.ts`.
 * Command groups live one per file in offchain/cli/commands/.
 */
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv.slice(2));
