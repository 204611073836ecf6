// `tao wallet balance`, `tao wallet transfer` and `tao stake take show/set` against a real Anvil, deployed the way
// chain-commands.test.ts does it (test/cli/chainFixture.ts: wallets, gas, TAO granted from the Emission reserve).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther, type Address, type PublicClient } from "viem";
import { stakingAbi, taoAbi } from "../../../offchain/abi/index.js";
import { assertOneLineError, startCliChain, TAO, type CliChain } from "../chainFixture.js";
import { tao } from "../support.js";

describe("tao wallet balance / transfer and stake take (against a real Anvil)", () => {
  let chain: CliChain;
  let env: NodeJS.ProcessEnv;
  let pub: PublicClient;
  let taoToken: Address;
  let keys: Record<string, { coldkey: Address; hotkey: Address }>;
  const ok = (argv: string[], extra: NodeJS.ProcessEnv = {}) => chain.ok(argv, extra);
  const advanceSlots = (slots: number) => chain.advanceSlots(slots);

  const balanceOf = (who: Address) =>
    pub.readContract({ address: taoToken, abi: taoAbi, functionName: "balanceOf", args: [who] });
  const nonceOf = (who: Address) => pub.getTransactionCount({ address: who });

  before(async () => {
    chain = await startCliChain({
      tmpPrefix: "tao-cli-balance-",
      wallets: ["alice", "bob", "carol"],
      grants: { alice: 300n, bob: 50n },
    });
    ({ env, pub, keys } = chain);
    taoToken = chain.deployment.contracts.TAO;
  });

  after(async () => {
    await chain?.stop();
  });

  it("wallet balance shows the funded TAO, for a wallet and for --address", async () => {
    const alice = await ok(["wallet", "balance", "--wallet-name", "alice"]);
    assert.equal(alice.coldkey, keys.alice!.coldkey);
    assert.equal(alice.wallet, "alice");
    assert.equal(alice.free, (300n * TAO).toString());
    assert.equal(alice.staked, "0");
    assert.equal(alice.total, (300n * TAO).toString());
    assert.equal(alice.nativeBalance, parseEther("100").toString());

    const bob = await ok(["wallet", "balance", "--address", keys.bob!.coldkey.toLowerCase()]);
    assert.equal(bob.coldkey, keys.bob!.coldkey, "checksummed");
    assert.equal(bob.wallet, null);
    assert.equal(bob.free, (50n * TAO).toString());

    const human = await tao(["wallet", "balance", "--wallet", "alice"], env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`wallet alice, coldkey ${keys.alice!.coldkey}`));
    assert.match(human.stdout, /free\s+│ 300\.000000000 TAO/);
    assert.match(human.stdout, /total\s+│ 300\.000000000 TAO/);

    assertOneLineError(
      await tao(["--json", "wallet", "balance", "--address", "0x1234"], env),
      /--address "0x1234" is not an address: pass 0x and 40 hex digits/,
    );
  });

  it("wallet transfer moves exactly the amount (both balances on-chain)", async () => {
    const [aliceBefore, carolBefore] = await Promise.all([
      balanceOf(keys.alice!.coldkey),
      balanceOf(keys.carol!.coldkey),
    ]);
    const amount = 12_345_678_901n; // 12.345678901 TAO: all 9 decimals
    const sent = await ok([
      "wallet",
      "transfer",
      "--wallet-name",
      "alice",
      "--dest",
      keys.carol!.coldkey,
      "--amount",
      "12.345678901",
    ]);
    assert.equal(sent.from, keys.alice!.coldkey);
    assert.equal(sent.dest, keys.carol!.coldkey);
    assert.equal(sent.amount, amount.toString());
    assert.equal(sent.balanceBefore, aliceBefore.toString());
    assert.equal(sent.balanceAfter, (aliceBefore - amount).toString());
    assert.match(sent.tx as string, /^0x[0-9a-f]{64}$/);
    assert.equal(await balanceOf(keys.alice!.coldkey), aliceBefore - amount);
    assert.equal(await balanceOf(keys.carol!.coldkey), carolBefore + amount);

    // The human form shows the amount and destination before sending (on stderr), and the result.
    const human = await tao(
      ["--yes", "wallet", "transfer", "--wallet", "alice", "--dest", keys.carol!.coldkey, "--amount", "1"],
      env,
    );
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stderr,
      new RegExp(`transfer 1\\.000000000 TAO from ${keys.alice!.coldkey} to ${keys.carol!.coldkey}`),
    );
    assert.match(human.stdout, /^Transferred 1\.000000000 TAO from /);
    assert.equal(await balanceOf(keys.carol!.coldkey), carolBefore + amount + TAO);
  });

  it("wallet transfer refuses over-balance, bad addresses and bad amounts without sending anything", async () => {
    const alice = keys.alice!.coldkey;
    const carol = keys.carol!.coldkey;
    const [aliceBefore, carolBefore, aliceNonce, carolNonce] = await Promise.all([
      balanceOf(alice),
      balanceOf(carol),
      nonceOf(alice),
      nonceOf(carol),
    ]);
    const transfer = (args: string[], yes = true) =>
      tao(["--json", ...(yes ? ["--yes"] : []), "wallet", "transfer", ...args], env);

    assertOneLineError(
      await transfer(["--wallet-name", "carol", "--dest", alice, "--amount", "13.5"]),
      new RegExp(
        `insufficient balance: coldkey ${carol} holds 13\\.345678901 TAO but --amount is 13\\.500000000 TAO: lower --amount`,
      ),
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", "0xnot-an-address", "--amount", "1"]),
      /--dest "0xnot-an-address" is not an address: pass 0x and 40 hex digits/,
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", `0x${"0".repeat(40)}`, "--amount", "1"]),
      /is the zero address: TAO sent there is lost/,
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", carol, "--amount", "0"]),
      /--amount 0 sends nothing: pass a positive TAO amount/,
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", carol, "--amount=-1"]),
      /--amount "-1" is not an amount: write TAO as a decimal/,
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", carol, "--amount", "1.0000000001"]),
      /--amount 1\.0000000001 has 10 decimals: TAO has 9, round it/,
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", carol, "--amount", "1", "--all"]),
      /pass exactly one of --amount <tao> or --all/,
    );
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", alice, "--amount", "1"]),
      /is wallet alice's own coldkey: nothing would move/,
    );
    // Under --json there is no prompt: without --yes nothing is sent.
    assertOneLineError(
      await transfer(["--wallet-name", "alice", "--dest", carol, "--amount", "1"], false),
      /not confirmed \(Transfer 1\.000000000 TAO from coldkey .*\): .*pass --yes to proceed/,
    );

    assert.equal(await balanceOf(alice), aliceBefore);
    assert.equal(await balanceOf(carol), carolBefore);
    assert.equal(await nonceOf(alice), aliceNonce, "alice sent no transaction");
    assert.equal(await nonceOf(carol), carolNonce, "carol sent no transaction");
  });

  it("wallet fund-hotkey sends exactly the native amount from the coldkey to the hotkey; bad amounts send nothing", async () => {
    const { coldkey, hotkey } = keys.bob!;
    const before = await pub.getBalance({ address: hotkey });
    const nonce = await nonceOf(coldkey);
    const r = await ok(["wallet", "fund-hotkey", "--wallet", "bob", "--amount", "0.25"]);
    assert.equal(r.hotkey, hotkey);
    assert.equal(await pub.getBalance({ address: hotkey }), before + parseEther("0.25"));
    assert.equal(BigInt(r.hotkeyBalanceAfter as string), before + parseEther("0.25"));
    assert.equal(await nonceOf(coldkey), nonce + 1, "one transaction, from the coldkey");
    for (const [amount, re] of [
      ["0", /--amount 0 sends nothing/],
      ["-1", /--amount -1 is not an amount of the native coin/],
      ["1000000", /holds [\d.]+ of .* native coin, not enough to send 1000000/],
    ] as const) {
      assertOneLineError(
        await tao(["--json", "--yes", "wallet", "fund-hotkey", "--wallet", "bob", "--amount", amount], env),
        re,
      );
    }
    assert.equal(await nonceOf(coldkey), nonce + 1, "nothing more was sent");
  });

  it("wallet transfer --native sends the chain's coin to any address (a new wallet's gas); TAO stays put", async () => {
    const dest = keys.carol!.coldkey;
    const [before, taoBefore] = await Promise.all([pub.getBalance({ address: dest }), balanceOf(dest)]);
    const r = await ok(["wallet", "transfer", "--native", "--wallet", "bob", "--dest", dest, "--amount", "0.5"]);
    assert.equal(r.native, true);
    assert.equal(await pub.getBalance({ address: dest }), before + parseEther("0.5"));
    assert.equal(BigInt(r.destBalanceAfter as string), before + parseEther("0.5"));
    assert.equal(await balanceOf(dest), taoBefore, "no TAO moved");
    assertOneLineError(
      await tao(["--json", "--yes", "wallet", "transfer", "--native", "--wallet", "bob", "--dest", dest, "--all"], env),
      /--all sends TAO only: give the native coin with --amount/,
    );
    // The destination checks of a TAO transfer apply: the zero address, the own coldkey, a protocol contract.
    const bob = keys.bob!.coldkey;
    const nonce = await nonceOf(bob);
    const native = (to: string) =>
      tao(
        ["--json", "--yes", "wallet", "transfer", "--native", "--wallet", "bob", "--dest", to, "--amount", "0.1"],
        env,
      );
    assertOneLineError(await native(`0x${"0".repeat(40)}`), /is the zero address: the native coin sent there is lost/);
    assertOneLineError(await native(bob), /is wallet bob's own coldkey: nothing would move/);
    const { Staking, TAO } = chain.deployment.contracts;
    assertOneLineError(
      await native(Staking!),
      /is the Staking contract of this deployment: the native coin sent there/,
    );
    assertOneLineError(
      await tao(
        ["--json", "--yes", "wallet", "transfer", "--wallet", "bob", "--dest", TAO!.toLowerCase(), "--amount", "1"],
        env,
      ),
      /is the TAO contract of this deployment: TAO sent there is lost/,
    );
    assert.equal(await nonceOf(bob), nonce, "nothing was sent");
  });

  it("wallet transfer --all sends the whole free balance", async () => {
    const [carolBefore, bobBefore] = await Promise.all([balanceOf(keys.carol!.coldkey), balanceOf(keys.bob!.coldkey)]);
    assert.ok(carolBefore > 0n);
    const sent = await ok(["wallet", "transfer", "--wallet-name", "carol", "--dest", keys.bob!.coldkey, "--all"]);
    assert.equal(sent.amount, carolBefore.toString());
    assert.equal(sent.balanceAfter, "0");
    assert.equal(await balanceOf(keys.carol!.coldkey), 0n);
    assert.equal(await balanceOf(keys.bob!.coldkey), bobBefore + carolBefore);
    assertOneLineError(
      await tao(
        ["--json", "--yes", "wallet", "transfer", "--wallet-name", "carol", "--dest", keys.bob!.coldkey, "--all"],
        env,
      ),
      /coldkey 0x[0-9a-fA-F]{40} holds 0 TAO: nothing to send/,
    );
  });

  it("stake take set then show returns the new take; refusals are one line", async () => {
    // subnet create binds alice's hotkey to alice's coldkey (the signer setDelegateTake requires).
    await ok(["subnet", "create", "--wallet", "alice", "--hotkey", "default"]);
    const hotkey = keys.alice!.hotkey;

    const initial = await ok(["stake", "take", "show", "--hotkey", hotkey]);
    assert.equal(initial.coldkey, keys.alice!.coldkey);
    assert.equal(initial.take, 11_796, "an unset take reads as the maximum");
    assert.equal(initial.maxTake, 11_796);
    assert.equal(initial.lastChangeSlot, "0");

    // 10% of 65535 = 6553.5, rounded half up to 6554.
    const set = await ok(["stake", "take", "set", "--wallet", "alice", "--hotkey", "default", "--take", "10"]);
    assert.equal(set.take, 6_554);
    assert.equal(set.previousTake, 11_796);
    assert.equal(set.takePercent, "10.0008%");
    const shown = await ok(["stake", "take", "show", "--wallet", "alice", "--hotkey", "default"]);
    assert.equal(shown.take, 6_554);
    assert.notEqual(shown.lastChangeSlot, "0");
    assert.equal(BigInt(shown.nextIncreaseSlot as string), BigInt(shown.lastChangeSlot as string) + 216_000n);
    const human = await tao(["stake", "take", "show", "--hotkey", hotkey], env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /take\s+│ 10\.0008% \(6554\/65535\)/);

    // The displayed percent parses back to the same u16.
    const again = await ok(["stake", "take", "set", "--wallet", "alice", "--hotkey", "default", "--take", "9.9992"]);
    assert.equal(again.take, 6_553);
    assert.equal((await ok(["stake", "take", "show", "--hotkey", hotkey])).take, 6_553);

    const nonce = await nonceOf(keys.alice!.coldkey);
    assertOneLineError(
      await tao(
        ["--json", "--yes", "stake", "take", "set", "--wallet", "alice", "--hotkey", hotkey, "--take", "20"],
        env,
      ),
      /--take 20 is 13107\/65535, above the maximum delegate take 17\.9995% \(11796\/65535\): pass --take 17\.9995 or less/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "take", "set", "--wallet", "alice", "--take", "12"], env),
      /raising the take of hotkey 0x[0-9a-fA-F]{40} from 9\.9992% \(6553\/65535\) to 11\.9997% \(7864\/65535\) is rate limited until slot \d+/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "take", "set", "--wallet", "bob", "--hotkey", hotkey, "--take", "5"], env),
      new RegExp(`hotkey ${hotkey} belongs to coldkey ${keys.alice!.coldkey}, not to wallet bob's coldkey`),
    );
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "take", "set", "--wallet", "bob", "--take", "5"], env),
      new RegExp(`hotkey ${keys.bob!.hotkey} is not bound to a coldkey: register it first`),
    );
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "take", "set", "--wallet", "alice", "--take", "5.12345"], env),
      /--take "5\.12345" is not a percentage: write e\.g\. 9\.5 for 9\.5% \(4 decimals at most\)/,
    );
    assert.equal(await nonceOf(keys.alice!.coldkey), nonce, "no refused take was sent");
    assert.equal((await ok(["stake", "take", "show", "--hotkey", hotkey])).take, 6_553);
  });

  it("wallet balance adds the stake's value at spot, the same total as stake list", async () => {
    await ok(["subnet", "start", "1", "--wallet", "alice"]);
    await advanceSlots(2); // staking opens the slot after the start slot
    // bob delegates to alice's hotkey (uid 0): found through the metagraph, not bob's own hotkeys.
    await ok([
      "stake",
      "add",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--to",
      keys.alice!.hotkey,
      "--amount",
      "2",
      "--tolerance",
      "5",
    ]);
    const [balance, list] = await Promise.all([
      ok(["wallet", "balance", "--wallet", "bob"]),
      ok(["stake", "list", "--wallet", "bob"]),
    ]);
    const staked = BigInt(balance.staked as string);
    // Valued at the spot price after the buy, so near 2 TAO, not exactly.
    assert.ok(staked > (19n * TAO) / 10n && staked < (21n * TAO) / 10n, `about 2 TAO staked, got ${staked}`);
    assert.equal(balance.staked, list.totalTaoValue);
    assert.equal(balance.positions, 1);
    assert.equal(BigInt(balance.free as string), await balanceOf(keys.bob!.coldkey));
    assert.equal(BigInt(balance.total as string), BigInt(balance.free as string) + staked);
    // What unstaking it now would pay: the contract's own quote of the same sale (the TAO floor is far).
    const [position] = list.positions as { alpha: string; swapValue: string }[];
    const [quoted] = await pub.readContract({
      address: chain.deployment.contracts.Staking!,
      abi: stakingAbi,
      functionName: "quoteUnstake",
      args: [1, BigInt(position!.alpha)],
    });
    assert.equal(BigInt(position!.swapValue), quoted);
    assert.ok(quoted < staked, "below the value at spot: the fee and the sale's impact");
    assert.equal(balance.stakedSwapValue, list.totalSwapValue);
    assert.equal(BigInt(balance.stakedSwapValue as string), quoted);
  });
});
