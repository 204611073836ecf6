import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { readHidden, readPassword } from "../../offchain/wallet/password.js";
import { parseSecret } from "../../offchain/wallet/secret.js";
import { scryptOverride } from "../../offchain/wallet/keystore.js";

/** A stand-in terminal: records raw-mode switches; `type()` delivers keystrokes. */
class FakeTty extends EventEmitter {
  readonly isTTY = true;
  isRaw = false;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.rawModes.push(mode);
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  private readonly queued: Buffer[] = [];
  private listening = false;
  type(text: string): void {
    this.emit("data", Buffer.from(text, "utf8"));
  }
  unshift(chunk: Buffer): void {
    this.queued.unshift(chunk);
  }
  override on(event: string, listener: (chunk: Buffer) => void): this {
    super.on(event, listener);
    // Like a paused stream, deliver what was pushed back once someone reads again.
    if (event === "data" && !this.listening) {
      this.listening = true;
      setImmediate(() => {
        this.listening = false;
        for (const chunk of this.queued.splice(0)) this.emit("data", chunk);
      });
    }
    return this;
  }
}

class Sink {
  text = "";
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe("password input", () => {
  it("takes TAO_PASSWORD without prompting, even when not interactive", async () => {
    const out = new Sink();
    const pw = await readPassword({
      wallet: "a",
      purpose: "unlock",
      interactive: false,
      env: { TAO_PASSWORD: "from env" },
      output: out,
    });
    assert.equal(pw, "from env");
    assert.equal(out.text, "");
  });

  it("never prompts under --json or without a terminal, and names the variable", async () => {
    const tty = new FakeTty();
    await assert.rejects(
      readPassword({ wallet: "alice", purpose: "unlock", interactive: false, env: {}, input: tty, output: new Sink() }),
      /^WalletError: no password for wallet alice: set TAO_PASSWORD \(prompts are off with --json or without a terminal\)$/,
    );
    assert.deepEqual(tty.rawModes, [], "the terminal was never touched");
  });

  it("reads a hidden line: nothing echoed, Backspace edits, escape sequences dropped, raw mode restored", async () => {
    const tty = new FakeTty();
    const out = new Sink();
    const pending = readHidden("Password: ", tty, out);
    tty.type("sec");
    tty.type("\u007fx\u001b[D"); // Backspace, x, Left arrow
    tty.type("ret\r");
    assert.equal(await pending, "sexret");
    assert.equal(out.text, "Password: \n");
    assert.deepEqual(tty.rawModes, [true, false]);
  });

  it("asks twice for a new password and refuses a mismatch", async () => {
    const tty = new FakeTty();
    const out = new Sink();
    const pending = readPassword({
      wallet: "bob",
      purpose: "create",
      interactive: true,
      env: {},
      input: tty,
      output: out,
    });
    tty.type("first-pass\r");
    await new Promise((r) => setImmediate(r));
    tty.type("other-pass\r");
    await assert.rejects(pending, /the two passwords for wallet bob differ/);
    assert.match(out.text, /New password for wallet bob \(coldkey\): \nRetype the password: \n/);
  });

  it("keeps type-ahead after Enter for the next prompt", async () => {
    const tty = new FakeTty();
    const out = new Sink();
    const pending = readPassword({
      wallet: "bob",
      purpose: "create",
      interactive: true,
      env: {},
      input: tty,
      output: out,
    });
    tty.type("same-pass\r\nsame-pass\r");
    assert.equal(await pending, "same-pass");
  });

  it("drops type-ahead after an unlock and after the retype, so it cannot answer a later prompt", async () => {
    for (const [purpose, typed] of [
      ["unlock", "password123\ry\n"],
      ["create", "password123\rpassword123\ry\n"],
    ] as const) {
      const tty = new FakeTty();
      const pending = readPassword({
        wallet: "bob",
        purpose,
        interactive: true,
        env: {},
        input: tty,
        output: new Sink(),
      });
      tty.type(typed);
      assert.equal(await pending, "password123", purpose);
      const next = readHidden("Next: ", tty, new Sink());
      await new Promise((r) => setImmediate(r));
      tty.type("\r");
      assert.equal(await next, "", `${purpose}: the "y" typed ahead was not kept`);
    }
  });

  it("cancels on Ctrl-C", async () => {
    const tty = new FakeTty();
    const pending = readHidden("Password: ", tty, new Sink());
    tty.type("abc\u0003");
    await assert.rejects(pending, /cancelled at the prompt/);
    assert.equal(tty.isRaw, false);
  });
});

describe("import secrets and the test-only scrypt override", () => {
  it("tells private keys from mnemonics", () => {
    const key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    assert.deepEqual(parseSecret(` ${key}\n`), { kind: "privateKey", privateKey: `0x${key}` });
    assert.deepEqual(parseSecret(`0x${key}`), { kind: "privateKey", privateKey: `0x${key}` });
    assert.equal(parseSecret("word ".repeat(12)).kind, "mnemonic");
  });

  it("accepts only powers of two for TAO_KEYSTORE_SCRYPT_N", () => {
    assert.equal(scryptOverride({}), undefined);
    assert.equal(scryptOverride({ TAO_KEYSTORE_SCRYPT_N: "1024" }), 1024);
    assert.throws(
      () => scryptOverride({ TAO_KEYSTORE_SCRYPT_N: "1000" }),
      /TAO_KEYSTORE_SCRYPT_N="1000" is not a power of two/,
    );
    assert.throws(() => scryptOverride({ TAO_KEYSTORE_SCRYPT_N: "abc" }), /not a power of two/);
  });
});
