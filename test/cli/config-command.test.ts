import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { tao } from "./support.js";

/** A fresh config file path and the env that points `tao` at it (and at a wallets dir of its own). */
function fresh() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tao-config-"));
  const file = path.join(dir, "config.json");
  return { dir, file, env: { TAO_CONFIG: file, TAO_WALLETS_DIR: path.join(dir, "wallets") } as NodeJS.ProcessEnv };
}

const json = async (argv: string[], env: NodeJS.ProcessEnv) => {
  const r = await tao(["--json", ...argv], env);
  assert.equal(r.code, 0, `tao ${argv.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe("tao config (saved defaults, btcli config)", () => {
  it("set, show and unset round-trip through the file", async () => {
    const { file, env } = fresh();
    const set = await json(["config", "set", "network", "sepolia"], env);
    assert.equal(set.file, file);
    await json(["config", "set", "wallet", "alice"], env);
    await json(["config", "set", "HOTKEY", "validator1"], env); // keys in any case
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), {
      hotkey: "validator1",
      network: "sepolia",
      wallet: "alice",
    });
    const shown = await json(["config", "show"], env);
    assert.deepEqual(shown.config, { hotkey: "validator1", network: "sepolia", wallet: "alice" });
    const effective = shown.effective as Record<string, { value: string | null; source: string }>;
    assert.deepEqual(effective.network, { value: "sepolia", source: "config" });
    assert.equal(effective["wallets-dir"]?.source, "$TAO_WALLETS_DIR", "the environment wins over the file");
    const unset = await json(["config", "unset", "wallet"], env);
    assert.equal(unset.removed, true);
    assert.equal((await json(["config", "unset", "wallet"], env)).removed, false);
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { hotkey: "validator1", network: "sepolia" });
  });

  it("commands follow the saved defaults; the environment and flags win over them", async () => {
    const { dir, env } = fresh();
    const saved = path.join(dir, "saved-wallets");
    const noDirEnv = {
      TAO_CONFIG: env.TAO_CONFIG,
      TAO_PASSWORD: "correct horse battery",
      TAO_KEYSTORE_SCRYPT_N: "1024",
    };
    await json(["config", "set", "wallets-dir", saved], noDirEnv);
    await json(["config", "set", "wallet", "alice"], noDirEnv);
    // `wallet create` with no --wallet and no --wallets-dir: the saved name, in the saved directory.
    const created = await json(["wallet", "create", "--no-hotkey"], noDirEnv);
    assert.equal(created.wallet, "alice");
    assert.equal(created.dir, path.join(saved, "alice"));
    const listed = await json(["wallet", "list"], noDirEnv);
    assert.equal(listed.walletsDir, saved);
    assert.deepEqual(
      (listed.wallets as { name: string }[]).map((w) => w.name),
      ["alice"],
    );
    // The environment wins over the file, a flag over both.
    const other = path.join(dir, "other-wallets");
    const viaEnv = await json(["wallet", "list"], { ...noDirEnv, TAO_WALLETS_DIR: other });
    assert.equal(viaEnv.walletsDir, other, "$TAO_WALLETS_DIR wins over the file");
    const viaFlag = await json(["--wallets-dir", path.join(dir, "third"), "wallet", "list"], {
      ...noDirEnv,
      TAO_WALLETS_DIR: other,
    });
    assert.equal(viaFlag.walletsDir, path.join(dir, "third"), "--wallets-dir wins over both");
  });

  it("refuses unknown keys and bad values, naming them, and writes nothing", async () => {
    const { file, env } = fresh();
    const bad = async (argv: string[], pattern: RegExp) => {
      const r = await tao(argv, env);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, pattern);
    };
    await bad(
      ["config", "set", "colour", "blue"],
      /unknown setting "colour": use one of network, wallet, hotkey, wallets-dir/,
    );
    await bad(["config", "set", "network", "mainnet-ish"], /network "mainnet-ish" is not known: use one of/);
    await bad(["config", "set", "wallet", "../x"], /invalid wallet name "..\/x"/);
    assert.throws(() => readFileSync(file), /ENOENT/, "nothing written");
  });

  it("a damaged file stops other commands with its name and the fix; tao config repairs it", async () => {
    const { file, env } = fresh();
    writeFileSync(file, "{ not json");
    const r = await tao(["wallet", "list"], env);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`the tao config ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not valid .*fix it, or delete it`),
    );
    writeFileSync(file, JSON.stringify({ network: "nowhere" }));
    const r2 = await tao(["wallet", "list"], env);
    assert.match(r2.stderr, /network "nowhere" is not known.*tao config set network/);
    // The repair works under any spelling of the group, with global options before it.
    const set = await json(["--network", "localhost", "c", "set", "network", "localhost"], env);
    assert.equal(set.replacedDamagedFile, true);
    writeFileSync(file, "[]");
    assert.equal((await json(["conf", "unset", "wallet"], env)).replacedDamagedFile, true);
    // A global option's value that reads "config" does not exempt another command.
    writeFileSync(file, "{ not json");
    const r3 = await tao(["--wallets-dir", "config", "wallet", "list"], env);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /is not valid/);
    await json(["config", "set", "network", "localhost"], env);
    assert.equal((await tao(["--json", "wallet", "list"], env)).code, 0);
  });
});
