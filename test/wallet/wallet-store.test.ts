import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { encryptKeystoreJson, HDNodeWallet, Wallet } from "ethers";
import { WalletStore } from "../../offchain/wallet/wallet-store.js";

// Fast scrypt for tests only (see offchain/wallet/keystore.ts); passed explicitly, never set on process.env.
const ENV = { TAO_KEYSTORE_SCRYPT_N: "1024" };
const PASSWORD = "correct horse battery";
// Anvil/Hardhat account 0: the "test ... junk" mnemonic at m/44'/60'/0'/0/0.
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ANVIL_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

async function mode(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777;
}

describe("WalletStore", () => {
  let dir: string;
  let store: WalletStore;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-wallets-"));
    store = new WalletStore(path.join(dir, "wallets"), ENV);
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("creates a wallet in btcli's layout with owner-only key files", async () => {
    const created = await store.createWallet({ name: "alice", password: PASSWORD });
    const wdir = path.join(dir, "wallets", "alice");
    assert.equal(created.dir, wdir);
    assert.equal((await fs.readFile(path.join(wdir, "coldkeypub.txt"), "utf8")).trim(), created.coldkey.address);
    assert.equal(created.hotkey?.name, "default");
    if (process.platform !== "win32") {
      assert.equal(await mode(path.join(wdir, "coldkey.json")), 0o600);
      assert.equal(await mode(path.join(wdir, "hotkeys", "default.json")), 0o600);
      assert.equal(await mode(path.join(wdir, "hotkeys")), 0o700);
      assert.equal(await mode(wdir), 0o700);
    }
    // The mnemonic shown once really derives the coldkey (BIP-44 account 0, as in MetaMask).
    assert.equal(created.coldkey.mnemonic?.split(" ").length, 12);
    assert.equal(HDNodeWallet.fromPhrase(created.coldkey.mnemonic ?? "").address, created.coldkey.address);
    assert.notEqual(created.hotkey?.address, created.coldkey.address);
    // The hotkey file is plain JSON whose key matches its address.
    const hot = JSON.parse(await fs.readFile(path.join(wdir, "hotkeys", "default.json"), "utf8")) as Record<
      string,
      string
    >;
    assert.equal(new Wallet(hot.privateKey ?? "").address, created.hotkey?.address);
  });

  it("writes a standard scrypt keystore that plain ethers decrypts to the same address", async () => {
    const file = path.join(dir, "wallets", "alice", "coldkey.json");
    const json = await fs.readFile(file, "utf8");
    const parsed = JSON.parse(json) as { Crypto: { kdf: string; kdfparams: { n: number } } };
    assert.equal(parsed.Crypto.kdf, "scrypt");
    assert.equal(parsed.Crypto.kdfparams.n, 1024);
    const decrypted = await Wallet.fromEncryptedJson(json, PASSWORD);
    assert.equal(decrypted.address, await store.coldkeyAddress("alice"));
  });

  it("uses the full-strength scrypt N = 2^17 unless the test-only variable is set", async () => {
    const strong = new WalletStore(path.join(dir, "strong"), {});
    const created = await strong.createWallet({ name: "s", password: PASSWORD, hotkey: null });
    const parsed = JSON.parse(await fs.readFile(created.coldkey.file, "utf8")) as {
      Crypto: { kdfparams: { n: number } };
    };
    assert.equal(parsed.Crypto.kdfparams.n, 131072);
  });

  it("unlocks the coldkey as a viem account with the right password", async () => {
    const account = await store.loadColdkey("alice", PASSWORD);
    assert.equal(account.address, await store.coldkeyAddress("alice"));
    const signature = await account.signMessage({ message: "hello" });
    assert.match(signature, /^0x[0-9a-f]{130}$/);
  });

  it("rejects a wrong password with one line naming the wallet and file", async () => {
    await assert.rejects(store.loadColdkey("alice", "not the password"), (e: Error) => {
      assert.match(e.message, /^wrong password for wallet alice \(coldkey\.json\): /);
      assert.doesNotMatch(e.message, /\n/);
      assert.doesNotMatch(e.message, /not the password/);
      return true;
    });
  });

  it("reads a keystore written by ethers itself", async () => {
    const json = await encryptKeystoreJson({ address: ANVIL_ADDRESS, privateKey: ANVIL_KEY }, PASSWORD, {
      scrypt: { N: 1024 },
    });
    const wdir = path.join(dir, "wallets", "external");
    await fs.mkdir(wdir, { recursive: true });
    await fs.writeFile(path.join(wdir, "coldkey.json"), json, { mode: 0o600 });
    await fs.writeFile(path.join(wdir, "coldkeypub.txt"), `${ANVIL_ADDRESS}\n`);
    assert.equal((await store.loadColdkey("external", PASSWORD)).address, ANVIL_ADDRESS);
  });

  it("refuses a coldkey.json that does not match coldkeypub.txt", async () => {
    const wdir = path.join(dir, "wallets", "external");
    await fs.writeFile(path.join(wdir, "coldkeypub.txt"), `${await store.coldkeyAddress("alice")}\n`);
    await assert.rejects(
      store.loadColdkey("external", PASSWORD),
      /coldkey\.json holds 0xf39F.* but coldkeypub\.txt says/,
    );
    await fs.rm(wdir, { recursive: true });
  });

  it("imports the same account from a private key and from its mnemonic", async () => {
    const fromKey = await store.importWallet({
      name: "bykey",
      password: PASSWORD,
      secret: { kind: "privateKey", privateKey: ANVIL_KEY },
    });
    const fromWords = await store.importWallet({
      name: "bywords",
      password: PASSWORD,
      secret: { kind: "mnemonic", phrase: ANVIL_MNEMONIC },
    });
    assert.equal(fromKey.coldkey.address, ANVIL_ADDRESS);
    assert.equal(fromWords.coldkey.address, ANVIL_ADDRESS);
    assert.equal(fromKey.coldkey.mnemonic, null, "an import never echoes the secret back");
    assert.equal((await store.loadColdkey("bywords", PASSWORD)).address, ANVIL_ADDRESS);
  });

  it("rejects bad import material without repeating it", async () => {
    const bad = "test test test test test test test test test test test test";
    await assert.rejects(
      store.importWallet({ name: "bad", password: PASSWORD, secret: { kind: "mnemonic", phrase: bad } }),
      (e: Error) => /checksum/.test(e.message) && !e.message.includes("test test"),
    );
    await assert.rejects(
      store.importWallet({ name: "bad", password: PASSWORD, secret: { kind: "mnemonic", phrase: "one two three" } }),
      /the mnemonic has 3 words/,
    );
    await assert.rejects(
      store.importWallet({
        name: "bad",
        password: PASSWORD,
        secret: { kind: "privateKey", privateKey: `0x${"00".repeat(32)}` },
      }),
      /outside the secp256k1 range/,
    );
    // A private key one digit short is not "a mnemonic of 1 word": its length is named, never its digits.
    const short = ANVIL_KEY.slice(2, 65);
    for (const phrase of [short, `0x${short}`]) {
      await assert.rejects(
        store.importWallet({ name: "bad", password: PASSWORD, secret: { kind: "mnemonic", phrase } }),
        (e: Error) =>
          e.message ===
            "the secret looks like a private key with 63 hex digits; a private key has 64 (optionally 0x-prefixed): check the value you pasted" &&
          !e.message.includes(short),
      );
    }
  });

  it("refuses short passwords, unsafe names and silent overwrites", async () => {
    await assert.rejects(store.createWallet({ name: "weak", password: "short" }), /at least 8/);
    await assert.rejects(
      store.createWallet({ name: "../escape", password: PASSWORD }),
      /invalid wallet name "\.\.\/escape"/,
    );
    await assert.rejects(
      store.createWallet({ name: "alice", password: PASSWORD }),
      /already has a coldkey at .*pass --overwrite/,
    );
  });

  it("overwrites only when asked and keeps the old keystore beside the new one", async () => {
    const before = await store.coldkeyAddress("bykey");
    const replaced = await store.createWallet({ name: "bykey", password: PASSWORD, hotkey: null, overwrite: true });
    assert.notEqual(replaced.coldkey.address, before);
    assert.ok(replaced.coldkey.replaced);
    const old = await Wallet.fromEncryptedJson(await fs.readFile(replaced.coldkey.replaced ?? "", "utf8"), PASSWORD);
    assert.equal(old.address, before);
    assert.equal(await store.coldkeyAddress("bykey"), replaced.coldkey.address);
  });

  it("adds, regenerates and loads hotkeys", async () => {
    const miner = await store.createHotkey({ name: "alice", hotkey: "miner1" });
    assert.equal((await store.loadHotkey("alice", "miner1")).address, miner.address);
    await assert.rejects(
      store.createHotkey({ name: "alice", hotkey: "miner1" }),
      /already has hotkey miner1 .*--overwrite/,
    );
    const regen = await store.createHotkey({
      name: "alice",
      hotkey: "miner1",
      secret: { kind: "privateKey", privateKey: ANVIL_KEY },
      overwrite: true,
    });
    assert.equal(regen.address, ANVIL_ADDRESS);
    assert.equal((await store.loadHotkey("alice", "miner1")).address, ANVIL_ADDRESS);
    await assert.rejects(
      store.createHotkey({ name: "nobody", hotkey: "x" }),
      /no wallet nobody in .*tao wallet create/,
    );
    await assert.rejects(
      store.loadHotkey("alice", "absent"),
      /no hotkey absent .*tao wallet new-hotkey --wallet-name alice --wallet-hotkey absent/,
    );
    // A wallet that does not exist is named as such, not as a missing hotkey.
    await assert.rejects(
      store.loadHotkey("nosuch", "miner1"),
      /no wallet nosuch in .*tao wallet create --wallet-name nosuch/,
    );
  });

  it("refuses a hotkey file other users can read", async () => {
    const file = path.join(dir, "wallets", "alice", "hotkeys", "default.json");
    await fs.chmod(file, 0o644);
    await assert.rejects(
      store.loadHotkey("alice", "default"),
      /readable by other users \(mode 0644\): run `chmod 600 /,
    );
    await fs.chmod(file, 0o600);
    await store.loadHotkey("alice", "default");
  });

  it("lists wallets sorted with their hotkeys and shows one", async () => {
    const list = await store.listWallets();
    assert.deepEqual(
      list.map((w) => w.name),
      ["alice", "bykey", "bywords"],
    );
    const alice = list[0];
    assert.ok(alice);
    assert.deepEqual(
      alice.hotkeys.map((h) => h.name),
      ["default", "miner1"],
    );
    assert.equal(alice.hasColdkey, true);
    assert.deepEqual(alice.problems, []);
    const shown = await store.showWallet("bywords");
    assert.equal(shown.coldkey, ANVIL_ADDRESS);
    assert.deepEqual(shown.hotkeys, []);
    await assert.rejects(store.showWallet("ghost"), /no wallet ghost in .*tao wallet list/);
  });

  it("reports a damaged hotkey file in the listing instead of failing", async () => {
    const file = path.join(dir, "wallets", "bywords", "hotkeys", "broken.json");
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, "{ not json", { mode: 0o600 });
    const shown = await store.showWallet("bywords");
    assert.equal(shown.hotkeys[0]?.address, null);
    assert.match(shown.hotkeys[0]?.problem ?? "", /not valid JSON/);
    await fs.rm(file);
  });

  it("names a missing wallet and, for a missing coldkeypub.txt beside its coldkey, never suggests --overwrite", async () => {
    const walletsDir = path.join(dir, "wallets");
    for (const call of [
      () => store.coldkeyAddress("nosuch"),
      () => store.loadColdkey("nosuch", PASSWORD),
      () => store.loadHotkey("nosuch", "default"),
    ]) {
      await assert.rejects(
        call(),
        (e: Error) =>
          e.message ===
          `no wallet nosuch in ${walletsDir}: create it with \`tao wallet create --wallet-name nosuch\` or ` +
            "`tao wallet import --wallet-name nosuch`, or check --wallets-dir / TAO_WALLETS_DIR (`tao wallet list` shows the wallets)",
      );
    }
    await store.createWallet({ name: "nopub", password: PASSWORD, hotkey: null });
    await fs.rm(path.join(walletsDir, "nopub", "coldkeypub.txt"));
    await assert.rejects(store.coldkeyAddress("nopub"), (e: Error) => {
      assert.match(e.message, /^wallet nopub has coldkey\.json but no coldkeypub\.txt at .*restore it from a backup/);
      assert.doesNotMatch(e.message, /overwrite|wallet create/);
      return true;
    });
    // A watch-only wallet (coldkeypub.txt only) is told to import its key, not to create a new one.
    await fs.mkdir(path.join(walletsDir, "watch"));
    await fs.writeFile(path.join(walletsDir, "watch", "coldkeypub.txt"), `${ANVIL_ADDRESS}\n`);
    await assert.rejects(
      store.loadColdkey("watch", PASSWORD),
      /^WalletError: wallet watch has no coldkey\.json in .* \(watch-only\): import its coldkey with `tao wallet import --wallet-name watch`$/,
    );
  });

  it("leaves no half wallet when a write fails part-way", async () => {
    const walletsDir = path.join(dir, "wallets");
    // The hotkey cannot be written (hotkeys/ is a file): nothing is written, not even the coldkey.
    await fs.mkdir(path.join(walletsDir, "half1"));
    await fs.writeFile(path.join(walletsDir, "half1", "hotkeys"), "");
    await assert.rejects(store.createWallet({ name: "half1", password: PASSWORD }));
    assert.deepEqual((await fs.readdir(path.join(walletsDir, "half1"))).sort(), ["hotkeys"]);
    // The last file (coldkeypub.txt) cannot be written: the coldkey and hotkey just written are removed again,
    // and the new wallet's directories with them.
    await fs.mkdir(path.join(walletsDir, "half2", "coldkeypub.txt"), { recursive: true });
    await assert.rejects(store.createWallet({ name: "half2", password: PASSWORD }));
    assert.deepEqual(await fs.readdir(path.join(walletsDir, "half2")), ["coldkeypub.txt"]);
    await fs.rm(path.join(walletsDir, "half2"), { recursive: true });
    // An overwrite that fails puts the replaced keys back.
    const before = await store.coldkeyAddress("alice");
    const hotBefore = (await store.loadHotkey("alice", "default")).address;
    const pub = path.join(walletsDir, "alice", "coldkeypub.txt");
    const realOpen = fs.open;
    // The disk fills up at the last file, coldkeypub.txt (fs.open is patched: root ignores permissions).
    fs.open = (async (...args: Parameters<typeof realOpen>) => {
      if (String(args[0]).startsWith(`${pub}.tmp-`)) throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
      return realOpen(...args);
    }) as typeof realOpen;
    try {
      await assert.rejects(store.createWallet({ name: "alice", password: PASSWORD, overwrite: true }), /ENOSPC/);
    } finally {
      fs.open = realOpen;
    }
    assert.equal((await fs.readFile(pub, "utf8")).trim(), before);
    assert.equal((await store.loadColdkey("alice", PASSWORD)).address, before);
    assert.equal((await store.loadHotkey("alice", "default")).address, hotBefore);
    assert.deepEqual(
      (await fs.readdir(path.join(walletsDir, "alice"))).filter((f) => f.includes(".replaced-") || f.includes(".tmp-")),
      [],
    );
  });

  it("has no wallets in a directory that does not exist", async () => {
    assert.deepEqual(await new WalletStore(path.join(dir, "nowhere"), ENV).listWallets(), []);
  });
});
