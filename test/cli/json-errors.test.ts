import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { tao, type CliRun } from "./support.js";

interface JsonError {
  error: { code: string; message: string };
}

/** The one JSON line a failed `--json` run prints on stdout. */
function jsonError(r: CliRun): JsonError["error"] {
  const lines = r.stdout.split("\n").filter(Boolean);
  assert.equal(lines.length, 1, `one JSON line on stdout, got: ${r.stdout}`);
  const parsed = JSON.parse(lines[0]!) as JsonError;
  assert.deepEqual(Object.keys(parsed.error).sort(), ["code", "message"]);
  return parsed.error;
}

describe("errors under --json", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-cli-json-errors-"));
    env = { TAO_WALLETS_DIR: dir };
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("a missing required option: usage, exit 2, the message on stdout as JSON and as a line on stderr", async () => {
    const r = await tao(["--json", "stake", "add", "--netuid", "1"], env);
    assert.equal(r.code, 2);
    assert.deepEqual(jsonError(r), { code: "usage", message: "required option '--amount <tao>' not specified" });
    assert.equal(r.stderr, "error: required option '--amount <tao>' not specified\n");
  });

  it("an unknown command and a missing subcommand are usage errors too", async () => {
    const unknown = await tao(["wallet", "frobnicate", "--json"], env);
    assert.equal(unknown.code, 2);
    assert.equal(jsonError(unknown).code, "usage");
    assert.match(jsonError(unknown).message, /^unknown command 'frobnicate'/);
    const missing = await tao(["--json", "wallet"], env);
    assert.equal(missing.code, 2);
    assert.equal(jsonError(missing).code, "usage");
  });

  it("a domain error: its code and the same message as the plain line", async () => {
    const r = await tao(["--json", "wallet", "show", "--wallet-name", "ghost"], env);
    assert.equal(r.code, 1);
    const error = jsonError(r);
    assert.equal(error.code, "wallet");
    assert.match(error.message, /^no wallet ghost in /);
    assert.equal(r.stderr, `error: ${error.message}\n`);
    const bad = await tao(["--json", "wallet", "create", "--words", "13"], env);
    assert.equal(bad.code, 1);
    assert.equal(jsonError(bad).code, "failed");
    assert.match(jsonError(bad).message, /^option --words: "13" is not a mnemonic length/);
  });

  it("without --json: the plain line on stderr only, stdout empty", async () => {
    const usage = await tao(["stake", "add", "--netuid", "1"], env);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, "");
    assert.equal(usage.stderr, "error: required option '--amount <tao>' not specified\n");
    const domain = await tao(["wallet", "show", "--wallet-name", "ghost"], env);
    assert.equal(domain.code, 1);
    assert.equal(domain.stdout, "");
    assert.match(domain.stderr, /^error: no wallet ghost in .*\n$/);
  });

  it("--help and --version still exit 0 with nothing extra", async () => {
    const v = await tao(["--json", "--version"], env);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
