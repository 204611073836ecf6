import { HDNodeWallet, Mnemonic, Wallet } from "ethers";
import { WalletError } from "./errors.js";

/** Key material to import: a raw secp256k1 private key or a BIP-39 mnemonic (derived at `path`). */
export type ImportSecret =
  | { readonly kind: "privateKey"; readonly privateKey: string }
  | { readonly kind: "mnemonic"; readonly phrase: string; readonly path?: string };

/** Environment variable read by `tao wallet import` / `new-hotkey --import` when no flag gives the secret. */
export const IMPORT_SECRET_ENV = "TAO_IMPORT_SECRET";

/** The derivation path used for mnemonics: BIP-44 Ethereum account 0 (MetaMask's first account). */
export const DEFAULT_DERIVATION_PATH = "m/44'/60'/0'/0/0";

const PRIVATE_KEY_PATTERN = /^(0x)?[0-9a-fA-F]{64}$/;

/** Tells a private key (64 hex digits) from a mnemonic (words). Error messages never echo the secret. */
export function parseSecret(input: string): ImportSecret {
  const text = input.trim();
  if (PRIVATE_KEY_PATTERN.test(text)) {
    return { kind: "privateKey", privateKey: text.startsWith("0x") ? text : `0x${text}` };
  }
  return { kind: "mnemonic", phrase: text };
}

/** Builds the signer for a secret, or throws a one-line error that describes (not repeats) the bad input. */
export function signerFromSecret(secret: ImportSecret): Wallet | HDNodeWallet {
  if (secret.kind === "privateKey") {
    if (!PRIVATE_KEY_PATTERN.test(secret.privateKey)) {
      throw new WalletError(
        "the private key is not 64 hex digits (optionally 0x-prefixed): check the value you pasted",
      );
    }
    try {
      return new Wallet(secret.privateKey);
    } catch {
      throw new WalletError("the private key is outside the secp256k1 range (zero or >= n): it is not a valid key");
    }
  }
  const phrase = secret.phrase.trim().toLowerCase().split(/\s+/).join(" ");
  // One run of hex digits is a private key cut short or padded, not a one-word mnemonic: say so (its length only).
  const hex = /^(0x)?([0-9a-f]+)$/.exec(phrase);
  if (hex && (hex[1] !== undefined || hex[2]!.length >= 16)) {
    throw new WalletError(
      `the secret looks like a private key with ${hex[2]!.length} hex digits; a private key has 64 (optionally 0x-prefixed): check the value you pasted`,
    );
  }
  const words = phrase === "" ? 0 : phrase.split(" ").length;
  if (![12, 15, 18, 21, 24].includes(words)) {
    throw new WalletError(
      `the mnemonic has ${words} words; a BIP-39 mnemonic has 12, 15, 18, 21 or 24 (or give a 64-hex-digit private key)`,
    );
  }
  if (!Mnemonic.isValidMnemonic(phrase)) {
    throw new WalletError(
      `the ${words}-word mnemonic fails the BIP-39 wordlist/checksum check: look for a misspelt or swapped word`,
    );
  }
  return HDNodeWallet.fromPhrase(phrase, undefined, secret.path ?? DEFAULT_DERIVATION_PATH);
}
