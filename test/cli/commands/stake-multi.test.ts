// `tao stake add` / `tao stake remove` with btcli's multi-hotkey flags (--all-hotkeys, --include-hotkeys,
// --exclude-hotkeys) against a real Anvil: the amount goes to each picked hotkey, read back on chain; the
// combinations that make no sense are refused in one line with nothing sent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { stakingAbi } from "../../../offchain/abi/index.js";
import { hotkeyStep, type PickedHotkey } from "../../../offchain/cli/commands/stake.js";
import { CliError } from "../../../offchain/cli/errors.js";
import { assertOneLineError, startCliChain, TAO, type CliChain } from "../chainFixture.js";
import { tao } from "../support.js";

interface Row {
  hotkey: Address;
  hotkeyName: string | null;
  netuid: number;
  tx: string;
  taoIn?: string;
  taoUsed?: string;
  alphaOut?: string;
  alphaIn?: string;
  alphaUsed?: string;
  taoOut?: string;
}

describe("tao stake add / remove over several hotkeys (against a real Anvil)", () => {
  let chain: CliChain;
  let env: NodeJS.ProcessEnv;
  let bob: Address;
  const hk: Record<string, Address> = {};
  const ok = (argv: string[]) => chain.ok(argv);

  const alphaOf = async (hotkey: Address): Promise<bigint> => {
    const [, alpha] = await chain.pub.readContract({
      address: chain.deployment.contracts.Staking!,
      abi: stakingAbi,
      functionName: "position",
      args: [1, hotkey, bob],
    });
    return alpha;
  };

  before(async () => {
    chain = await startCliChain({
      tmpPrefix: "tao-cli-stake-multi-",
      wallets: ["alice", "bob"],
      grants: { alice: 300n, bob: 100n },
    });
    env = chain.env;
    bob = chain.keys.bob!.coldkey;
    hk.default = chain.keys.bob!.hotkey;
    assert.equal((await ok(["subnet", "create", "--wallet", "alice", "--hotkey", "default"])).netuid, 1);
    await ok(["subnet", "start", "1", "--wallet", "alice"]);
    await chain.advanceSlots(2);
    const second = await ok(["wallet", "new-hotkey", "--wallet-name", "bob", "--wallet-hotkey", "second"]);
    hk.second = (second.hotkey as { address: Address }).address;
    for (const name of ["default", "second"])
      await ok(["neuron", "register", "--netuid", "1", "--wallet", "bob", "--hotkey", name, "--max-burn", "5"]);
  });

  after(async () => {
    await chain?.stop();
  });

  it("stake add --all-hotkeys stakes the amount to each hotkey of the wallet, in order", async () => {
    const r = await ok([
      "stake",
      "add",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--all-hotkeys",
      "--amount",
      "2",
      "--tolerance",
      "20",
    ]);
    const rows = r.results as Row[];
    assert.deepEqual(
      rows.map((x) => [x.hotkeyName, x.hotkey, x.taoIn, x.taoUsed]),
      [
        ["default", hk.default, (2n * TAO).toString(), (2n * TAO).toString()],
        ["second", hk.second, (2n * TAO).toString(), (2n * TAO).toString()],
      ],
    );
    assert.equal(r.netuid, 1);
    assert.equal(r.totalTaoIn, (4n * TAO).toString());
    assert.equal(r.totalTaoUsed, (4n * TAO).toString());
    for (const row of rows) {
      assert.ok(BigInt(row.alphaOut!) > 0n);
      assert.equal(
        await alphaOf(row.hotkey),
        BigInt(row.alphaOut!),
        `the position with ${row.hotkeyName} is the stake`,
      );
    }
    assert.equal(
      BigInt(r.totalAlphaOut as string),
      rows.reduce((s, x) => s + BigInt(x.alphaOut!), 0n),
    );
    assert.notEqual(rows[0]!.tx, rows[1]!.tx);
    const list = await ok(["stake", "list", "--wallet", "bob"]);
    assert.deepEqual(
      (list.positions as { netuid: number; hotkey: string }[]).map((x) => [x.netuid, x.hotkey]).sort(),
      [
        [1, hk.default],
        [1, hk.second],
      ].sort(),
    );
  });

  it("--include-hotkeys picks the named hotkeys only (names or addresses, duplicates once); human lines and a summary", async () => {
    const [defaultBefore, secondBefore] = [await alphaOf(hk.default!), await alphaOf(hk.second!)];
    const r = await tao(
      [
        "--yes",
        "stake",
        "add",
        "--netuid",
        "1",
        "--wallet",
        "bob",
        "--include-hotkeys",
        `second, ${hk.second!.toLowerCase()},second`,
        "--amount",
        "1",
        "--tolerance",
        "20",
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Staked 1\\.000000000 TAO to second \\(${hk.second}\\) on subnet 1: \\+`, "m"));
    assert.match(r.stdout, /^Staked 1\.000000000 TAO in all to 1 hotkeys on subnet 1: \+[\d,.]+ α$/m);
    assert.equal(await alphaOf(hk.default!), defaultBefore, "the default hotkey is not picked");
    assert.ok((await alphaOf(hk.second!)) > secondBefore);
  });

  it("refuses an unbound hotkey among those picked before anything is sent; --exclude-hotkeys leaves it out", async () => {
    const third = await ok(["wallet", "new-hotkey", "--wallet-name", "bob", "--wallet-hotkey", "third"]);
    hk.third = (third.hotkey as { address: Address }).address;
    const nonce = await chain.pub.getTransactionCount({ address: bob });
    assertOneLineError(
      await tao(
        [
          "--json",
          "--yes",
          "stake",
          "add",
          "--netuid",
          "1",
          "--wallet",
          "bob",
          "--all-hotkeys",
          "--amount",
          "1",
          "--tolerance",
          "20",
        ],
        env,
      ),
      new RegExp(`hotkey third \\(${hk.third}\\): stake reverted with HotkeyNotBound.*\\(nothing sent\\)`),
    );
    assert.equal(await chain.pub.getTransactionCount({ address: bob }), nonce, "nothing was sent");

    const before = { default: await alphaOf(hk.default!), second: await alphaOf(hk.second!) };
    const r = await ok([
      "stake",
      "add",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--all-hotkeys",
      "--exclude-hotkeys",
      "third",
      "--amount",
      "0.5",
      "--tolerance",
      "20",
    ]);
    const rows = r.results as Row[];
    assert.deepEqual(
      rows.map((x) => x.hotkeyName),
      ["default", "second"],
    );
    for (const row of rows) assert.equal(row.taoUsed, (TAO / 2n).toString());
    assert.equal(await alphaOf(hk.default!), before.default + BigInt(rows[0]!.alphaOut!));
    assert.equal(await alphaOf(hk.second!), before.second + BigInt(rows[1]!.alphaOut!));
    assert.equal(await alphaOf(hk.third!), 0n);
  });

  it("stake remove --all-hotkeys --all empties every position, skipping a hotkey with none", async () => {
    const held = { default: await alphaOf(hk.default!), second: await alphaOf(hk.second!) };
    const r = await ok([
      "stake",
      "remove",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--all-hotkeys",
      "--all",
      "--tolerance",
      "20",
    ]);
    const rows = r.results as Row[];
    assert.deepEqual(
      rows.map((x) => [x.hotkeyName, x.alphaIn, x.alphaUsed]),
      [
        ["default", held.default.toString(), held.default.toString()],
        ["second", held.second.toString(), held.second.toString()],
      ],
    );
    assert.deepEqual(r.skipped, [hk.third]);
    assert.equal(r.totalAlphaIn, (held.default + held.second).toString());
    assert.ok(BigInt(r.totalTaoOut as string) > 0n);
    assert.equal(await alphaOf(hk.default!), 0n);
    assert.equal(await alphaOf(hk.second!), 0n);
    assert.deepEqual((await ok(["stake", "list", "--wallet", "bob"])).positions, []);

    // Nothing left on any picked hotkey: an error, nothing sent.
    const nonce = await chain.pub.getTransactionCount({ address: bob });
    assertOneLineError(
      await tao(
        ["--json", "--yes", "stake", "remove", "--netuid", "1", "--wallet", "bob", "--all-hotkeys", "--all"],
        env,
      ),
      /no stake to remove: coldkey 0x[0-9a-fA-F]{40} holds 0 α on subnet 1 with each of the 3 hotkeys picked/,
    );
    assert.equal(await chain.pub.getTransactionCount({ address: bob }), nonce);
  });

  it("refuses the combinations that make no sense in one line, before the password, with nothing sent", async () => {
    const noPassword = { ...env, TAO_PASSWORD: "" };
    const nonce = await chain.pub.getTransactionCount({ address: bob });
    const add = (...argv: string[]) =>
      tao(
        ["--json", "--yes", "stake", "add", "--netuid", "1", "--wallet", "bob", "--amount", "1", ...argv],
        noPassword,
      );
    const remove = (...argv: string[]) =>
      tao(["--json", "--yes", "stake", "remove", "--netuid", "1", "--wallet", "bob", "--all", ...argv], noPassword);
    for (const run of [add, remove]) {
      assertOneLineError(
        await run("--all-hotkeys", "--include-hotkeys", "second"),
        /--all-hotkeys and --include-hotkeys exclude each other/,
      );
      assertOneLineError(
        await run("--all-hotkeys", "--to", hk.second!),
        /--to names one hotkey and --all-hotkeys several: drop --to/,
      );
      assertOneLineError(
        await run("--include-hotkeys", "second", "--to", hk.second!),
        /--to names one hotkey and --include-hotkeys several/,
      );
      assertOneLineError(
        await run("--exclude-hotkeys", "third"),
        /--exclude-hotkeys only narrows --all-hotkeys: add --all-hotkeys/,
      );
      assertOneLineError(
        await run("--include-hotkeys", "second,nope"),
        /--include-hotkeys: wallet bob has no hotkey nope \(its hotkeys: default, second, third\)/,
      );
      assertOneLineError(
        await run("--all-hotkeys", "--exclude-hotkeys", "nope"),
        /--exclude-hotkeys: wallet bob has no hotkey nope/,
      );
      assertOneLineError(await run("--include-hotkeys", " , "), /--include-hotkeys " , " names no hotkey/);
      assertOneLineError(
        await run("--all-hotkeys", "--exclude-hotkeys", `default,second,${hk.third}`),
        /--all-hotkeys selects no hotkey of wallet bob \(--exclude-hotkeys leaves out every one\)/,
      );
      assertOneLineError(await run("--include-hotkeys", "0x1234"), /--include-hotkeys/);
    }
    assert.equal(await chain.pub.getTransactionCount({ address: bob }), nonce, "nothing was sent");
  });
});

describe("a multi-hotkey run stopped midway", () => {
  const a: PickedHotkey = { name: "a", address: "0x00000000000000000000000000000000000000aa" };
  const b: PickedHotkey = { name: "b", address: "0x00000000000000000000000000000000000000bb" };
  const c: PickedHotkey = { name: undefined, address: "0x00000000000000000000000000000000000000cc" };
  const boom = (msg: string) => () => Promise.reject(new CliError(msg));

  it("names the hotkey, the hotkeys done with their transactions and those not done, in one line", async () => {
    await assert.rejects(
      hotkeyStep(b, [{ hotkey: a, tx: "0xabc" }], [b, c], boom("price moved past the tolerance: raise --tolerance")),
      (e: Error) => {
        assert.ok(e instanceof CliError);
        assert.equal(
          e.message,
          `hotkey b (${b.address}): price moved past the tolerance: raise --tolerance; stopped: done a (${a.address}) (0xabc); not done b (${b.address}), ${c.address}`,
        );
        return true;
      },
    );
  });

  it("before anything was sent: the hotkey and `nothing sent`; once sent (an approval): done none", async () => {
    await assert.rejects(hotkeyStep(a, [], [a, b], boom("stake reverted with X")), {
      message: `hotkey a (${a.address}): stake reverted with X (nothing sent)`,
    });
    await assert.rejects(hotkeyStep(a, [], [a, b], boom("stake reverted\non chain"), true), {
      message: `hotkey a (${a.address}): stake reverted on chain; stopped: done none; not done a (${a.address}), b (${b.address})`,
    });
    // An unexpected error before anything was sent is left as it is (its stack, its code).
    const odd = new TypeError("odd");
    await assert.rejects(
      hotkeyStep(a, [], [a], () => Promise.reject(odd)),
      (e) => e === odd,
    );
    assert.equal(await hotkeyStep(a, [], [a], () => Promise.resolve(7)), 7);
  });
});
