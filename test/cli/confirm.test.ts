import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { CliContext } from "../../offchain/cli/context.js";
import type { CliIo } from "../../offchain/cli/io.js";

/** A terminal stdin: the test writes keystrokes into it; raw mode is recorded, not applied. */
class TtyStdin extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
}

function terminal(): { ctx: CliContext; stdin: TtyStdin; stderr: () => string } {
  const stdin = new TtyStdin();
  let stderr = "";
  const io: CliIo = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: {},
  };
  return { ctx: new CliContext({ network: "localhost", json: false, yes: false }, io), stdin, stderr: () => stderr };
}

/** Resolves once `check` holds (the prompt was printed), polling the event loop. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), "condition never held");
}

describe("confirmations on a terminal", () => {
  it("does not take keys typed before the question as the answer", async () => {
    const { ctx, stdin, stderr } = terminal();
    stdin.write("y\n"); // typed ahead, while the command was still checking
    const asked = ctx.confirm("Stake 1 TAO?");
    await until(() => stderr().includes("[y/N]"));
    stdin.write("\n"); // the user just presses Enter at the question
    await assert.rejects(asked, /^CliError: cancelled: nothing was changed$/);
  });

  it("takes a yes typed after the question", async () => {
    const { ctx, stdin, stderr } = terminal();
    const asked = ctx.confirm("Stake 1 TAO?");
    await until(() => stderr().includes("Stake 1 TAO? [y/N] "));
    stdin.write("y\n");
    await asked;
  });

  it("a `y` sent with the password in one write answers nothing (unlock, then the question)", async () => {
    const { ctx, stdin, stderr } = terminal();
    const password = ctx.password("alice", "unlock");
    await until(() => stderr().includes("Password for wallet alice"));
    stdin.write("password123\ry\n");
    assert.equal(await password, "password123");
    const asked = ctx.confirm("Stake 1 TAO?");
    await until(() => stderr().includes("[y/N]"));
    stdin.write("\n");
    await assert.rejects(asked, /cancelled: nothing was changed/);
    assert.equal(stdin.isRaw, false, "raw mode restored");
  });
});
