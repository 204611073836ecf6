// The chain commands (subnet, neuron, axon, stake, weights, metagraph, epoch) against a real Anvil: deployed the
// way `npm run deploy` does, wallets made with `tao wallet create`, every step through the CLI in-process.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { assertOneLineError, startCliChain, TAO, type CliChain } from "../chainFixture.js";
import { emissionAbi, stakingAbi } from "../../../offchain/abi/index.js";
import { parseConfirmations } from "../../../offchain/cli/commands/epoch.js";
import { readAfterMint } from "../../../offchain/cli/readAfterMint.js";
import { tao } from "../support.js";
import { feeOf } from "../../../offchain/pool/poolMath.js";

describe("tao chain commands (against a real Anvil)", () => {
  let chain: CliChain;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let keys: Record<string, { coldkey: Address; hotkey: Address }>;
  let netuid = 0;
  const ok = (argv: string[], extra: NodeJS.ProcessEnv = {}) => chain.ok(argv, extra);

  before(async () => {
    chain = await startCliChain({
      tmpPrefix: "tao-cli-chain-",
      wallets: ["alice", "bob", "carol", "dave"],
      grants: { alice: 300n, bob: 50n, dave: 300n },
    });
    ({ dir, env, keys } = chain);
  });

  after(async () => {
    await chain?.stop();
  });

  it("creates a subnet after showing the lock cost, and lists it", async () => {
    const created = await ok(["subnet", "create", "--wallet", "alice", "--hotkey", "default"]);
    netuid = created.netuid as number;
    assert.equal(netuid, 1);
    assert.equal(created.lockCost, (100n * TAO).toString());
    assert.equal(created.hotkey, keys.alice!.hotkey);
    const list = await ok(["subnet", "list"]);
    const row = (list.subnets as { netuid: number; ownerColdkey: string; neurons: number; price: string }[]).find(
      (s) => s.netuid === 1,
    );
    assert.ok(row, "subnet 1 listed");
    assert.equal(row.ownerColdkey, keys.alice!.coldkey);
    assert.equal(row.neurons, 1);
    assert.ok(BigInt(row.price) > 0n);
    const hp = await ok(["subnet", "hyperparameters", "1"]);
    assert.equal((hp.hyperparameters as { tempo: number }).tempo, 360);
  });

  it("sets a hyperparameter by its Param name and starts emission", async () => {
    // A tempo change says which epochs it moves before it is sent.
    assertOneLineError(
      await tao(["--json", "subnet", "set", "1", "Tempo", "400", "--wallet", "alice"], env),
      /not confirmed \(Change the tempo of subnet 1 \(now 360 slots\) to 400 slots\? Epoch 0 still closes at slot [\d,]+; every epoch after it lasts 400 slots/,
    );
    await ok(["subnet", "set", "1", "Tempo", "400", "--wallet", "alice"]);
    await ok(["subnet", "set", "1", "commit_reveal_enabled", "false", "--wallet", "alice"]);
    const hp = await ok(["subnet", "hyperparameters", "1"]);
    assert.equal((hp.hyperparameters as { commitRevealEnabled: boolean }).commitRevealEnabled, false);
    assertOneLineError(
      await tao(["--json", "subnet", "start", "1", "--wallet", "alice"], env),
      /not confirmed \(Start emission of subnet 1 from the next slot\? This cannot be undone\.\)/,
    );
    const started = await ok(["subnet", "start", "1", "--wallet", "alice"]);
    assert.ok(BigInt(started.startSlot as string) > 0n);
    // Staking opens from the start slot: let one slot pass.
    await chain.advanceSlots(2);
  });

  it("registers a neuron after showing the burn, and serves its axon", async () => {
    const reg = await ok([
      "neuron",
      "register",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--hotkey",
      "default",
      "--max-burn",
      "1",
    ]);
    assert.equal(reg.uid, 1);
    assert.equal(reg.hotkey, keys.bob!.hotkey);
    const served = await ok([
      "axon",
      "serve",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--endpoint",
      "http://127.0.0.1:8091",
      "--axon-version",
      "3",
    ]);
    assert.equal(served.endpoint, "http://127.0.0.1:8091");
    assert.equal(served.version, 3, "the axon's own version flag, not the program's --version");
  });

  it("adds stake with a limit price, lists it, and removes it", async () => {
    const added = await ok(["stake", "add", "--netuid", "1", "--wallet", "bob", "--amount", "2", "--tolerance", "5"]);
    assert.equal(added.taoUsed, (2n * TAO).toString());
    const alpha = BigInt(added.alphaOut as string);
    assert.ok(alpha > 0n);
    // Limit prices are 1e9 fixed point, the spot price 1e18: 5% above spot.
    assert.equal(BigInt(added.limitPrice as string), (BigInt(added.price as string) * 105n) / 100n / 10n ** 9n);
    // The gas limit leaves room for a coinbase the trade may run first (the estimate's slot may be minted, the
    // landing one not): 150k + 70k per live subnet on top of the estimate.
    const sentTx = await chain.pub.getTransaction({ hash: added.tx as `0x${string}` });
    const receipt = await chain.pub.getTransactionReceipt({ hash: added.tx as `0x${string}` });
    assert.ok(sentTx.gas >= receipt.gasUsed + 220_000n, `gas limit ${sentTx.gas} has the coinbase headroom`);

    const list = await ok(["stake", "list", "--wallet", "bob"]);
    const positions = list.positions as { netuid: number; hotkey: string; alpha: string }[];
    assert.deepEqual(
      positions.map((x) => [x.netuid, x.hotkey, x.alpha]),
      [[1, keys.bob!.hotkey, alpha.toString()]],
    );
    const table = await tao(["stake", "list", "--wallet", "bob"], env);
    assert.ok(table.stdout.includes(`${keys.bob!.hotkey} (default)`), "the wallet's own hotkey is shown by name");

    const removed = await ok(["stake", "remove", "--netuid", "1", "--wallet", "bob", "--all", "--tolerance", "5"]);
    assert.equal(removed.alphaUsed, alpha.toString());
    assert.ok(BigInt(removed.taoOut as string) > (19n * TAO) / 10n, "most of the 2 TAO comes back");
    const after = await ok(["stake", "list", "--wallet", "bob"]);
    assert.deepEqual(after.positions, []);
  });

  it("checks a stake before approving it: a stake to an unbound hotkey fails with nothing sent", async () => {
    const bob = keys.bob!.coldkey;
    const nonce = await chain.pub.getTransactionCount({ address: bob });
    const unbound = "0x000000000000000000000000000000000000dEaD";
    const r = await tao(
      [
        "--json",
        "--yes",
        "stake",
        "add",
        "--netuid",
        "1",
        "--wallet",
        "bob",
        "--amount",
        "1",
        "--tolerance",
        "100",
        "--to",
        unbound,
      ],
      env,
    );
    assertOneLineError(r, /stake reverted with HotkeyNotBound\(0x000000000000000000000000000000000000dEaD\)/);
    assert.equal(await chain.pub.getTransactionCount({ address: bob }), nonce, "no approval was sent");
  });

  it("refuses a stake transfer to the wallet's own coldkey or a protocol contract, before asking the password", async () => {
    const noPassword = { ...env, TAO_PASSWORD: "" };
    const transferTo = (dest: string) =>
      tao(
        [
          "--json",
          "--yes",
          "stake",
          "transfer",
          "--netuid",
          "1",
          "--wallet",
          "bob",
          "--amount",
          "1",
          "--dest-coldkey",
          dest,
        ],
        noPassword,
      );
    assertOneLineError(
      await transferTo(chain.deployment.contracts.Staking!),
      /--dest-coldkey 0x[0-9a-fA-F]{40} is the Staking contract of this deployment: nobody could unstake it/,
    );
    assertOneLineError(
      await transferTo(keys.bob!.coldkey.toLowerCase()),
      /--dest-coldkey 0x[0-9a-fA-F]{40} is the wallet's own coldkey: .*use `tao stake move`/,
    );
    assertOneLineError(await transferTo("0x0000000000000000000000000000000000000000"), /is the zero address/);
    // The position is read by address: an amount bob does not hold is refused without his password.
    assertOneLineError(
      await tao(
        ["--json", "--yes", "stake", "remove", "--netuid", "1", "--wallet", "bob", "--amount", "1000"],
        noPassword,
      ),
      /insufficient stake: coldkey 0x[0-9a-fA-F]{40} holds [\d.]+ α with .* on subnet 1/,
    );
  });

  it("shows the metagraph as a table with units, and says where payouts come from", async () => {
    const r = await tao(["metagraph", "--netuid", "1"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stake weight \(α\).*incentive \(α\)/);
    assert.match(r.stdout, /Payouts .* pass --results-dir/);
    const withResults = await tao(["metagraph", "--netuid", "1", "--results-dir", path.join(dir, "results")], env);
    assert.doesNotMatch(withResults.stdout, /pass --results-dir/);
  });

  it("shows the metagraph as JSON", async () => {
    const mg = await ok(["metagraph", "--netuid", "1", "--results-dir", path.join(dir, "results")]);
    const neurons = mg.neurons as {
      uid: number;
      hotkey: string;
      coldkey: string;
      axon: string | null;
      incentive: string | null;
      consensus: number | null;
    }[];
    assert.deepEqual(
      neurons.map((n) => [n.uid, n.hotkey, n.coldkey, n.axon]),
      [
        [0, keys.alice!.hotkey, keys.alice!.coldkey, null],
        [1, keys.bob!.hotkey, keys.bob!.coldkey, "http://127.0.0.1:8091"],
      ],
    );
    assert.equal(neurons[0]!.incentive, null, "no finalised epoch yet");
    assert.equal(neurons[0]!.consensus, null);
    const human = await tao(["metagraph", "--netuid", "1"], env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Metagraph of subnet 1: 2 neurons/);
    // The table shortens keys as btcli does; --wide (and JSON) keep them whole.
    const bobHot = keys.bob!.hotkey;
    assert.ok(human.stdout.includes(`${bobHot.slice(0, 6)}…${bobHot.slice(-4)}`));
    assert.ok(!human.stdout.includes(bobHot), "no whole address in the default table");
    const wide = await tao(["metagraph", "--netuid", "1", "--wide"], env);
    assert.ok(wide.stdout.includes(bobHot));
  });

  it("shows weights and epoch status", async () => {
    const ws = await ok(["weights", "status", "--netuid", "1", "--hotkey", keys.bob!.hotkey]);
    assert.equal(ws.uid, 1);
    assert.deepEqual(ws.pendingCommits, []);
    const es = await ok(["epoch", "status", "--netuid", "1", "--epoch", "0"]);
    assert.equal(es.status, "none");
  });

  it("fails in one line on an unknown subnet", async () => {
    assertOneLineError(
      await tao(["--json", "subnet", "show", "99"], env),
      /subnet 99 does not exist on localhost: see `tao subnet list`/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "add", "--netuid", "42", "--wallet", "bob", "--amount", "1"], env),
      /subnet 42 does not exist/,
    );
  });

  it("fails in one line when the price would move past the tolerance", async () => {
    /** `tao stake add` of bob on subnet 1 (JSON unless `human`). */
    const stakeAdd = (amount: string, tolerance: string, human = false) =>
      tao(
        [
          ...(human ? [] : ["--json"]),
          "--yes",
          "stake",
          "add",
          "--netuid",
          "1",
          "--wallet",
          "bob",
          "--amount",
          amount,
          "--tolerance",
          tolerance,
        ],
        env,
      );
    assertOneLineError(
      await stakeAdd("40", "0.01"),
      /price moved past the tolerance: staking 40\.000000000 TAO moves the price past 0\.0100% .*raise --tolerance/,
    );
    // The quote shows the price after the trade, which the limit bounds: here above it.
    const human = await stakeAdd("40", "0.01", true);
    const m = /price after ([\d,]+\.\d{9}), limit ([\d,]+\.\d{9})\)/.exec(human.stdout + human.stderr);
    assert.ok(m, human.stdout + human.stderr);
    const num = (x: string) => Number(x.replaceAll(",", ""));
    assert.ok(num(m[1]!) > num(m[2]!), `price after ${m[1]} is above the limit ${m[2]}`);
    // Beyond what the pool can take at any price (its input cap, 1,000 x its TAO): no tolerance helps.
    assertOneLineError(
      await stakeAdd("20000000", "100"),
      /the pool of subnet 1 is too shallow: at most [\d,.]+ TAO can be staked .*lower --amount/,
    );
    // More than the coldkey holds, though the pool could take it: a balance problem, not a tolerance one.
    assertOneLineError(
      await stakeAdd("5000", "0.01"),
      /insufficient balance: coldkey 0x[0-9a-fA-F]{40} holds [\d,.]+ TAO but staking 5,000\.000000000 TAO needs/,
    );
  });

  it("fails in one line on an insufficient balance", async () => {
    const r = await tao(
      ["--json", "--yes", "stake", "add", "--netuid", "1", "--wallet", "carol", "--amount", "5", "--tolerance", "100"],
      env,
    );
    assertOneLineError(
      r,
      /insufficient balance: coldkey 0x[0-9a-fA-F]{40} holds 0\.000000000 TAO but staking 5\.000000000 TAO needs 5\.000000000 TAO/,
    );
    const reg = await tao(["--json", "--yes", "neuron", "register", "--netuid", "1", "--wallet", "carol"], env);
    assertOneLineError(reg, /insufficient balance: .* the registration burn needs/);
  });

  it("checks a subnet creation before asking or approving: a rate-limited one fails with nothing sent", async () => {
    const dave = keys.dave!.coldkey;
    const nonce = await chain.pub.getTransactionCount({ address: dave });
    const r = await tao(["--json", "--yes", "subnet", "create", "--wallet", "dave", "--hotkey", "default"], env);
    assertOneLineError(
      r,
      /createSubnet reverted with NetworkRateLimited\((\d+)\): subnet creation is rate limited until slot \1: try again then/,
    );
    assert.equal(await chain.pub.getTransactionCount({ address: dave }), nonce, "no approval was sent");
  });

  it("fails in one line on a wrong password", async () => {
    const r = await tao(["--json", "--yes", "subnet", "start", "1", "--wallet", "alice"], {
      ...env,
      TAO_PASSWORD: "not the password",
    });
    assertOneLineError(r, /wrong password for wallet alice/);
  });

  it("fails in one line on bad values and contract reverts", async () => {
    assertOneLineError(
      await tao(["--json", "subnet", "set", "1", "MaxUids", "100000", "--wallet", "alice"], env),
      /setHyperparam MaxUids reverted with ValueOutOfBounds\(0, 100000, \d+, 256\): MaxUids 100000 is outside \d+\.\.256/,
    );
    assertOneLineError(
      await tao(["--json", "stake", "add", "--netuid", "1", "--amount", "1.0000000001"], env),
      /has 10 decimals: TAO has 9/,
    );
    // A valid change of a live subnet asks first; with no one to ask (--json) it stops unless --yes.
    assertOneLineError(
      await tao(["--json", "subnet", "set", "1", "ImmunityPeriod", "100", "--wallet", "alice"], env),
      /not confirmed \(Set ImmunityPeriod of live subnet 1 to 100\?\).*pass --yes/,
    );
    assertOneLineError(
      await tao(["--json", "subnet", "set", "1", "Bogus", "1"], env),
      /unknown hyperparameter "Bogus": use one of MaxUids/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", "subnet", "start", "1", "--wallet", "alice"], env),
      /startEmission reverted with EmissionAlreadyStarted\(1, \d+\): subnet 1 already started/,
    );
    assertOneLineError(
      await tao(
        [
          "--json",
          "--yes",
          "weights",
          "commit",
          "--netuid",
          "1",
          "--wallet",
          "bob",
          "--uids",
          "0,99",
          "--values",
          "1,1",
        ],
        env,
      ),
      /--uids has uid 99 but subnet 1 has \d+ neurons \(uids 0\.\.\d+\)/,
    );
    // bob's hotkey is uid 1; before the first settled epoch only the owner's hotkey holds a permit.
    assertOneLineError(
      await tao(
        ["--json", "--yes", "weights", "set", "--netuid", "1", "--wallet", "bob", "--uids", "0", "--values", "65535"],
        env,
      ),
      /setWeights reverted with NoValidatorPermit\(1, 1\): uid 1 holds no validator permit on subnet 1: .*add stake/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", "subnet", "create", "--wallet", "alice", "--max-lock", "1"], env),
      /the lock cost [\d,.]+ TAO is above --max-lock 1\.000000000 TAO: raise --max-lock/,
    );
  });

  it("watches the subnet: settles and claims each closed epoch, then resumes from its cursor", async () => {
    const status = await ok(["epoch", "status", "--netuid", "1", "--epoch", "0"]);
    const close = BigInt(status.closeSlot as string);
    const now = BigInt(status.currentSlot as string);
    await chain.advanceSlots(Number(close - now + 2n));
    const results = path.join(dir, "epoch-results");
    const settle = ["--json", "epoch", "settle", "--netuid", "1", "--epoch", "0", "--wallet", "alice"];
    assertOneLineError(
      await tao([...settle, "--results-dir", results, "--confirmations", "128"], env),
      /epoch 0 of subnet 1 closed at slot \d+ but not yet 128 block\(s\) deep: wait for more blocks or lower --confirmations/,
    );
    assertOneLineError(
      await tao([...settle, "--confirmations", "129"], env),
      /--confirmations "129" is not an integer in 0..128/,
    );
    // Unset: 0 on a local network, the validator's 2 on a public one; a value given is kept.
    assert.deepEqual(
      ["localhost", "anvil", "sepolia"].map((n) => parseConfirmations(undefined, n)),
      [0, 0, 2],
    );
    assert.equal(parseConfirmations("0", "sepolia"), 0);
    const args = ["epoch", "watch", "--netuid", "1", "--wallet", "alice", "--results-dir", results, "--once"];
    assertOneLineError(
      await tao(["--json", ...args, "--poll-ms", "0"], env),
      /--poll-ms 0 is too short: pass 100 or more/,
    );
    const first = await ok([...args, "--from-epoch", "0"]);
    const resolved = first.resolved as { epoch: string; status: string; claimed: number }[];
    assert.equal(resolved[0]?.epoch, "0");
    assert.equal(resolved[0]?.status, "finalised", "the owner's hotkey finalises the bootstrap epoch alone");
    assert.equal(first.next, "1");
    const info = await ok(["epoch", "status", "--netuid", "1", "--epoch", "0"]);
    assert.equal(info.status, "finalised");
    // The metagraph reads the watcher's results: payouts and Yuma's scores of the finalised epoch.
    const mg = await ok(["metagraph", "--netuid", "1", "--results-dir", results]);
    assert.equal(mg.epoch, "0");
    const rows = mg.neurons as {
      uid: number;
      incentive: string | null;
      consensus: number | null;
      validatorTrust: number | null;
    }[];
    for (const r of rows) {
      assert.notEqual(r.incentive, null, `uid ${r.uid} has its payout`);
      assert.ok(Number.isInteger(r.consensus) && r.consensus! >= 0 && r.consensus! <= 65535, `uid ${r.uid} consensus`);
      assert.ok(Number.isInteger(r.validatorTrust) && r.validatorTrust! <= 65535, `uid ${r.uid} validator trust`);
    }
    const human = await tao(["metagraph", "--netuid", "1", "--results-dir", results], env);
    assert.match(human.stdout, /vtrust/);
    assert.match(human.stdout, /0\.\d{4}|1\.0000/);
    // Honest permits stand: challenge-permits finds no proof and sends nothing; a pair given is refused in one
    // line, with the verifier's reason; the status says the permits are not disproved.
    const challenge = ["epoch", "challenge-permits", "--netuid", "1", "--wallet", "alice"];
    const stands = await ok(challenge);
    assert.equal(stands.challenged, false);
    assert.equal(stands.disproved, false);
    assert.equal(stands.epoch, "0");
    const bitmap = BigInt(stands.permitsBitmap as string);
    assert.equal(bitmap & 1n, 1n, "the owner's uid holds a permit");
    assertOneLineError(
      await tao(["--json", ...challenge, "--excluded-uid", "0", "--permitted-uid", "0"], env),
      /challengePermits 1\/0 .*ExcludedUidPermitted.*uid 0 holds a permit in the latest finalised permits/,
    );
    assertOneLineError(
      await tao(["--json", ...challenge, "--excluded-uid", "1"], env),
      /pass --excluded-uid and --permitted-uid together, or neither/,
    );
    assertOneLineError(
      await tao(["--json", ...challenge, "--excluded-uid", "256", "--permitted-uid", "0"], env),
      /--excluded-uid "256" is not an integer in 0..255/,
    );
    assert.equal((await ok(["epoch", "status", "--netuid", "1", "--epoch", "0"])).permitsDisproved, false);
    // Restarted: the saved cursor wins over --from-epoch; nothing new has closed, so nothing is done.
    const again = await ok([...args, "--from-epoch", "0"]);
    assert.deepEqual(again.resolved, []);
    assert.equal(again.next, "1");
  });

  it("takes btcli's spellings: `subnets register`, `s metagraph`, `w overview`", async () => {
    await ok(["w", "new-hotkey", "--wallet-name", "bob", "--wallet-hotkey", "second"]);
    const reg = await ok(["subnets", "register", "--netuid", "1", "--wallet", "bob", "--hotkey", "second"]);
    assert.equal(reg.uid, 2);
    assert.deepEqual(await ok(["s", "metagraph", "--netuid", "1"]), await ok(["metagraph", "--netuid", "1"]));

    const overview = await ok(["w", "overview", "--wallet", "bob"]);
    assert.equal(overview.coldkey, keys.bob!.coldkey);
    const neurons = overview.neurons as {
      netuid: number;
      uid: number;
      hotkeyName: string | null;
      axon: string | null;
    }[];
    assert.deepEqual(
      neurons.map((n) => [n.netuid, n.uid, n.hotkeyName, n.axon]),
      [
        [1, 1, "default", "http://127.0.0.1:8091"],
        [1, 2, "second", null],
      ],
    );
    const hotkeys = overview.hotkeys as { name: string; address: string; gas: string }[];
    assert.deepEqual(
      hotkeys.map((h) => h.name),
      ["default", "second"],
    );
    assert.equal(hotkeys[0]!.address, keys.bob!.hotkey);
    assert.equal(
      BigInt(hotkeys[0]!.gas),
      await chain.pub.getBalance({ address: keys.bob!.hotkey }),
      "the hotkey's gas is its native balance",
    );
    const table = await tao(["wallet", "overview", "--wallet", "bob"], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /│ 1 +│ 2 +│ second /);
    const none = await tao(["wallet", "overview", "--wallet", "dave"], env);
    assert.match(none.stdout, /No neurons: register a hotkey with `tao subnet register --netuid <n> --wallet dave/);
  });

  it("quotes a stake as it will land: after the emission of the slots nobody has minted yet", async () => {
    // 300 unminted slots move subnet 1's pool (the stake mints them first); a quote from the stored pool would
    // be far off and the stake would fail its 1% limit.
    await chain.advanceSlots(300);
    // The reads see the pending coinbase: the pool as it is after one, which only a coinbase makes.
    const { Emission, Staking } = chain.deployment.contracts;
    const pool = { address: Staking!, abi: stakingAbi, functionName: "pool", args: [1] } as const;
    const stored = await chain.pub.readContract(pool);
    const [seen] = (await readAfterMint({ client: chain.pub, emission: Emission }, [pool])) as [typeof stored];
    assert.ok(seen.taoReserve > stored.taoReserve, "the pending emission is in the quote's pool");
    const hash = await chain.gov.writeContract({
      address: Emission,
      abi: emissionAbi,
      functionName: "coinbase",
      account: chain.gov.account!,
      chain: chain.gov.chain,
    });
    await chain.pub.waitForTransactionReceipt({ hash });
    assert.deepEqual(await chain.pub.readContract(pool), seen, "exactly the pool a coinbase leaves");
    await chain.advanceSlots(300);
    const staked = await ok(["stake", "add", "--netuid", "1", "--wallet", "bob", "--amount", "1", "--tolerance", "1"]);
    assert.equal(staked.taoUsed, TAO.toString());
    // Part of it moves to alice's hotkey (less the pool fee Staking keeps on a move between hotkeys) and part
    // goes to carol's coldkey on the same hotkey (alpha for alpha).
    const tenth = TAO / 10n;
    const moved = await ok([
      "stake",
      "move",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--amount",
      "0.1",
      "--dest-hotkey",
      keys.alice!.hotkey,
    ]);
    assert.equal(moved.alphaOut, (tenth - feeOf(tenth)).toString());
    assert.equal(moved.expectedAlphaOut, moved.alphaOut, "the quote is what the move lands");
    const given = await ok([
      "stake",
      "transfer",
      "--netuid",
      "1",
      "--wallet",
      "bob",
      "--amount",
      "0.1",
      "--dest-coldkey",
      keys.carol!.coldkey,
    ]);
    assert.equal(given.alphaOut, tenth.toString());
    const carols = (await ok(["stake", "list", "--wallet", "carol"])).positions as { hotkey: string; alpha: string }[];
    assert.deepEqual(
      carols.map((x) => [x.hotkey, x.alpha]),
      [[keys.bob!.hotkey, tenth.toString()]],
    );
    const removed = await ok(["stake", "remove", "--netuid", "1", "--wallet", "bob", "--all", "--tolerance", "1"]);
    assert.equal(BigInt(removed.alphaUsed as string), BigInt(staked.alphaOut as string) - 2n * tenth);
  });

  it("says a commit's random salt, with the reveal command, before the commit is sent", async () => {
    // Subnet 1 has commit-reveal off, so the commit fails: after the salt was said, as a lost receipt would.
    const r = await tao(
      [
        "--json",
        "--yes",
        "weights",
        "commit",
        "--netuid",
        "1",
        "--wallet",
        "alice",
        "--uids",
        "0,1",
        "--values",
        "1,1",
      ],
      env,
    );
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split("\n");
    const salt =
      /warning: keep the salt (0x[0-9a-f]{64}): `tao --network localhost weights reveal --netuid 1 --wallet-name alice --wallet-hotkey default --uids '0,1' --values '1,1' --salt \1 --version-key \d+` reveals this commit/;
    assert.match(lines[0]!, salt, r.stderr);
    assert.match(lines.at(-1)!, /commitWeights reverted/, r.stderr);
  });
});
