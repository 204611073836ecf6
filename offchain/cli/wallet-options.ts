import type { Command } from "commander";
import { z } from "zod";

/** Environment variables giving the default `--wallet-name` / `--wallet-hotkey` (btcli's `--wallet.name`/`.hotkey`). */
export const WALLET_NAME_ENV = "TAO_WALLET_NAME";
export const WALLET_HOTKEY_ENV = "TAO_WALLET_HOTKEY";

/**
 * Adds `--wallet-name` (and with `hotkey`, `--wallet-hotkey`) to a command. Every command that signs uses
 * these, so `tao stake add --wallet-name alice --wallet-hotkey miner1` reads like btcli.
 */
export function addWalletOptions(cmd: Command, options: { hotkey: boolean }): Command {
  // Both spellings everywhere (`--wallet` / `--hotkey` as the chain commands, the miner and the validator take).
  cmd.option("--wallet, --wallet-name <name>", `wallet (default: $${WALLET_NAME_ENV} or "default")`);
  if (options.hotkey)
    cmd.option(
      "--hotkey, --wallet-hotkey <name>",
      `hotkey of the wallet (default: $${WALLET_HOTKEY_ENV} or "default")`,
    );
  return cmd;
}

export const walletOptionsSchema = z.object({
  walletName: z.string().min(1).optional(),
  walletHotkey: z.string().min(1).optional(),
});

/** The wallet and hotkey names after flags, then environment, then `default`. */
export function resolveWalletNames(
  opts: z.output<typeof walletOptionsSchema>,
  env: NodeJS.ProcessEnv,
): { wallet: string; hotkey: string } {
  return {
    wallet: opts.walletName ?? (env[WALLET_NAME_ENV] || "default"),
    hotkey: opts.walletHotkey ?? (env[WALLET_HOTKEY_ENV] || "default"),
  };
}
