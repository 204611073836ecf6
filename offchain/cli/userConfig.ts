/**
 * `tao`'s user configuration (btcli's `~/.bittensor/config.yml`): defaults for the network, the wallet, its
 * hotkey and the wallets directory, kept in `~/.bittensor-evm/config.json` (or `$TAO_CONFIG`) by `tao config`.
 * Precedence: a flag, then the environment variable, then this file, then the built-in default. The file feeds
 * the environment variables the commands already read (`withUserConfig`, in every `tao` command's action), so
 * every `tao` command follows it; the miner and the validator (`npm run miner` / `validator`) do not read it.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { NETWORK_NAMES } from "../chain/client.js";
import { writeFileAtomic } from "../util/atomicWrite.js";
import { checkName } from "../wallet/names.js";
import { expandHome, WALLETS_DIR_ENV } from "../wallet/paths.js";
import { fail } from "./errors.js";
import { WALLET_HOTKEY_ENV, WALLET_NAME_ENV } from "./wallet-options.js";

/** Environment variable giving the default `--network`. */
export const NETWORK_ENV = "TAO_NETWORK";

/** Environment variable naming another config file. */
export const CONFIG_ENV = "TAO_CONFIG";
export const DEFAULT_CONFIG_FILE = path.join("~", ".bittensor-evm", "config.json");

/** The settings, by the key `tao config set` takes, with the environment variable each one stands in for. */
export const CONFIG_KEYS = {
  network: NETWORK_ENV,
  wallet: WALLET_NAME_ENV,
  hotkey: WALLET_HOTKEY_ENV,
  "wallets-dir": WALLETS_DIR_ENV,
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;
export type UserConfig = Partial<Record<ConfigKey, string>>;

const configSchema = z
  .object({
    network: z.string().optional(),
    wallet: z.string().optional(),
    hotkey: z.string().optional(),
    "wallets-dir": z.string().optional(),
  })
  .strict();

export function configFile(env: NodeJS.ProcessEnv): string {
  return expandHome(env[CONFIG_ENV] || DEFAULT_CONFIG_FILE);
}

/** `key` as a config key, or a clear error listing them. */
export function parseConfigKey(raw: string): ConfigKey {
  const key = raw.trim().toLowerCase().replace(/_/g, "-");
  if (key in CONFIG_KEYS) return key as ConfigKey;
  fail(`unknown setting ${JSON.stringify(raw)}: use one of ${Object.keys(CONFIG_KEYS).join(", ")}`);
}

/** Checks `value` for `key` and returns it as stored (a wallets directory made absolute). */
export function checkConfigValue(key: ConfigKey, value: string): string {
  switch (key) {
    case "network":
      if (!(NETWORK_NAMES as readonly string[]).includes(value))
        fail(`network ${JSON.stringify(value)} is not known: use one of ${NETWORK_NAMES.join(", ")}`);
      return value;
    case "wallet":
    case "hotkey":
      try {
        return checkName(key, value);
      } catch (e) {
        fail((e as Error).message);
      }
    case "wallets-dir":
      if (value.trim() === "") fail("wallets-dir must not be empty: pass a directory");
      return expandHome(value);
  }
}

/** The config file's settings ({} when there is none); a damaged one is a clear error naming it and the fix. */
export function readUserConfig(env: NodeJS.ProcessEnv): UserConfig {
  const file = configFile(env);
  if (!existsSync(file)) return {};
  let parsed: UserConfig;
  try {
    parsed = configSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (e) {
    fail(
      `the tao config ${file} is not valid (${e instanceof z.ZodError ? (e.issues[0]?.message ?? "invalid") : (e as Error).message.split("\n")[0]}): fix it, or delete it and run \`tao config set\` again`,
    );
  }
  for (const [key, value] of Object.entries(parsed) as [ConfigKey, string][]) {
    try {
      checkConfigValue(key, value);
    } catch (e) {
      fail(
        `the tao config ${file}: ${(e as Error).message} (\`tao config set ${key} …\` or \`tao config unset ${key}\`)`,
      );
    }
  }
  return parsed;
}

export function writeUserConfig(env: NodeJS.ProcessEnv, config: UserConfig): string {
  const file = configFile(env);
  mkdirSync(path.dirname(file), { recursive: true });
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
  writeFileAtomic(file, `${JSON.stringify(sorted, null, 2)}\n`);
  return file;
}

/** `env` with the config file's settings under the variables they stand in for, where `env` sets none. */
export function withUserConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const config = readUserConfig(env);
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [key, value] of Object.entries(config) as [ConfigKey, string][]) {
    const name = CONFIG_KEYS[key];
    if (!out[name]) out[name] = value;
  }
  return out;
}
