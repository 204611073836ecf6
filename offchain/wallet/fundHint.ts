/** The command that gives a hotkey native coin for gas (one concept: that hint, with the names where known). */

/** `tao wallet fund-hotkey` for `wallet`'s `hotkey`; placeholders where the caller does not know the names. */
export function fundHotkeyCommand(wallet = "<w>", hotkey = "<h>"): string {
  return `tao wallet fund-hotkey --wallet-name ${wallet} --wallet-hotkey ${hotkey}`;
}

/** `message` with the placeholder fund-hotkey command, if it holds one, naming `wallet` and `hotkey`. */
export function withWalletNames(message: string, wallet: string, hotkey: string): string {
  return message.replaceAll(fundHotkeyCommand(), fundHotkeyCommand(wallet, hotkey));
}
