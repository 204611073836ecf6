import type { Command } from "commander";
import { z } from "zod";
import { CliContext, type GlobalOptions } from "./context.js";
import { fail } from "./errors.js";
import type { CliIo } from "./io.js";
import { NETWORK_ENV, withUserConfig } from "./userConfig.js";

/** Turns a parsed action into the function commander calls; see {@link CliApp.action}. */
export type ActionHandler<S extends z.ZodTypeAny> = (
  ctx: CliContext,
  options: z.output<S>,
  args: readonly string[],
) => Promise<void>;

/** What a command group gets to register its commands with. */
export interface CliApp {
  readonly io: CliIo;
  /**
   * Wraps a command's action: validates the command's own options with `schema` (zod), builds the
   * {@link CliContext} from the global flags and calls `handler` with the positional arguments.
   */
  action<S extends z.ZodTypeAny>(schema: S, handler: ActionHandler<S>): (...args: unknown[]) => Promise<void>;
}

/**
 * One file under offchain/cli/commands/ = one command group (`tao <name> ...`). The file default-exports
 * `defineCommandGroup({...})`; main.ts discovers it, so adding a group touches no other file.
 */
export interface CommandGroup {
  /** The top-level word, e.g. `wallet`; must match the file name. */
  readonly name: string;
  /** One line for `tao --help`. */
  readonly summary: string;
  /** Adds the group's commands to `group` (already named and described). */
  register(group: Command, app: CliApp): void;
  /** Sort key in `tao --help` (lower first; default 100, then by name). */
  readonly order?: number;
  /** Other words that select the group, e.g. btcli's `w` and `wallets` for `wallet`. */
  readonly aliases?: readonly string[];
}

export function defineCommandGroup(group: CommandGroup): CommandGroup {
  return group;
}

export const globalOptionsSchema = z.object({
  network: z.string().min(1).optional(),
  json: z.boolean().default(false),
  yes: z.boolean().default(false),
  walletsDir: z.string().min(1).optional(),
});

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function parseOptions<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0];
    const what = typeof key === "string" ? `option ${flagName(key)}` : "options";
    fail(`${what}: ${issue?.message ?? "invalid"} (see --help)`);
  }
  return parsed.data as z.output<S>;
}

export function createApp(io: CliIo): CliApp {
  return {
    io,
    action<S extends z.ZodTypeAny>(schema: S, handler: ActionHandler<S>) {
      return async (...args: unknown[]): Promise<void> => {
        const command = args[args.length - 1] as Command;
        // The config file's defaults stand in for unset environment variables (offchain/cli/userConfig.ts). A
        // damaged file stops every command but `tao config`'s (found as commander resolved it, aliases too),
        // which read it themselves and repair it.
        let group = command;
        while (group.parent?.parent) group = group.parent;
        const env = group.name() === "config" ? io.env : withUserConfig(io.env);
        const cio: CliIo = env === io.env ? io : { ...io, env };
        const raw = parseOptions(globalOptionsSchema, command.optsWithGlobals());
        const globals: GlobalOptions = { ...raw, network: raw.network ?? (env[NETWORK_ENV] || "localhost") };
        const options = parseOptions(schema, command.opts());
        const positional = args
          .slice(0, -2)
          .flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
        await handler(new CliContext(globals, cio), options, positional);
      };
    },
  };
}
