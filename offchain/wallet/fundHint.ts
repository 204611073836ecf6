/** The command that gives a hotkey native coin for gas (one concept: that hint, with the names where known). */

/** The names the hint takes, where the caller knows them. */
export interface FundHintNames {
  wallet: string;
  hotkey: string;
  /** The network the hotkey is on; left out of the command when unknown. */
  network?: string;
}

/** `tao wallet fund-hotkey` for `wallet`'s `hotkey` on `network`; placeholders where the caller lacks the names. */
export function fundHotkeyCommand(names: FundHintNames = { wallet: "<w>", hotkey: "<h>" }): string {
  const network = names.network === undefined ? "" : ` --network ${names.network}`;
  return `tao${network} wallet fund-hotkey --wallet-name ${names.wallet} --wallet-hotkey ${names.hotkey}`;
}

/** `message` with the placeholder fund-hotkey command, if it holds one, naming the wallet, hotkey and network. */
export function withWalletNames(message: string, names: FundHintNames): string {
  return message.replaceAll(fundHotkeyCommand(), fundHotkeyCommand(names));
}
