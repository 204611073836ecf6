import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { HDNodeWallet, Mnemonic, Wallet } from "ethers";
import { getAddress, isAddress, isAddressEqual, type Address, type PrivateKeyAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { WalletError } from "./errors.js";
import { hotkeyFileSchema, type HotkeyFile } from "./hotkey-file.js";
import { decryptKey, encryptKey } from "./keystore.js";
import { checkName } from "./names.js";
import { hotkeyPath, walletPaths } from "./paths.js";
import {
  fileExists,
  isErrno,
  PUBLIC_FILE_MODE,
  replacedPath,
  SECRET_FILE_MODE,
  writeFileAtomic,
} from "./secure-file.js";
import { DEFAULT_DERIVATION_PATH, signerFromSecret, type ImportSecret } from "./secret.js";

/** Shortest password accepted for a new coldkey. */
export const MIN_PASSWORD_LENGTH = 8;

/** Word counts a new mnemonic may have (BIP-39). */
export const MNEMONIC_WORD_COUNTS = [12, 15, 18, 21, 24] as const;
export type MnemonicWords = (typeof MNEMONIC_WORD_COUNTS)[number];

/** A key just written: its address, where it lives and, when generated from one, its mnemonic (shown once). */
export interface WrittenKey {
  readonly name: string;
  readonly address: Address;
  readonly file: string;
  readonly mnemonic: string | null;
  /** Where the key it replaced was kept (only with `overwrite`). */
  readonly replaced: string | null;
}

export interface WalletCreated {
  readonly wallet: string;
  readonly dir: string;
  readonly coldkey: WrittenKey;
  readonly hotkey: WrittenKey | null;
}

export interface HotkeySummary {
  readonly name: string;
  readonly address: Address | null;
  readonly file: string;
  /** Why the address could not be read, when it could not. */
  readonly problem: string | null;
}

export interface WalletSummary {
  readonly name: string;
  readonly dir: string;
  /** From coldkeypub.txt (readable without the password); null when missing or damaged. */
  readonly coldkey: Address | null;
  /** Whether coldkey.json (the encrypted key) is present. */
  readonly hasColdkey: boolean;
  /** coldkeypub.txt without coldkey.json (btcli's regen_coldkeypub): reads work, signing needs the key imported. */
  readonly watchOnly: boolean;
  readonly hotkeys: readonly HotkeySummary[];
  readonly problems: readonly string[];
}

export interface CreateWalletOptions {
  readonly name: string;
  readonly password: string;
  /** Also create this hotkey (btcli's `wallet create` makes both); null for a coldkey only. */
  readonly hotkey?: string | null;
  readonly words?: MnemonicWords;
  readonly overwrite?: boolean;
}

export interface ImportWalletOptions {
  readonly name: string;
  readonly password: string;
  readonly secret: ImportSecret;
  readonly overwrite?: boolean;
}

export interface CreateHotkeyOptions {
  readonly name: string;
  readonly hotkey: string;
  /** Regenerate an existing hotkey from its key material instead of generating a new one. */
  readonly secret?: ImportSecret;
  readonly words?: MnemonicWords;
  readonly overwrite?: boolean;
}

export interface RegenColdkeypubOptions {
  readonly name: string;
  /** The coldkey's address (EIP-55 checksummed or all one case). */
  readonly address: string;
  /** Replace a coldkeypub.txt or coldkey.json of another address (both kept as `<file>.replaced-<time>`). */
  readonly overwrite?: boolean;
}

export interface ColdkeypubWritten {
  readonly wallet: string;
  readonly dir: string;
  readonly address: Address;
  /** coldkeypub.txt. */
  readonly file: string;
  /** No coldkey.json beside it: the wallet can read but not sign. */
  readonly watchOnly: boolean;
  /** coldkeypub.txt already held this address and no other key was there: nothing was written. */
  readonly unchanged: boolean;
  /** Where the replaced coldkeypub.txt was kept (only with `overwrite`). */
  readonly replaced: string | null;
  /** Where the coldkey.json of another address was moved (only with `overwrite`). */
  readonly replacedColdkey: string | null;
}

export interface ChangePasswordOptions {
  readonly name: string;
  /** The current password. */
  readonly password: string;
  /** The new password, or a function asked for it once the current one has unlocked the key. */
  readonly newPassword: string | (() => Promise<string>);
}

export interface PasswordChanged {
  readonly wallet: string;
  readonly address: Address;
  /** coldkey.json, re-encrypted and decrypted again with the new password to check it. */
  readonly file: string;
  /** Whether the keystore holds the mnemonic (kept, encrypted with the new password). */
  readonly mnemonic: boolean;
}

/**
 * Wallets on disk, in btcli's layout:
 *   <walletsDir>/<name>/coldkey.json        encrypted JSON keystore (scrypt), mode 0600
 *   <walletsDir>/<name>/coldkeypub.txt      the coldkey address, mode 0644
 *   <walletsDir>/<name>/hotkeys/<hk>.json   unencrypted hotkey (address, key, mnemonic), mode 0600
 */
export class WalletStore {
  constructor(
    readonly walletsDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Generates a coldkey (and by default a `default` hotkey) for a new wallet. */
  async createWallet(options: CreateWalletOptions): Promise<WalletCreated> {
    const hotkey = options.hotkey === undefined ? "default" : options.hotkey;
    checkNewPassword(options.password);
    const signer = randomSigner(options.words ?? 12);
    const hotSigner = hotkey === null ? null : randomSigner(options.words ?? 12);
    const paths = walletPaths(this.walletsDir, options.name);
    await this.refuseExisting(options.name, paths.coldkey, "a coldkey", options.overwrite);
    await this.refuseOtherWatchOnly(options.name, signer.address, options.overwrite);
    if (hotkey !== null) {
      await this.refuseExisting(
        options.name,
        hotkeyPath(this.walletsDir, options.name, hotkey),
        `hotkey ${hotkey}`,
        options.overwrite,
      );
    }
    // All or nothing: a failure part-way removes what this call wrote, so no coldkey is left whose mnemonic was
    // never shown. The hotkey goes first, so even a failed clean-up cannot leave such a coldkey behind.
    return this.writeAll(paths.dir, async (log) => {
      const hot =
        hotSigner === null || hotkey === null
          ? null
          : await this.writeHotkey(options.name, hotkey, hotSigner, options.overwrite ?? false, log);
      const coldkey = await this.writeColdkey(options.name, signer, options.password, options.overwrite ?? false, log);
      return { wallet: options.name, dir: paths.dir, coldkey, hotkey: hot };
    });
  }

  /** Imports an existing coldkey from a private key or mnemonic (btcli's `regen_coldkey`). */
  async importWallet(options: ImportWalletOptions): Promise<WalletCreated> {
    checkNewPassword(options.password);
    const signer = signerFromSecret(options.secret);
    const paths = walletPaths(this.walletsDir, options.name);
    await this.refuseExisting(options.name, paths.coldkey, "a coldkey", options.overwrite);
    await this.refuseOtherWatchOnly(options.name, signer.address, options.overwrite);
    const coldkey = await this.writeAll(paths.dir, (log) =>
      this.writeColdkey(options.name, signer, options.password, options.overwrite ?? false, log),
    );
    return { wallet: options.name, dir: paths.dir, coldkey: { ...coldkey, mnemonic: null }, hotkey: null };
  }

  /** Adds a hotkey to a wallet: generated, or regenerated from `secret` (btcli's `new_hotkey` / `regen_hotkey`). */
  async createHotkey(options: CreateHotkeyOptions): Promise<WrittenKey> {
    const paths = walletPaths(this.walletsDir, options.name);
    if (!(await fileExists(paths.dir))) {
      throw new WalletError(
        `no wallet ${options.name} in ${this.walletsDir}: create it first with \`tao wallet create --wallet-name ${options.name}\` or check --wallets-dir`,
      );
    }
    const file = hotkeyPath(this.walletsDir, options.name, options.hotkey);
    await this.refuseExisting(options.name, file, `hotkey ${options.hotkey}`, options.overwrite);
    const signer = options.secret ? signerFromSecret(options.secret) : randomSigner(options.words ?? 12);
    const written = await this.writeAll(paths.dir, (log) =>
      this.writeHotkey(options.name, options.hotkey, signer, options.overwrite ?? false, log),
    );
    return options.secret ? { ...written, mnemonic: null } : written;
  }

  /**
   * Writes coldkeypub.txt alone (btcli's `regen_coldkeypub`): a watch-only wallet whose balance, overview and
   * stake can be read without the key. A coldkeypub.txt or coldkey.json of another address is refused unless
   * `overwrite`, which keeps both as `<file>.replaced-<time>` (the coldkey.json is moved aside, so the wallet
   * becomes watch-only); the same address again changes nothing.
   */
  async regenColdkeypub(options: RegenColdkeypubOptions): Promise<ColdkeypubWritten> {
    if (!isAddress(options.address, { strict: true }) && !/^0x[0-9A-F]{40}$/.test(options.address)) {
      throw new WalletError(
        `${JSON.stringify(options.address)} is not an EIP-55 address: pass 0x and 40 hex digits, checksummed or all lower case`,
      );
    }
    const address = getAddress(options.address);
    const paths = walletPaths(this.walletsDir, options.name);
    const pub = await readAddressFile(paths.coldkeypub);
    const key = await keystoreAddress(paths.coldkey);
    const conflicts: string[] = [];
    if (pub !== null && pub !== address)
      conflicts.push(`coldkeypub.txt ${pub === "unreadable" ? "that holds no address" : `for ${pub}`}`);
    if (key !== null && key !== address)
      conflicts.push(`coldkey.json ${key === "unreadable" ? "whose address cannot be read" : `for ${key}`}`);
    const base = { wallet: options.name, dir: paths.dir, address, file: paths.coldkeypub, watchOnly: key === null };
    if (pub === address && conflicts.length === 0) {
      return { ...base, unchanged: true, replaced: null, replacedColdkey: null };
    }
    if (conflicts.length > 0 && !options.overwrite) {
      throw new WalletError(
        `wallet ${options.name} already has ${conflicts.join(" and ")} in ${paths.dir}, not ${address}: ` +
          `choose another --wallet, or pass --overwrite (the old files are kept as <file>.replaced-<time>` +
          `${key !== null && key !== address ? "; coldkey.json is moved aside, so the wallet becomes watch-only" : ""})`,
      );
    }
    return this.writeAll(paths.dir, async (log) => {
      // The key of another address goes aside first: a failure after it is undone, a crash leaves it beside.
      const replacedColdkey = key !== null && key !== address ? await log.moveAside(paths.coldkey) : undefined;
      const replaced = await log.write(paths.coldkeypub, `${address}\n`, PUBLIC_FILE_MODE, true);
      return {
        ...base,
        watchOnly: key === null || replacedColdkey !== undefined,
        unchanged: false,
        replaced: replaced ?? null,
        replacedColdkey: replacedColdkey ?? null,
      };
    });
  }

  /**
   * Re-encrypts the coldkey with a new password: decrypts coldkey.json with the current one, encrypts the same
   * key (and mnemonic) again, writes it atomically (temporary file, fsync, rename; mode 0600) and decrypts the
   * written file with the new password to check it holds the same address. Any failure puts the old file back.
   * The old keystore is not kept: it would still open with the old password.
   */
  async changePassword(options: ChangePasswordOptions): Promise<PasswordChanged> {
    const { name } = options;
    const paths = walletPaths(this.walletsDir, name);
    await this.requireColdkey(name);
    const json = await readText(paths.coldkey, `wallet ${name} has no coldkey.json in ${paths.dir}`);
    const key = await decryptKey(json, options.password, `wallet ${name} (coldkey.json)`);
    const address = getAddress(key.address);
    await this.checkColdkeypub(name, address);
    const signer = key.mnemonic?.path
      ? HDNodeWallet.fromPhrase(key.mnemonic.phrase, undefined, key.mnemonic.path)
      : new Wallet(key.privateKey);
    if (signer.address !== address) {
      throw new WalletError(
        `wallet ${name}: the mnemonic in coldkey.json derives ${signer.address}, not its key's ${address}: nothing was changed; restore coldkey.json from a backup`,
      );
    }
    const newPassword = typeof options.newPassword === "string" ? options.newPassword : await options.newPassword();
    checkNewPassword(newPassword);
    if (newPassword === options.password) {
      throw new WalletError(`the new password for wallet ${name} is the current one: choose another`);
    }
    const encrypted = await encryptKey(signer, newPassword, this.env);
    await this.writeAll(paths.dir, async (log) => {
      await log.write(paths.coldkey, encrypted, SECRET_FILE_MODE, true, { dropBackup: true });
      const written = await decryptKey(
        await fs.readFile(paths.coldkey, "utf8"),
        newPassword,
        `wallet ${name} (the re-encrypted coldkey.json)`,
      );
      if (!isAddressEqual(written.address as Address, address)) {
        throw new WalletError(
          `wallet ${name}: the re-encrypted coldkey.json opens to ${getAddress(written.address)}, not ${address}: the old file was put back and the password is unchanged; run the command again`,
        );
      }
    });
    return { wallet: name, address, file: paths.coldkey, mnemonic: key.mnemonic !== undefined };
  }

  /**
   * Fails unless the wallet has coldkey.json: a watch-only wallet (coldkeypub.txt alone) is told to import its
   * key. Call it before asking for the password, so nobody types one for a wallet that cannot sign.
   */
  async requireColdkey(name: string): Promise<void> {
    const paths = walletPaths(this.walletsDir, name);
    await this.requireWalletDir(name);
    if (await fileExists(paths.coldkey)) return;
    if (await fileExists(paths.coldkeypub)) {
      const pub = await readAddressFile(paths.coldkeypub);
      const only = pub === null || pub === "unreadable" ? "" : `, only coldkeypub.txt for ${pub}`;
      // A watch-only wallet (coldkeypub.txt alone) needs its own key imported, not a new one created.
      throw new WalletError(
        `wallet ${name} has no coldkey.json in ${paths.dir}${only} (watch-only): import its coldkey with \`tao wallet import --wallet-name ${name}\``,
      );
    }
    throw new WalletError(
      `wallet ${name} has no coldkey (neither coldkey.json nor coldkeypub.txt in ${paths.dir}): ` +
        `import it with \`tao wallet import --wallet-name ${name}\` or create one with \`tao wallet create --wallet-name ${name}\``,
    );
  }

  /** Every wallet in the directory, sorted by name; an absent directory has none. */
  async listWallets(): Promise<WalletSummary[]> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(this.walletsDir, { withFileTypes: true });
    } catch (e) {
      if (isErrno(e, "ENOENT")) return [];
      throw new WalletError(`cannot read wallets directory ${this.walletsDir}: ${errorText(e)}`);
    }
    const names = entries
      .filter((d) => d.isDirectory() && isSafeName(d.name))
      .map((d) => d.name)
      .sort();
    const out: WalletSummary[] = [];
    for (const name of names) {
      const summary = await this.summarize(name);
      if (summary.hasColdkey || summary.coldkey !== null || summary.hotkeys.length > 0) out.push(summary);
    }
    return out;
  }

  /** One wallet's addresses (no password needed). */
  async showWallet(name: string): Promise<WalletSummary> {
    const paths = walletPaths(this.walletsDir, name);
    if (!(await fileExists(paths.dir))) {
      throw new WalletError(
        `no wallet ${name} in ${this.walletsDir}: run \`tao wallet list\` to see the wallets, or check --wallets-dir / TAO_WALLETS_DIR`,
      );
    }
    return this.summarize(name);
  }

  /** The coldkey address from coldkeypub.txt, without the password. */
  async coldkeyAddress(name: string): Promise<Address> {
    const paths = walletPaths(this.walletsDir, name);
    await this.requireWalletDir(name);
    // The key may well be there: never point at --overwrite, which would make a new one.
    const missing = (await fileExists(paths.coldkey))
      ? `wallet ${name} has coldkey.json but no coldkeypub.txt at ${paths.coldkeypub}: restore it from a backup, ` +
        'or write the coldkey\'s address (the "address" field of coldkey.json, with 0x) into it'
      : `wallet ${name} has no coldkey (neither coldkey.json nor coldkeypub.txt in ${paths.dir}): ` +
        `import it with \`tao wallet import --wallet-name ${name}\``;
    const text = await readText(paths.coldkeypub, missing);
    return parseAddress(text.trim(), `${paths.coldkeypub}`);
  }

  /** Decrypts the coldkey. A wrong password is a one-line `wrong password for wallet <name> (coldkey.json): ...`. */
  async loadColdkey(name: string, password: string): Promise<PrivateKeyAccount> {
    const paths = walletPaths(this.walletsDir, name);
    await this.requireColdkey(name);
    const json = await readText(paths.coldkey, `wallet ${name} has no coldkey.json in ${paths.dir}`);
    const key = await decryptKey(json, password, `wallet ${name} (coldkey.json)`);
    const account = privateKeyToAccount(key.privateKey);
    await this.checkColdkeypub(name, account.address);
    return account;
  }

  /** Fails when coldkeypub.txt names another address than the coldkey's. */
  private async checkColdkeypub(name: string, address: Address): Promise<void> {
    if (!(await fileExists(walletPaths(this.walletsDir, name).coldkeypub))) return;
    const pub = await this.coldkeyAddress(name);
    if (pub !== address) {
      throw new WalletError(
        `wallet ${name}: coldkey.json holds ${address} but coldkeypub.txt says ${pub}: restore the matching pair from a backup`,
      );
    }
  }

  /**
   * A new coldkey for a watch-only wallet must be the key it watches: another one (a typo'd import, `create`)
   * would silently replace the only record of the watched address. `overwrite` keeps that record beside it.
   */
  private async refuseOtherWatchOnly(name: string, address: string, overwrite: boolean | undefined): Promise<void> {
    const paths = walletPaths(this.walletsDir, name);
    if (overwrite || (await fileExists(paths.coldkey))) return;
    const pub = await readAddressFile(paths.coldkeypub);
    if (pub === null || pub === getAddress(address)) return;
    throw new WalletError(
      `wallet ${name} is watch-only for ${pub === "unreadable" ? "an unreadable coldkeypub.txt" : pub}, not ${getAddress(address)}: ` +
        `import the key of ${pub === "unreadable" ? "that address" : pub} with \`tao wallet import --wallet-name ${name}\`, choose another --wallet-name, ` +
        "or pass --overwrite (the old file is kept as coldkeypub.txt.replaced-<time>)",
    );
  }

  /** Reads a hotkey (unencrypted). Refuses a file that group or others can read, like ssh does. */
  async loadHotkey(name: string, hotkey: string): Promise<PrivateKeyAccount> {
    const hot = await this.readHotkeyFile(name, hotkey);
    const account = privateKeyToAccount(hot.privateKey);
    if (account.address !== hot.address) {
      throw new WalletError(
        `hotkey ${hotkey} of wallet ${name}: its privateKey belongs to ${account.address}, not the recorded ${hot.address}: the file is corrupt; regenerate it`,
      );
    }
    return account;
  }

  private async readHotkeyFile(name: string, hotkey: string): Promise<HotkeyFile> {
    const file = hotkeyPath(this.walletsDir, name, hotkey);
    await this.requireWalletDir(name);
    const text = await readText(
      file,
      `wallet ${name} has no hotkey ${hotkey} at ${file}: create it with \`tao wallet new-hotkey --wallet-name ${name} --wallet-hotkey ${hotkey}\``,
    );
    if (process.platform !== "win32") {
      const mode = (await fs.stat(file)).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new WalletError(
          `hotkey file ${file} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}): run \`chmod 600 ${file}\``,
        );
      }
    }
    return parseHotkeyFile(text, file);
  }

  /** Fails with `no wallet <name> in <dir>` and how to make one, when the wallet's directory is absent. */
  private async requireWalletDir(name: string): Promise<void> {
    if (await fileExists(walletPaths(this.walletsDir, name).dir)) return;
    throw new WalletError(
      `no wallet ${name} in ${this.walletsDir}: create it with \`tao wallet create --wallet-name ${name}\` ` +
        `or \`tao wallet import --wallet-name ${name}\`, or check --wallets-dir / TAO_WALLETS_DIR (\`tao wallet list\` shows the wallets)`,
    );
  }

  /**
   * Runs `write` with a log of the files it writes; when it fails, puts back what it replaced, removes what it
   * created (and the wallet's directories, where it created them and they are empty again) and rethrows.
   */
  private async writeAll<T>(dir: string, write: (log: WriteLog) => Promise<T>): Promise<T> {
    const dirs = [path.join(dir, "hotkeys"), dir];
    const existed = await Promise.all(dirs.map((d) => fileExists(d)));
    const log = new WriteLog();
    try {
      const result = await write(log);
      await log.commit();
      return result;
    } catch (e) {
      await log.undo();
      // rmdir removes only an empty directory: never anything this call did not create.
      for (const [i, d] of dirs.entries()) if (!existed[i]) await fs.rmdir(d).catch(() => undefined);
      throw e;
    }
  }

  private async summarize(name: string): Promise<WalletSummary> {
    const paths = walletPaths(this.walletsDir, name);
    const problems: string[] = [];
    let coldkey: Address | null = null;
    if (await fileExists(paths.coldkeypub)) {
      try {
        coldkey = await this.coldkeyAddress(name);
      } catch (e) {
        problems.push(errorText(e));
      }
    }
    const hasColdkey = await fileExists(paths.coldkey);
    if (hasColdkey && coldkey === null && problems.length === 0)
      problems.push(`coldkeypub.txt is missing from ${paths.dir}`);
    const watchOnly = !hasColdkey && coldkey !== null;
    const hotkeys: HotkeySummary[] = [];
    let files: string[] = [];
    try {
      files = (await fs.readdir(paths.hotkeysDir)).filter((f) => f.endsWith(".json")).sort();
    } catch (e) {
      if (!isErrno(e, "ENOENT")) problems.push(`cannot read ${paths.hotkeysDir}: ${errorText(e)}`);
    }
    for (const f of files) {
      const hk = f.slice(0, -".json".length);
      if (!isSafeName(hk)) continue;
      const file = path.join(paths.hotkeysDir, f);
      try {
        const parsed = parseHotkeyFile(await fs.readFile(file, "utf8"), file);
        hotkeys.push({ name: hk, address: parsed.address, file, problem: null });
      } catch (e) {
        hotkeys.push({ name: hk, address: null, file, problem: errorText(e) });
      }
    }
    return { name, dir: paths.dir, coldkey, hasColdkey, watchOnly, hotkeys, problems };
  }

  private async refuseExisting(
    wallet: string,
    file: string,
    what: string,
    overwrite: boolean | undefined,
  ): Promise<void> {
    if (!overwrite && (await fileExists(file))) {
      throw new WalletError(
        `wallet ${wallet} already has ${what} at ${file}: choose another name, or pass --overwrite (the old file is kept as ${path.basename(file)}.replaced-<time>)`,
      );
    }
  }

  private async writeColdkey(
    name: string,
    signer: Wallet | HDNodeWallet,
    password: string,
    overwrite: boolean,
    log: WriteLog,
  ): Promise<WrittenKey> {
    const paths = walletPaths(this.walletsDir, name);
    const json = await encryptKey(signer, password, this.env);
    // A watch-only wallet's coldkeypub.txt of another address is its only record of that address: kept.
    const pub = (await fileExists(paths.coldkey)) ? null : await readAddressFile(paths.coldkeypub);
    const watchedOther = pub !== null && pub !== getAddress(signer.address);
    const replaced = await log.write(paths.coldkey, json, SECRET_FILE_MODE, overwrite);
    // The public file's previous copy is worthless once the coldkey it described is replaced: dropped on success.
    const pubReplaced = await log.write(paths.coldkeypub, `${signer.address}\n`, PUBLIC_FILE_MODE, true, {
      dropBackup: !watchedOther,
    });
    return {
      name: "coldkey",
      address: getAddress(signer.address),
      file: paths.coldkey,
      mnemonic: mnemonicOf(signer),
      replaced: replaced ?? (watchedOther ? (pubReplaced ?? null) : null),
    };
  }

  private async writeHotkey(
    name: string,
    hotkey: string,
    signer: Wallet | HDNodeWallet,
    overwrite: boolean,
    log: WriteLog,
  ): Promise<WrittenKey> {
    const file = hotkeyPath(this.walletsDir, name, hotkey);
    const body: HotkeyFile = {
      version: 1,
      address: getAddress(signer.address),
      privateKey: signer.privateKey as `0x${string}`,
      mnemonic: mnemonicOf(signer),
      derivationPath: signer instanceof HDNodeWallet ? signer.path : null,
      createdAt: new Date().toISOString(),
    };
    const replaced = await log.write(file, `${JSON.stringify(body, null, 2)}\n`, SECRET_FILE_MODE, overwrite);
    return { name: hotkey, address: body.address, file, mnemonic: body.mnemonic, replaced: replaced ?? null };
  }
}

/** The files one wallet operation wrote, so a failure part-way can put the directory back as it was. */
class WriteLog {
  private readonly written: { file: string; backup: string | undefined; dropBackup: boolean }[] = [];

  /** {@link writeFileAtomic}, remembered; `dropBackup` removes the replaced copy once the operation succeeded. */
  async write(
    file: string,
    data: string,
    mode: number,
    replace: boolean,
    options: { dropBackup?: boolean } = {},
  ): Promise<string | undefined> {
    const backup = await writeFileAtomic(file, data, mode, replace);
    this.written.push({ file, backup, dropBackup: options.dropBackup ?? false });
    return backup;
  }

  /** Moves `file` aside to `<file>.replaced-<time>` (never over an existing file); undone by moving it back. */
  async moveAside(file: string): Promise<string> {
    const backup = replacedPath(file);
    await fs.link(file, backup); // fails rather than replace an existing file
    await fs.rm(file);
    this.written.push({ file, backup, dropBackup: false });
    return backup;
  }

  async commit(): Promise<void> {
    for (const w of this.written) if (w.dropBackup && w.backup) await fs.rm(w.backup, { force: true });
  }

  /** Best effort, newest first: the caller rethrows the error that made it undo. */
  async undo(): Promise<void> {
    for (const w of [...this.written].reverse()) {
      await (w.backup ? fs.rename(w.backup, w.file) : fs.rm(w.file, { force: true })).catch(() => undefined);
    }
  }
}

function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new WalletError(
      `the coldkey password is ${password.length} characters; use at least ${MIN_PASSWORD_LENGTH} (it is the only protection of coldkey.json)`,
    );
  }
}

function randomSigner(words: MnemonicWords): HDNodeWallet {
  if (!MNEMONIC_WORD_COUNTS.includes(words)) {
    throw new WalletError(
      `--words ${String(words)} is not a BIP-39 length: use one of ${MNEMONIC_WORD_COUNTS.join(", ")}`,
    );
  }
  // 12 words = 128 bits of entropy; every 3 more words add 32 bits.
  const mnemonic = Mnemonic.fromEntropy(randomBytes((words / 3) * 4));
  return HDNodeWallet.fromMnemonic(mnemonic, DEFAULT_DERIVATION_PATH);
}

function mnemonicOf(signer: Wallet | HDNodeWallet): string | null {
  return signer instanceof HDNodeWallet && signer.mnemonic !== null ? signer.mnemonic.phrase : null;
}

function isSafeName(name: string): boolean {
  try {
    checkName("wallet", name);
    return true;
  } catch {
    return false;
  }
}

function parseAddress(text: string, file: string): Address {
  if (!isAddress(text, { strict: false })) {
    throw new WalletError(`${file} does not hold a 0x address: recreate it from the coldkey (tao wallet import)`);
  }
  return getAddress(text);
}

/** A file's text: null when there is no such file, "unreadable" when it cannot be read. */
async function readOptionalText(file: string): Promise<string | "unreadable" | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (e) {
    return isErrno(e, "ENOENT") ? null : "unreadable";
  }
}

/** The address in a coldkeypub.txt: null when there is no such file, "unreadable" when it holds no address. */
async function readAddressFile(file: string): Promise<Address | "unreadable" | null> {
  const text = await readOptionalText(file);
  if (text === null || text === "unreadable") return text;
  const trimmed = text.trim();
  return isAddress(trimmed, { strict: false }) ? getAddress(trimmed) : "unreadable";
}

/** The `address` field of a JSON keystore, read without its password; null without the file. */
async function keystoreAddress(file: string): Promise<Address | "unreadable" | null> {
  const text = await readOptionalText(file);
  if (text === null || text === "unreadable") return text;
  try {
    const raw = (JSON.parse(text) as { address?: unknown }).address;
    if (typeof raw !== "string") return "unreadable";
    const hex = raw.startsWith("0x") ? raw : `0x${raw}`;
    return isAddress(hex, { strict: false }) ? getAddress(hex) : "unreadable";
  } catch {
    return "unreadable";
  }
}

function parseHotkeyFile(text: string, file: string): HotkeyFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WalletError(`hotkey file ${file} is not valid JSON: restore it or regenerate the hotkey`);
  }
  const parsed = hotkeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WalletError(
      `hotkey file ${file}: field ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is invalid"}: restore it or regenerate the hotkey`,
    );
  }
  return parsed.data;
}

async function readText(file: string, missing: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (e) {
    if (isErrno(e, "ENOENT")) throw new WalletError(missing);
    throw new WalletError(`cannot read ${file}: ${errorText(e)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
