import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Wallet } from "ethers";
import { childEnv, tao, taoProcess } from "./support.js";

const PASSWORD = "correct horse battery";
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const ANVIL_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

interface KeyJson {
  name: string;
  address: string;
  file: string;
  mnemonic: string | null;
  replaced: string | null;
}

function oneErrorLine(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l !== "" && !l.startsWith("warning: "));
  assert.equal(lines.length, 1, `exactly one error line, got: ${stderr}`);
  assert.match(lines[0] ?? "", /^error: /);
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace without DEBUG=1");
  return lines[0] ?? "";
}

describe("tao wallet", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-cli-wallets-"));
    env = { TAO_WALLETS_DIR: dir, TAO_PASSWORD: PASSWORD, TAO_KEYSTORE_SCRYPT_N: "1024" };
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("create --json prints the keys and writes a keystore ethers can open", async () => {
    const r = await tao(["--json", "wallet", "create", "--wallet-name", "alice"], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { wallet: string; coldkey: KeyJson; hotkey: KeyJson };
    assert.equal(out.wallet, "alice");
    assert.equal(out.coldkey.file, path.join(dir, "alice", "coldkey.json"));
    assert.equal(out.hotkey.name, "default");
    assert.equal(out.coldkey.mnemonic?.split(" ").length, 12);
    const decrypted = await Wallet.fromEncryptedJson(await fs.readFile(out.coldkey.file, "utf8"), PASSWORD);
    assert.equal(decrypted.address, out.coldkey.address);
    assert.match(r.stderr, /warning: TAO_KEYSTORE_SCRYPT_N=1024 weakens/);
  });

  it("create for people shows a table and the mnemonics", async () => {
    const r = await tao(["wallet", "create", "--wallet-name", "bob", "--wallet-hotkey", "miner", "--words", "24"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created wallet bob/);
    assert.match(r.stdout, /│ hotkey miner +│ 0x[0-9a-fA-F]{40}/);
    assert.match(r.stdout, /Coldkey mnemonic .*\n  (\w+ ){23}\w+\n/);
  });

  it("import takes TAO_IMPORT_SECRET and derives anvil's first account", async () => {
    const r = await tao(["--json", "wallet", "import", "--wallet-name", "dev"], {
      ...env,
      TAO_IMPORT_SECRET: ANVIL_MNEMONIC,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { coldkey: KeyJson; hotkey: null };
    assert.equal(out.coldkey.address, ANVIL_ADDRESS);
    assert.equal(out.coldkey.mnemonic, null);
    assert.equal(out.hotkey, null);
  });

  it("new-hotkey adds a hotkey; show and list report it", async () => {
    const r = await tao(
      ["--json", "wallet", "new-hotkey", "--wallet-name", "alice", "--wallet-hotkey", "validator"],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const added = (JSON.parse(r.stdout) as { hotkey: KeyJson }).hotkey;
    const shown = await tao(["--json", "wallet", "show", "--wallet-name", "alice"], env);
    const w = JSON.parse(shown.stdout) as {
      coldkey: string;
      encrypted: boolean;
      hotkeys: { name: string; address: string }[];
    };
    assert.equal(w.encrypted, true);
    assert.deepEqual(
      w.hotkeys.map((h) => [h.name, h.address]),
      [
        ["default", w.hotkeys[0]?.address],
        ["validator", added.address],
      ],
    );
    const list = await tao(["wallet", "list"], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`│ alice +│ ${w.coldkey} +│ default `));
    assert.match(list.stdout, new RegExp(`│ +│ +│ validator +│ ${added.address}`));
    assert.match(list.stdout, /│ dev +│ 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 +│ \(none\)/);
  });

  it("new-hotkey --import regenerates a hotkey from TAO_IMPORT_SECRET", async () => {
    const r = await tao(
      ["--json", "wallet", "new-hotkey", "--import", "--wallet-name", "bob", "--wallet-hotkey", "dev"],
      {
        ...env,
        TAO_IMPORT_SECRET: ANVIL_MNEMONIC,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { hotkey: KeyJson }).hotkey.address, ANVIL_ADDRESS);
  });

  it("refuses to overwrite without --overwrite, and without --yes under --json", async () => {
    const again = await tao(["wallet", "create", "--wallet-name", "alice"], env);
    assert.equal(again.code, 1);
    assert.match(oneErrorLine(again.stderr), /^error: wallet alice already has a coldkey at .*pass --overwrite/);
    assert.equal(again.stdout, "");
    const unconfirmed = await tao(["--json", "wallet", "create", "--wallet-name", "alice", "--overwrite"], env);
    assert.equal(unconfirmed.code, 1);
    assert.match(oneErrorLine(unconfirmed.stderr), /not confirmed .*pass --yes to proceed/);
    const before = (await fs.readFile(path.join(dir, "alice", "coldkeypub.txt"), "utf8")).trim();
    const confirmed = await tao(
      ["--json", "--yes", "wallet", "create", "--wallet-name", "alice", "--overwrite", "--no-hotkey"],
      env,
    );
    assert.equal(confirmed.code, 0, confirmed.stderr);
    const out = JSON.parse(confirmed.stdout) as { coldkey: KeyJson; hotkey: null };
    assert.notEqual(out.coldkey.address, before);
    assert.match(out.coldkey.replaced ?? "", /coldkey\.json\.replaced-/);
    assert.equal(out.hotkey, null);
  });

  it("never prompts under --json: a missing password names TAO_PASSWORD", async () => {
    const { TAO_PASSWORD: _p, ...noPassword } = env;
    const r = await tao(["--json", "wallet", "create", "--wallet-name", "carol"], noPassword);
    assert.equal(r.code, 1);
    assert.equal(
      oneErrorLine(r.stderr),
      "error: no password for wallet carol: set TAO_PASSWORD (prompts are off with --json or without a terminal)",
    );
    await assert.rejects(fs.stat(path.join(dir, "carol")), /ENOENT/);
  });

  it("gives one-line errors for bad input", async () => {
    const words =
      /^error: option --words: "(13|abc)" is not a mnemonic length: use one of 12, 15, 18, 21, 24 \(see --help\)$/;
    const cases: [string[], RegExp, number?][] = [
      [["wallet", "show", "--wallet-name", "ghost"], /^error: no wallet ghost in .*tao wallet list/],
      [["wallet", "create", "--wallet-name", "../x"], /^error: invalid wallet name "\.\.\/x": use 1-64 characters/],
      [["wallet", "create", "--words", "13"], words],
      [["wallet", "create", "--words", "abc"], words],
      [["wallet", "frobnicate"], /^error: unknown command 'frobnicate'/, 2], // a usage error (commander's)
      [["--network", "mars", "emission"], /^error: unknown network "mars": use one of localhost/],
      [["wallet", "import", "--wallet-name", "z"], /^error: no key to import: set TAO_IMPORT_SECRET/],
    ];
    for (const [argv, expected, code = 1] of cases) {
      const r = await tao(argv, env);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.stderr}`);
      assert.match(oneErrorLine(r.stderr), expected, argv.join(" "));
    }
  });

  it("--wallets-dir wins over TAO_WALLETS_DIR", async () => {
    const other = path.join(dir, "elsewhere");
    const r = await tao(["--json", "--wallets-dir", other, "wallet", "list"], env);
    assert.deepEqual(JSON.parse(r.stdout), { walletsDir: other, wallets: [] });
  });

  it("`tao --json wallet list` through bin/tao.mjs prints JSON for scripts", async () => {
    const r = await taoProcess(["--json", "wallet", "list"], childEnv({ TAO_WALLETS_DIR: dir }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = JSON.parse(r.stdout) as { walletsDir: string; wallets: { name: string; coldkey: string }[] };
    assert.equal(out.walletsDir, dir);
    assert.deepEqual(
      out.wallets.map((w) => w.name),
      ["alice", "bob", "dev"],
    );
    assert.equal(out.wallets[2]?.coldkey, ANVIL_ADDRESS);
  });

  it("the launcher exits 1 with one line on error", async () => {
    const r = await taoProcess(["wallet", "show", "--wallet-name", "ghost"], childEnv({ TAO_WALLETS_DIR: dir }));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(oneErrorLine(r.stderr), /^error: no wallet ghost/);
  });
});
