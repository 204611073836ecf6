import { WalletError } from "./errors.js";

/** Wallet and hotkey names become directory and file names: no separators, no leading dot, at most 64 chars. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Returns `name` if it is a safe wallet or hotkey name, or throws naming the value and the allowed form. */
export function checkName(kind: "wallet" | "hotkey", name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new WalletError(
      `invalid ${kind} name ${JSON.stringify(name)}: use 1-64 characters from A-Z a-z 0-9 . _ - starting with a letter or digit`,
    );
  }
  return name;
}
