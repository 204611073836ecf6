import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadCommandGroups } from "../../offchain/cli/load-commands.js";
import { tao } from "./support.js";

describe("command groups", () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-groups-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("registers every file in offchain/cli/commands/ as `tao <file>`", async () => {
    const groups = await loadCommandGroups();
    assert.deepEqual(
      groups.map((g) => g.name),
      [
        "wallet",
        "emission",
        "subnet",
        "neuron",
        "axon",
        "stake",
        "metagraph",
        "weights",
        "epoch",
        "localnet",
        "config",
      ],
    );
    const help = await tao(["--help"], {});
    assert.equal(help.code, 0);
    assert.match(help.stdout, /\n  wallet\|w +create, import and inspect wallets/);
    // btcli's group words select the same groups.
    const words = new Map(groups.flatMap((g) => [g.name, ...(g.aliases ?? [])].map((w) => [w, g.name])));
    for (const [word, name] of [
      ["w", "wallet"],
      ["wallets", "wallet"],
      ["s", "subnet"],
      ["subnets", "subnet"],
      ["st", "stake"],
      ["stakes", "stake"],
      ["wt", "weights"],
      ["conf", "config"],
      ["c", "config"],
      ["weight", "weights"],
    ])
      assert.equal(words.get(word), name, word);
    assert.equal(
      words.size,
      groups.reduce((n, g) => n + 1 + (g.aliases?.length ?? 0), 0),
      "no word selects two groups",
    );
    const sub = await tao(["subnets", "--help"], {});
    assert.match(sub.stdout, /\n  register \[options\] +register the wallet's hotkey on a subnet/);
    assert.match(sub.stdout, /\n  metagraph \[options\] +show a subnet's neurons/);
    assert.match(help.stdout, /\n  emission +show TAO emission/);
    assert.match(help.stdout, /--network <name>/);
    assert.match(help.stdout, /--wallets-dir <dir>/);
  });

  it("prints the package version with --version (btcli --version)", async () => {
    const pkg = JSON.parse(await fs.readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-V"]) {
      const r = await tao([flag], {});
      assert.deepEqual([r.code, r.stdout], [0, `${pkg.version}\n`]);
    }
  });

  it("rejects a group file without a default export or with a name unlike its file", async () => {
    const bad = path.join(dir, "bad");
    await fs.mkdir(bad);
    await fs.writeFile(path.join(bad, "stake.ts"), "export const x = 1;\n");
    await assert.rejects(loadCommandGroups(bad), /stake\.ts must `export default defineCommandGroup/);
    const misnamed = path.join(dir, "misnamed");
    await fs.mkdir(misnamed);
    await fs.writeFile(
      path.join(misnamed, "stake.ts"),
      'export default { name: "staking", summary: "s", register() {} };\n',
    );
    await assert.rejects(loadCommandGroups(misnamed), /defines group "staking": name it "stake" like its file/);
    const clash = path.join(dir, "clash");
    await fs.mkdir(clash);
    await fs.writeFile(
      path.join(clash, "a.ts"),
      'export default { name: "a", summary: "s", aliases: ["b"], register() {} };\n',
    );
    await fs.writeFile(path.join(clash, "b.ts"), 'export default { name: "b", summary: "s", register() {} };\n');
    await assert.rejects(loadCommandGroups(clash), /b\.ts: `tao b` already selects group "a"/);
    const good = path.join(dir, "good"); // a fresh path: ES modules are cached by URL
    await fs.mkdir(good);
    await fs.writeFile(path.join(good, "_helpers.ts"), "throw new Error('never imported');\n");
    await fs.writeFile(path.join(good, "stake.ts"), 'export default { name: "stake", summary: "s", register() {} };\n');
    assert.deepEqual(
      (await loadCommandGroups(good)).map((g) => g.name),
      ["stake"],
    );
  });

  it("prints the stack only with DEBUG=1", async () => {
    const notADir = path.join(dir, "file");
    await fs.writeFile(notADir, "");
    const plain = await tao(["wallet", "list"], { TAO_WALLETS_DIR: notADir });
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^error: cannot read wallets directory .*ENOTDIR.*\n$/);
    const debug = await tao(["wallet", "list"], { TAO_WALLETS_DIR: notADir, DEBUG: "1" });
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /^error: cannot read wallets directory .*\n.*WalletError.*\n\s+at /);
  });
});
