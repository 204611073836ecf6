import { encryptKeystoreJson, HDNodeWallet, isError, Wallet, type KeystoreAccount } from "ethers";
import { WalletError } from "./errors.js";

/**
 * TESTS ONLY: overrides the keystore's scrypt work factor N (a power of two). Unset, keystores use ethers'
 * default N = 2^17 (the Web3 Secret Storage default), which takes about a second per unlock on purpose.
 * Test suites set it to e.g. 1024 so creating and unlocking wallets is fast; never set it for real keys.
 */
export const SCRYPT_N_ENV = "TAO_KEYSTORE_SCRYPT_N";

/** The key material inside a decrypted keystore. */
export interface DecryptedKey {
  readonly address: string;
  readonly privateKey: `0x${string}`;
  readonly mnemonic?: { readonly phrase: string; readonly path: string };
}

/** The scrypt N from `TAO_KEYSTORE_SCRYPT_N`, or undefined for ethers' default. */
export function scryptOverride(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[SCRYPT_N_ENV];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 2 || n > 2 ** 20 || (n & (n - 1)) !== 0) {
    throw new WalletError(
      `${SCRYPT_N_ENV}=${JSON.stringify(raw)} is not a power of two in 2..1048576: unset it (tests only) to use the default 131072`,
    );
  }
  return n;
}

/**
 * Encrypts a key as a Web3 Secret Storage (v3) JSON keystore, the format of ethers `Wallet.encrypt`, geth and
 * MetaMask: scrypt key derivation, AES-128-CTR, keccak MAC. An HD wallet's mnemonic is stored encrypted too.
 */
export async function encryptKey(
  signer: Wallet | HDNodeWallet,
  password: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const n = scryptOverride(env);
  if (n === undefined) return signer.encrypt(password);
  const account: KeystoreAccount = { address: signer.address, privateKey: signer.privateKey };
  if (signer instanceof HDNodeWallet && signer.mnemonic !== null) {
    account.mnemonic = { entropy: signer.mnemonic.entropy, path: signer.path ?? undefined, locale: "en" };
  }
  return encryptKeystoreJson(account, password, { scrypt: { N: n } });
}

/**
 * Decrypts a JSON keystore. `label` names it in errors (e.g. `wallet alice (coldkey.json)`). A wrong password
 * becomes `wrong password for <label>: ...`; a damaged file says so.
 */
export async function decryptKey(json: string, password: string, label: string): Promise<DecryptedKey> {
  let signer: Wallet | HDNodeWallet;
  try {
    signer = await Wallet.fromEncryptedJson(json, password);
  } catch (e) {
    if (isError(e, "INVALID_ARGUMENT") && e.argument === "password") {
      throw new WalletError(
        `wrong password for ${label}: the keystore MAC does not match; retype it or fix TAO_PASSWORD`,
      );
    }
    const reason = isError(e, "INVALID_ARGUMENT") ? e.shortMessage : e instanceof Error ? e.message : String(e);
    throw new WalletError(
      `${label} is not a readable JSON keystore (${reason}): restore it from a backup or re-import the key`,
    );
  }
  const mnemonic =
    signer instanceof HDNodeWallet && signer.mnemonic !== null
      ? { phrase: signer.mnemonic.phrase, path: signer.path ?? "" }
      : undefined;
  return { address: signer.address, privateKey: signer.privateKey as `0x${string}`, mnemonic };
}
