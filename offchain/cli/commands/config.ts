import type { Command } from "commander";
import { z } from "zod";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { renderFields } from "../output.js";
import {
  checkConfigValue,
  CONFIG_KEYS,
  configFile,
  parseConfigKey,
  readUserConfig,
  writeUserConfig,
  type ConfigKey,
} from "../userConfig.js";

const KEYS_HELP = Object.keys(CONFIG_KEYS).join(", ");

/** The config as read, or {} when the file is damaged (`set` and `unset` then start it afresh). */
function readOrEmpty(env: NodeJS.ProcessEnv) {
  try {
    return { config: readUserConfig(env), damaged: false };
  } catch {
    return { config: {}, damaged: true };
  }
}

function register(group: Command, app: CliApp): void {
  group
    .command("show")
    .description(`the saved defaults (${KEYS_HELP}) and the file they are kept in`)
    .action(
      app.action(z.object({}), async (ctx) => {
        const file = configFile(ctx.io.env);
        const config = readUserConfig(ctx.io.env);
        // Which value the other commands use now (`tao config` itself sees the environment unmerged): the
        // variable, else the file's; a flag still wins over both.
        const effective = Object.fromEntries(
          (Object.entries(CONFIG_KEYS) as [ConfigKey, string][]).map(([key, name]) => {
            const fromEnv = ctx.io.env[name];
            if (fromEnv) return [key, { value: fromEnv, source: `$${name}` }];
            const saved = config[key];
            return [key, saved === undefined ? { value: null, source: "default" } : { value: saved, source: "config" }];
          }),
        );
        ctx.out.result({ file, config, effective }, () =>
          renderFields([
            ["file", file],
            ...(Object.entries(effective) as [string, { value: string | null; source: string }][]).map(
              ([key, e]): [string, string] => [
                key,
                e.value === null ? "- (built-in default)" : `${e.value} (${e.source})`,
              ],
            ),
          ]),
        );
      }),
    );

  group
    .command("set")
    .description(`save a default: ${KEYS_HELP} (flags and environment variables still win over it)`)
    .argument("<key>", KEYS_HELP)
    .argument("<value>", "the value")
    .action(
      app.action(z.object({}), async (ctx, _opts, [rawKey, rawValue]) => {
        const key = parseConfigKey(rawKey ?? "");
        const value = checkConfigValue(key, rawValue ?? "");
        const { config, damaged } = readOrEmpty(ctx.io.env);
        const file = writeUserConfig(ctx.io.env, { ...config, [key]: value });
        ctx.out.result(
          { file, key, value, replacedDamagedFile: damaged },
          () => `${key} = ${value} (saved in ${file}${damaged ? ", which was damaged and was started afresh" : ""})`,
        );
      }),
    );

  group
    .command("unset")
    .description("forget a saved default")
    .argument("<key>", KEYS_HELP)
    .action(
      app.action(z.object({}), async (ctx, _opts, [rawKey]) => {
        const key = parseConfigKey(rawKey ?? "");
        const { config, damaged } = readOrEmpty(ctx.io.env);
        const had = key in config;
        const rest = Object.fromEntries(Object.entries(config).filter(([k]) => k !== key));
        const file = writeUserConfig(ctx.io.env, rest);
        ctx.out.result({ file, key, removed: had, replacedDamagedFile: damaged }, () =>
          had ? `${key} unset (in ${file})` : `${key} was not set (in ${file})`,
        );
      }),
    );
}

export default defineCommandGroup({
  name: "config",
  summary: "saved defaults for --network, --wallet, --hotkey and --wallets-dir (btcli config)",
  order: 95,
  aliases: ["conf", "c"],
  register,
});
