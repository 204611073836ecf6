export { WalletError } from "./errors.js";
export { SCRYPT_N_ENV } from "./keystore.js";
export { checkName } from "./names.js";
export { DEFAULT_WALLETS_DIR, WALLETS_DIR_ENV, resolveWalletsDir, walletPaths, hotkeyPath } from "./paths.js";
export { NEW_PASSWORD_ENV, PASSWORD_ENV, readPassword, type PasswordRequest } from "./password.js";
export { DEFAULT_DERIVATION_PATH, IMPORT_SECRET_ENV, parseSecret, type ImportSecret } from "./secret.js";
export {
  MIN_PASSWORD_LENGTH,
  MNEMONIC_WORD_COUNTS,
  WalletStore,
  type ChangePasswordOptions,
  type ColdkeypubWritten,
  type HotkeySummary,
  type PasswordChanged,
  type RegenColdkeypubOptions,
  type MnemonicWords,
  type WalletCreated,
  type WalletSummary,
  type WrittenKey,
} from "./wallet-store.js";
