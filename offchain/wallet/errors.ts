/**
 * An expected wallet failure (missing wallet, wrong password, bad input). The message is one line that names
 * the offending value and says how to fix it; it never contains key material.
 */
export class WalletError extends Error {
  override readonly name = "WalletError";
}
