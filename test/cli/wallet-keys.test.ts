// `tao wallet regen-coldkeypub`, `sign`, `verify` and `change-password`, run in-process (no chain needed).
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Wallet } from "ethers";
import { recoverMessageAddress, type Hex } from "viem";
import { tao, type CliRun } from "./support.js";

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "staple battery horse";
const ANVIL_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const OTHER_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

function oneErrorLine(r: CliRun): string {
  assert.notEqual(r.code, 0, `expected a failure, got: ${r.stdout}`);
  const lines = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("warning: "));
  assert.equal(lines.length, 1, `exactly one error line, got: ${r.stderr}`);
  assert.match(lines[0] ?? "", /^error: /);
  return lines[0] ?? "";
}

interface Signed {
  wallet: string;
  signer: string;
  hotkey: string | null;
  address: string;
  message: string;
  signature: Hex;
}

describe("tao wallet regen-coldkeypub / sign / verify / change-password", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let noPassword: NodeJS.ProcessEnv;
  let alice: { coldkey: string; hotkey: string };

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-cli-wallet-keys-"));
    noPassword = {
      TAO_WALLETS_DIR: dir,
      TAO_KEYSTORE_SCRYPT_N: "1024",
      TAO_DEPLOYMENTS_DIR: path.join(dir, "no-deployments"),
    };
    env = { ...noPassword, TAO_PASSWORD: PASSWORD };
    const r = await tao(["--json", "wallet", "create", "--wallet", "alice"], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { coldkey: { address: string }; hotkey: { address: string } };
    alice = { coldkey: out.coldkey.address, hotkey: out.hotkey.address };
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("regen-coldkeypub writes a watch-only wallet that list and show mark as such", async () => {
    const r = await tao(["--json", "wallet", "regen-coldkeypub", "--wallet", "watch", "--address", ANVIL_ADDRESS], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out.address, ANVIL_ADDRESS);
    assert.equal(out.watchOnly, true);
    assert.equal(out.unchanged, false);
    assert.deepEqual(await fs.readdir(path.join(dir, "watch")), ["coldkeypub.txt"]);

    const shown = await tao(["--json", "wallet", "show", "--wallet", "watch"], env);
    const w = JSON.parse(shown.stdout) as Record<string, unknown>;
    assert.equal(w.coldkey, ANVIL_ADDRESS);
    assert.equal(w.encrypted, false);
    assert.equal(w.watchOnly, true);
    assert.deepEqual(w.problems, []);
    const human = await tao(["wallet", "show", "--wallet", "watch"], env);
    assert.match(
      human.stdout,
      /encrypted coldkey +│ none \(watch-only\): import it with `tao wallet import --wallet-name watch`/,
    );
    const list = await tao(["wallet", "list"], env);
    assert.match(list.stdout, new RegExp(`│ watch +│ ${ANVIL_ADDRESS} \\(watch-only\\) +│ \\(none\\)`));
    assert.doesNotMatch(list.stdout, new RegExp(`${alice.coldkey} \\(watch-only\\)`));
  });

  it("regen-coldkeypub: same address is a no-op, another needs --overwrite (and --yes), a bad checksum is refused", async () => {
    const same = await tao(["wallet", "regen-coldkeypub", "--wallet", "watch", "--address", ANVIL_ADDRESS], env);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, `Wallet watch already has coldkeypub.txt for ${ANVIL_ADDRESS}: nothing to do\n`);

    const other = await tao(["wallet", "regen-coldkeypub", "--wallet", "watch", "--address", OTHER_ADDRESS], env);
    assert.match(
      oneErrorLine(other),
      new RegExp(
        `^error: wallet watch already has coldkeypub\\.txt for ${ANVIL_ADDRESS} in .*, not ${OTHER_ADDRESS}: .*pass --overwrite`,
      ),
    );
    const key = await tao(["wallet", "regen-coldkeypub", "--wallet", "alice", "--address", ANVIL_ADDRESS], env);
    assert.match(oneErrorLine(key), /coldkey\.json for 0x[0-9a-fA-F]{40} .*coldkey\.json is moved aside/);
    assert.ok(await fs.stat(path.join(dir, "alice", "coldkey.json")));

    const unconfirmed = await tao(
      ["--json", "wallet", "regen-coldkeypub", "--wallet", "watch", "--address", OTHER_ADDRESS, "--overwrite"],
      env,
    );
    assert.match(oneErrorLine(unconfirmed), /not confirmed .*pass --yes/);
    const replaced = await tao(
      ["--json", "--yes", "wallet", "regen-coldkeypub", "--wallet", "watch", "--address", OTHER_ADDRESS, "--overwrite"],
      env,
    );
    assert.equal(replaced.code, 0, replaced.stderr);
    const out = JSON.parse(replaced.stdout) as { replaced: string; address: string };
    assert.equal(out.address, OTHER_ADDRESS);
    assert.equal((await fs.readFile(out.replaced, "utf8")).trim(), ANVIL_ADDRESS);
    // Put it back for the tests below.
    await tao(
      ["--yes", "wallet", "regen-coldkeypub", "--wallet", "watch", "--address", ANVIL_ADDRESS, "--overwrite"],
      env,
    );

    const badSum = ANVIL_ADDRESS.replace("f39F", "F39f");
    const bad = await tao(["wallet", "regen-coldkeypub", "--wallet", "x", "--address", badSum], env);
    assert.equal(
      oneErrorLine(bad),
      `error: --address ${badSum} has a wrong EIP-55 checksum (its mix of upper and lower case does not match its digits): copy the address again, or write it all in lower case`,
    );
    const short = await tao(["wallet", "regen-coldkeypub", "--wallet", "x", "--address", "0x1234"], env);
    assert.match(oneErrorLine(short), /--address "0x1234" is not an address: pass 0x and 40 hex digits/);
    await assert.rejects(fs.stat(path.join(dir, "x")), /ENOENT/);
  });

  it("a watch-only wallet cannot sign, send or change its password: the error says so before any password", async () => {
    const watchOnly =
      /^error: wallet watch has no coldkey\.json in .*, only coldkeypub\.txt for 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 \(watch-only\): import its coldkey with `tao wallet import --wallet-name watch`$/;
    for (const argv of [
      ["wallet", "sign", "--wallet", "watch", "--message", "hi"],
      ["wallet", "change-password", "--wallet", "watch"],
      ["wallet", "transfer", "--wallet", "watch", "--dest", OTHER_ADDRESS, "--amount", "1"],
      ["wallet", "fund-hotkey", "--wallet", "watch"],
    ]) {
      // No TAO_PASSWORD and no deployment: the watch-only check comes before both.
      const r = await tao(["--json", ...argv], noPassword);
      assert.equal(r.code, 1, argv.join(" "));
      assert.match(oneErrorLine(r), watchOnly, argv.join(" "));
      assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, "wallet");
    }
    // Reads get past the wallet: balance fails only at the (missing) deployment, not at the missing key.
    const balance = await tao(["--json", "wallet", "balance", "--wallet", "watch"], noPassword);
    assert.equal(balance.code, 1);
    assert.equal((JSON.parse(balance.stdout) as { error: { code: string } }).error.code, "deployment", balance.stderr);
  });

  it("sign uses the coldkey (its password) and prints a signature that recovers to it; verify says valid", async () => {
    const r = await tao(["--json", "wallet", "sign", "--wallet", "alice", "--message", "hello tao"], env);
    assert.equal(r.code, 0, r.stderr);
    const signed = JSON.parse(r.stdout) as Signed;
    assert.equal(signed.signer, "coldkey");
    assert.equal(signed.hotkey, null);
    assert.equal(signed.address, alice.coldkey);
    assert.match(signed.signature, /^0x[0-9a-f]{130}$/);
    assert.equal(await recoverMessageAddress({ message: "hello tao", signature: signed.signature }), alice.coldkey);

    const verified = await tao(
      [
        "--json",
        "wallet",
        "verify",
        "--message",
        "hello tao",
        "--signature",
        signed.signature,
        "--address",
        alice.coldkey,
      ],
      noPassword,
    );
    assert.equal(verified.code, 0, verified.stderr);
    assert.deepEqual(JSON.parse(verified.stdout), {
      valid: true,
      address: alice.coldkey,
      message: "hello tao",
      signature: signed.signature,
    });
    const human = await tao(
      [
        "wallet",
        "verify",
        "--message",
        "hello tao",
        "--signature",
        signed.signature,
        "--address",
        alice.coldkey.toLowerCase(),
      ],
      noPassword,
    );
    assert.equal(human.stdout, `valid: ${alice.coldkey} signed this message\n`);

    const people = await tao(["wallet", "sign", "--wallet", "alice", "--message", "hello tao"], env);
    assert.match(people.stdout, new RegExp(`^signature: ${signed.signature}$`, "m"), "deterministic (RFC 6979)");
  });

  it("sign with --use-hotkey or --hotkey needs no password; the coldkey does", async () => {
    const r = await tao(
      ["--json", "wallet", "sign", "--wallet", "alice", "--use-hotkey", "--message", "m"],
      noPassword,
    );
    assert.equal(r.code, 0, r.stderr);
    const signed = JSON.parse(r.stdout) as Signed;
    assert.deepEqual([signed.signer, signed.hotkey, signed.address], ["hotkey", "default", alice.hotkey]);
    assert.equal(await recoverMessageAddress({ message: "m", signature: signed.signature }), alice.hotkey);
    const named = await tao(
      ["--json", "wallet", "sign", "--wallet", "alice", "--hotkey", "default", "--message", "m"],
      noPassword,
    );
    assert.equal((JSON.parse(named.stdout) as Signed).address, alice.hotkey);
    const absent = await tao(["wallet", "sign", "--wallet", "alice", "--hotkey", "nope", "--message", "m"], noPassword);
    assert.match(oneErrorLine(absent), /no hotkey nope .*tao wallet new-hotkey/);

    const cold = await tao(["--json", "wallet", "sign", "--wallet", "alice", "--message", "m"], noPassword);
    assert.match(oneErrorLine(cold), /^error: no password for wallet alice: set TAO_PASSWORD/);
    const wrong = await tao(["wallet", "sign", "--wallet", "alice", "--message", "m"], {
      ...env,
      TAO_PASSWORD: "not it at all",
    });
    assert.match(oneErrorLine(wrong), /^error: wrong password for wallet alice \(coldkey\.json\): /);
    assert.equal(wrong.stdout, "");
    const empty = await tao(["wallet", "sign", "--wallet", "alice", "--message", ""], env);
    assert.equal(oneErrorLine(empty), "error: --message is empty: pass the text to sign");
  });

  it("verify exits 1 naming the recovered and expected addresses when invalid, and checks the signature's form", async () => {
    const r = await tao(["--json", "wallet", "sign", "--wallet", "alice", "--use-hotkey", "--message", "a"], env);
    const { signature } = JSON.parse(r.stdout) as Signed;

    const wrongAddress = await tao(
      ["--json", "wallet", "verify", "--message", "a", "--signature", signature, "--address", alice.coldkey],
      env,
    );
    assert.equal(wrongAddress.code, 1);
    assert.equal(
      oneErrorLine(wrongAddress),
      `error: invalid signature: it recovers to ${alice.hotkey}, not the expected --address ${alice.coldkey}: check the address, the signature and that --message is exactly the signed text`,
    );
    assert.equal((JSON.parse(wrongAddress.stdout) as { error: { code: string } }).error.code, "failed");

    const otherMessage = await tao(
      ["wallet", "verify", "--message", "b", "--signature", signature, "--address", alice.hotkey],
      env,
    );
    assert.match(
      oneErrorLine(otherMessage),
      new RegExp(
        `^error: invalid signature: it recovers to 0x[0-9a-fA-F]{40}, not the expected --address ${alice.hotkey}`,
      ),
    );
    assert.doesNotMatch(otherMessage.stderr, new RegExp(`recovers to ${alice.hotkey}`));

    const cases: [string, RegExp][] = [
      ["0xzz", /^error: --signature "0xzz" is not 0x-prefixed hex: pass the 0x… signature `tao wallet sign` printed$/],
      [signature.slice(2), /is not 0x-prefixed hex/],
      [
        signature.slice(0, -2),
        /^error: --signature 0x[0-9a-f]{128} has 128 hex digits, not 130 \(65 bytes: r, s and v\)/,
      ],
      [`${signature}00`, /has 132 hex digits, not 130/],
      [
        `${signature.slice(0, -2)}05`,
        /ends in v = 0x05, not 1b or 1c \(27 or 28\): it is not a personal_sign signature/,
      ],
      [
        `0x${"f".repeat(128)}1b`,
        /^error: --signature 0xf+1b is not a valid secp256k1 signature \(.*\): pass the one `tao wallet sign` printed$/,
      ],
    ];
    for (const [sig, expected] of cases) {
      const bad = await tao(["wallet", "verify", "--message", "a", "--signature", sig, "--address", alice.hotkey], env);
      assert.equal(bad.code, 1, sig);
      assert.match(oneErrorLine(bad), expected, sig);
    }
    const badAddress = await tao(
      ["wallet", "verify", "--message", "a", "--signature", signature, "--address", "0xabc"],
      env,
    );
    assert.match(oneErrorLine(badAddress), /^error: --address "0xabc" is not an address/);
  });

  it("change-password re-encrypts coldkey.json: the new password opens it, the old one no longer does", async () => {
    const file = path.join(dir, "alice", "coldkey.json");
    const r = await tao(["--json", "wallet", "change-password", "--wallet", "alice"], {
      ...env,
      TAO_NEW_PASSWORD: NEW_PASSWORD,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      wallet: "alice",
      address: alice.coldkey,
      file,
      mnemonic: true,
      verified: true,
    });
    assert.equal(
      (await Wallet.fromEncryptedJson(await fs.readFile(file, "utf8"), NEW_PASSWORD)).address,
      alice.coldkey,
    );
    if (process.platform !== "win32") assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(
      (await fs.readdir(path.join(dir, "alice"))).filter((f) => f.includes(".replaced-") || f.includes(".tmp-")),
      [],
      "the keystore under the old password is not kept",
    );
    const old = await tao(["wallet", "sign", "--wallet", "alice", "--message", "m"], env);
    assert.match(oneErrorLine(old), /wrong password for wallet alice/);
    const renewed = await tao(["--json", "wallet", "sign", "--wallet", "alice", "--message", "m"], {
      ...env,
      TAO_PASSWORD: NEW_PASSWORD,
    });
    assert.equal((JSON.parse(renewed.stdout) as Signed).address, alice.coldkey);
  });

  it("change-password refuses a wrong current password, a missing, short or unchanged new one, leaving the file", async () => {
    const file = path.join(dir, "alice", "coldkey.json");
    const before = await fs.readFile(file, "utf8");
    const now = { ...env, TAO_PASSWORD: NEW_PASSWORD };
    const cases: [NodeJS.ProcessEnv, string | RegExp][] = [
      [{ ...env, TAO_NEW_PASSWORD: "a third password" }, /^error: wrong password for wallet alice \(coldkey\.json\): /],
      [
        now,
        "error: no new password for wallet alice: set TAO_NEW_PASSWORD (prompts are off with --json or without a terminal)",
      ],
      [{ ...now, TAO_NEW_PASSWORD: "short" }, "error: the password for wallet alice is 5 characters; use at least 8"],
      [
        { ...now, TAO_NEW_PASSWORD: NEW_PASSWORD },
        "error: the new password for wallet alice is the current one: choose another",
      ],
      [noPassword, /^error: no password for wallet alice: set TAO_PASSWORD/],
    ];
    for (const [e, expected] of cases) {
      const r = await tao(["wallet", "change-password", "--wallet", "alice"], e);
      assert.equal(r.code, 1);
      if (typeof expected === "string") assert.equal(oneErrorLine(r), expected);
      else assert.match(oneErrorLine(r), expected);
      assert.equal(await fs.readFile(file, "utf8"), before);
    }
    const ghost = await tao(["wallet", "change-password", "--wallet", "ghost"], now);
    assert.match(oneErrorLine(ghost), /^error: no wallet ghost in .*tao wallet create --wallet-name ghost/);
  });
});
