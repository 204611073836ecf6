import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CommandGroup } from "./command-group.js";

/** offchain/cli/commands/, next to this file. */
export const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "commands");

function isCommandGroup(value: unknown): value is CommandGroup {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.summary === "string" && typeof v.register === "function";
}

/**
 * Imports every command group in `dir` (`<group>.ts`, or `.js` once compiled; files starting with `_` and
 * declaration/test files are skipped). Each must default-export `defineCommandGroup({ name: "<group>", ... })`.
 * Sorted by `order`, then name.
 */
export async function loadCommandGroups(dir: string = COMMANDS_DIR): Promise<CommandGroup[]> {
  const ext = path.extname(fileURLToPath(import.meta.url)); // .ts under tsx, .js when compiled
  const files = (await fs.readdir(dir))
    .filter((f) => f.endsWith(ext) && !f.startsWith("_") && !f.endsWith(".d.ts") && !f.includes(".test."))
    .sort();
  const groups: CommandGroup[] = [];
  for (const file of files) {
    const mod: { default?: unknown } = await import(pathToFileURL(path.join(dir, file)).href);
    const group = mod.default;
    if (!isCommandGroup(group)) {
      throw new Error(
        `${path.join(dir, file)} must \`export default defineCommandGroup({ name, summary, register })\``,
      );
    }
    const expected = path.basename(file, ext);
    if (group.name !== expected) {
      throw new Error(
        `${path.join(dir, file)} defines group ${JSON.stringify(group.name)}: name it ${JSON.stringify(expected)} like its file`,
      );
    }
    const taken = new Map(groups.flatMap((g) => [g.name, ...(g.aliases ?? [])].map((w) => [w, g.name])));
    for (const word of [group.name, ...(group.aliases ?? [])]) {
      const other = taken.get(word);
      if (other !== undefined)
        throw new Error(`${path.join(dir, file)}: \`tao ${word}\` already selects group ${JSON.stringify(other)}`);
    }
    groups.push(group);
  }
  return groups.sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name));
}
