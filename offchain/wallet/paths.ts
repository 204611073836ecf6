import os from "node:os";
import path from "node:path";
import { checkName } from "./names.js";

/** Environment variable that overrides the wallets directory (the `--wallets-dir` flag wins over it). */
export const WALLETS_DIR_ENV = "TAO_WALLETS_DIR";

/** Where wallets live unless told otherwise, like btcli's `~/.bittensor/wallets`. */
export const DEFAULT_WALLETS_DIR = path.join("~", ".bittensor-evm", "wallets");

/** Expands a leading `~` to the home directory and makes the path absolute. */
export function expandHome(p: string): string {
  if (p === "~") return os.homedir();
  if (p.startsWith("~/") || p.startsWith(`~${path.sep}`)) return path.join(os.homedir(), p.slice(2));
  return path.resolve(p);
}

/** The wallets directory: the flag, else `TAO_WALLETS_DIR`, else `~/.bittensor-evm/wallets`. */
export function resolveWalletsDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? (env[WALLETS_DIR_ENV] || undefined) ?? DEFAULT_WALLETS_DIR;
  return expandHome(chosen);
}

/** The files of one wallet (btcli layout: coldkey, coldkeypub.txt, hotkeys/). */
export interface WalletPaths {
  readonly dir: string;
  readonly coldkey: string;
  readonly coldkeypub: string;
  readonly hotkeysDir: string;
}

export function walletPaths(walletsDir: string, name: string): WalletPaths {
  const dir = path.join(walletsDir, checkName("wallet", name));
  return {
    dir,
    coldkey: path.join(dir, "coldkey.json"),
    coldkeypub: path.join(dir, "coldkeypub.txt"),
    hotkeysDir: path.join(dir, "hotkeys"),
  };
}

export function hotkeyPath(walletsDir: string, name: string, hotkey: string): string {
  return path.join(walletPaths(walletsDir, name).hotkeysDir, `${checkName("hotkey", hotkey)}.json`);
}
