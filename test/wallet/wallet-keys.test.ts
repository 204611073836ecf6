// WalletStore's watch-only wallets (regenColdkeypub, requireColdkey) and password change (changePassword).
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { encryptKeystoreJson, HDNodeWallet, Wallet } from "ethers";
import { WalletStore } from "../../offchain/wallet/wallet-store.js";

const ENV = { TAO_KEYSTORE_SCRYPT_N: "1024" };
const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "staple battery horse";
const ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ANVIL_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const OTHER_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"; // anvil account 1

async function mode(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777;
}

/** Files of `dir` left by a write: temporary files and kept copies. */
async function leftovers(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((f) => f.includes(".tmp-") || f.includes(".replaced-")).sort();
}

describe("WalletStore watch-only wallets and password change", () => {
  let dir: string;
  let walletsDir: string;
  let store: WalletStore;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-wallet-keys-"));
    walletsDir = path.join(dir, "wallets");
    store = new WalletStore(walletsDir, ENV);
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("regenColdkeypub writes coldkeypub.txt alone; reads work, unlocking says watch-only", async () => {
    const w = await store.regenColdkeypub({ name: "watch", address: ANVIL_ADDRESS });
    assert.deepEqual(w, {
      wallet: "watch",
      dir: path.join(walletsDir, "watch"),
      address: ANVIL_ADDRESS,
      file: path.join(walletsDir, "watch", "coldkeypub.txt"),
      watchOnly: true,
      unchanged: false,
      replaced: null,
      replacedColdkey: null,
    });
    assert.deepEqual(await fs.readdir(w.dir), ["coldkeypub.txt"]);
    assert.equal(await fs.readFile(w.file, "utf8"), `${ANVIL_ADDRESS}\n`);
    if (process.platform !== "win32") {
      assert.equal(await mode(w.file), 0o644);
      assert.equal(await mode(w.dir), 0o700);
    }
    assert.equal(await store.coldkeyAddress("watch"), ANVIL_ADDRESS);
    const shown = await store.showWallet("watch");
    assert.equal(shown.watchOnly, true);
    assert.equal(shown.hasColdkey, false);
    assert.deepEqual(shown.problems, [], "watch-only is a kind of wallet, not a problem");
    const watchOnly =
      /^WalletError: wallet watch has no coldkey\.json in .*watch, only coldkeypub\.txt for 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 \(watch-only\): import its coldkey with `tao wallet import --wallet-name watch`$/;
    await assert.rejects(store.requireColdkey("watch"), watchOnly);
    await assert.rejects(store.loadColdkey("watch", PASSWORD), watchOnly);
    await assert.rejects(
      store.changePassword({ name: "watch", password: PASSWORD, newPassword: NEW_PASSWORD }),
      watchOnly,
    );
  });

  it("regenColdkeypub of the same address is a no-op; another address needs overwrite and keeps the old file", async () => {
    const file = path.join(walletsDir, "watch", "coldkeypub.txt");
    const statBefore = await fs.stat(file);
    const same = await store.regenColdkeypub({ name: "watch", address: ANVIL_ADDRESS.toLowerCase() });
    assert.equal(same.unchanged, true);
    assert.equal(same.address, ANVIL_ADDRESS);
    assert.equal((await fs.stat(file)).mtimeMs, statBefore.mtimeMs, "not rewritten");

    await assert.rejects(
      store.regenColdkeypub({ name: "watch", address: OTHER_ADDRESS }),
      (e: Error) =>
        e.message ===
        `wallet watch already has coldkeypub.txt for ${ANVIL_ADDRESS} in ${path.join(walletsDir, "watch")}, not ${OTHER_ADDRESS}: ` +
          "choose another --wallet, or pass --overwrite (the old files are kept as <file>.replaced-<time>)",
    );
    assert.equal(await store.coldkeyAddress("watch"), ANVIL_ADDRESS, "refused: unchanged");

    const replaced = await store.regenColdkeypub({ name: "watch", address: OTHER_ADDRESS, overwrite: true });
    assert.equal(replaced.unchanged, false);
    assert.match(replaced.replaced ?? "", /coldkeypub\.txt\.replaced-/);
    assert.equal((await fs.readFile(replaced.replaced ?? "", "utf8")).trim(), ANVIL_ADDRESS);
    assert.equal(await store.coldkeyAddress("watch"), OTHER_ADDRESS);
  });

  it("regenColdkeypub refuses a bad checksum and a wallet whose coldkey.json is another key", async () => {
    await assert.rejects(
      store.regenColdkeypub({ name: "x", address: ANVIL_ADDRESS.replace("f39F", "F39F") }),
      /is not an EIP-55 address: pass 0x and 40 hex digits, checksummed or all lower case/,
    );
    await assert.rejects(fs.stat(path.join(walletsDir, "x")), /ENOENT/);

    const created = await store.createWallet({ name: "full", password: PASSWORD, hotkey: null });
    await assert.rejects(
      store.regenColdkeypub({ name: "full", address: ANVIL_ADDRESS }),
      new RegExp(
        `^WalletError: wallet full already has coldkeypub\\.txt for ${created.coldkey.address} and coldkey\\.json for ${created.coldkey.address} .*not ${ANVIL_ADDRESS}: .*--overwrite .*coldkey\\.json is moved aside, so the wallet becomes watch-only\\)$`,
      ),
    );
    assert.equal((await store.loadColdkey("full", PASSWORD)).address, created.coldkey.address, "untouched");
    // Its own address again is a no-op, and keeps the key.
    const same = await store.regenColdkeypub({ name: "full", address: created.coldkey.address });
    assert.equal(same.unchanged, true);
    assert.equal(same.watchOnly, false);
    // With overwrite the other key is moved aside (recoverable), not deleted.
    const keyJson = await fs.readFile(created.coldkey.file, "utf8");
    const w = await store.regenColdkeypub({ name: "full", address: ANVIL_ADDRESS, overwrite: true });
    assert.equal(w.watchOnly, true);
    assert.match(w.replacedColdkey ?? "", /coldkey\.json\.replaced-/);
    assert.equal(await fs.readFile(w.replacedColdkey ?? "", "utf8"), keyJson);
    await assert.rejects(fs.stat(created.coldkey.file), /ENOENT/);
    assert.equal((await store.showWallet("full")).watchOnly, true);
  });

  it("regenColdkeypub restores a missing coldkeypub.txt beside its coldkey.json", async () => {
    const created = await store.createWallet({ name: "nopub", password: PASSWORD, hotkey: null });
    await fs.rm(path.join(walletsDir, "nopub", "coldkeypub.txt"));
    const w = await store.regenColdkeypub({ name: "nopub", address: created.coldkey.address });
    assert.equal(w.watchOnly, false);
    assert.equal(w.unchanged, false);
    assert.equal((await store.loadColdkey("nopub", PASSWORD)).address, created.coldkey.address);
  });

  it("import into a watch-only wallet takes only the watched key unless overwrite", async () => {
    await store.regenColdkeypub({ name: "w2", address: ANVIL_ADDRESS });
    const other = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // anvil account 1
    await assert.rejects(
      store.importWallet({ name: "w2", password: PASSWORD, secret: { kind: "privateKey", privateKey: other } }),
      new RegExp(
        `^WalletError: wallet w2 is watch-only for ${ANVIL_ADDRESS}, not ${OTHER_ADDRESS}: import the key of ${ANVIL_ADDRESS} with \`tao wallet import --wallet-name w2\`.*--overwrite`,
      ),
    );
    await assert.rejects(fs.stat(path.join(walletsDir, "w2", "coldkey.json")), /ENOENT/);
    await assert.rejects(store.createWallet({ name: "w2", password: PASSWORD }), /wallet w2 is watch-only for 0xf39F/);
    assert.deepEqual(await fs.readdir(path.join(walletsDir, "w2")), ["coldkeypub.txt"], "no hotkey left behind");
    const imported = await store.importWallet({
      name: "w2",
      password: PASSWORD,
      secret: { kind: "privateKey", privateKey: ANVIL_KEY },
    });
    assert.equal(imported.coldkey.address, ANVIL_ADDRESS);
    assert.equal((await store.showWallet("w2")).watchOnly, false);
    assert.deepEqual(await leftovers(path.join(walletsDir, "w2")), []);
    // Over another watched address, --overwrite keeps the watched coldkeypub.txt.
    await store.regenColdkeypub({ name: "w3", address: OTHER_ADDRESS });
    const over = await store.importWallet({
      name: "w3",
      password: PASSWORD,
      secret: { kind: "privateKey", privateKey: ANVIL_KEY },
      overwrite: true,
    });
    assert.match(over.coldkey.replaced ?? "", /coldkeypub\.txt\.replaced-/);
    assert.equal((await fs.readFile(over.coldkey.replaced ?? "", "utf8")).trim(), OTHER_ADDRESS);
  });

  it("changePassword re-encrypts the same key and mnemonic, mode 0600, and drops the old keystore", async () => {
    const created = await store.createWallet({ name: "pw", password: PASSWORD, hotkey: null });
    const asked: string[] = [];
    const changed = await store.changePassword({
      name: "pw",
      password: PASSWORD,
      newPassword: async () => {
        asked.push("new");
        return NEW_PASSWORD;
      },
    });
    assert.deepEqual(asked, ["new"]);
    assert.deepEqual(changed, {
      wallet: "pw",
      address: created.coldkey.address,
      file: created.coldkey.file,
      mnemonic: true,
    });
    const json = await fs.readFile(created.coldkey.file, "utf8");
    const opened = await Wallet.fromEncryptedJson(json, NEW_PASSWORD);
    assert.equal(opened.address, created.coldkey.address);
    assert.ok(opened instanceof HDNodeWallet);
    assert.equal(opened.mnemonic?.phrase, created.coldkey.mnemonic);
    await assert.rejects(Wallet.fromEncryptedJson(json, PASSWORD), /incorrect password/);
    if (process.platform !== "win32") assert.equal(await mode(created.coldkey.file), 0o600);
    assert.deepEqual(await leftovers(path.join(walletsDir, "pw")), []);
    assert.equal((await store.loadColdkey("pw", NEW_PASSWORD)).address, created.coldkey.address);
  });

  it("changePassword keeps a key without a mnemonic working", async () => {
    const json = await encryptKeystoreJson({ address: ANVIL_ADDRESS, privateKey: ANVIL_KEY }, PASSWORD, {
      scrypt: { N: 1024 },
    });
    const wdir = path.join(walletsDir, "plain");
    await fs.mkdir(wdir, { recursive: true });
    await fs.writeFile(path.join(wdir, "coldkey.json"), json, { mode: 0o600 });
    await fs.writeFile(path.join(wdir, "coldkeypub.txt"), `${ANVIL_ADDRESS}\n`);
    const changed = await store.changePassword({ name: "plain", password: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(changed.mnemonic, false);
    assert.equal((await store.loadColdkey("plain", NEW_PASSWORD)).address, ANVIL_ADDRESS);
  });

  it("changePassword refuses a wrong, short or unchanged password and leaves the file as it was", async () => {
    const file = path.join(walletsDir, "pw", "coldkey.json");
    const before = await fs.readFile(file, "utf8");
    let asked = false;
    await assert.rejects(
      store.changePassword({
        name: "pw",
        password: PASSWORD, // the old one: no longer right
        newPassword: async () => {
          asked = true;
          return "whatever password";
        },
      }),
      /^WalletError: wrong password for wallet pw \(coldkey\.json\): /,
    );
    assert.equal(asked, false, "the new password is asked only once the current one unlocked the key");
    await assert.rejects(
      store.changePassword({ name: "pw", password: NEW_PASSWORD, newPassword: "short" }),
      /the coldkey password is 5 characters; use at least 8/,
    );
    await assert.rejects(
      store.changePassword({ name: "pw", password: NEW_PASSWORD, newPassword: NEW_PASSWORD }),
      /^WalletError: the new password for wallet pw is the current one: choose another$/,
    );
    assert.equal(await fs.readFile(file, "utf8"), before);
    assert.deepEqual(await leftovers(path.join(walletsDir, "pw")), []);
  });

  it("changePassword puts the old file back when the write or its check fails", async () => {
    const file = path.join(walletsDir, "pw", "coldkey.json");
    const before = await fs.readFile(file, "utf8");
    const realRename = fs.rename;
    // The rename of the new keystore over coldkey.json fails (fs is patched: root ignores permissions).
    fs.rename = (async (...args: Parameters<typeof realRename>) => {
      if (String(args[0]).startsWith(`${file}.tmp-`)) throw Object.assign(new Error("EIO"), { code: "EIO" });
      return realRename(...args);
    }) as typeof realRename;
    try {
      await assert.rejects(
        store.changePassword({ name: "pw", password: NEW_PASSWORD, newPassword: "a third password" }),
        /EIO/,
      );
    } finally {
      fs.rename = realRename;
    }
    assert.equal(await fs.readFile(file, "utf8"), before);
    assert.deepEqual(await leftovers(path.join(walletsDir, "pw")), []);

    // The file read back after the write opens to another key: the check fails and the old file is put back.
    const realReadFile = fs.readFile;
    const otherJson = await encryptKeystoreJson({ address: ANVIL_ADDRESS, privateKey: ANVIL_KEY }, "a third password", {
      scrypt: { N: 1024 },
    });
    let reads = 0;
    fs.readFile = (async (...args: Parameters<typeof realReadFile>) => {
      if (String(args[0]) === file && ++reads === 2) return otherJson;
      return realReadFile(...args);
    }) as typeof realReadFile;
    try {
      await assert.rejects(
        store.changePassword({ name: "pw", password: NEW_PASSWORD, newPassword: "a third password" }),
        new RegExp(
          `^WalletError: wallet pw: the re-encrypted coldkey\\.json opens to ${ANVIL_ADDRESS}, not 0x[0-9a-fA-F]{40}: the old file was put back and the password is unchanged`,
        ),
      );
    } finally {
      fs.readFile = realReadFile;
    }
    assert.equal(reads, 2);
    assert.equal(await fs.readFile(file, "utf8"), before);
    assert.deepEqual(await leftovers(path.join(walletsDir, "pw")), []);
    await store.loadColdkey("pw", NEW_PASSWORD);
  });
});
