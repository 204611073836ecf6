// `tao stake claim-dissolved` against a real Anvil: stake on a subnet that governance then dissolves is paid out
// from its pool's TAO to each staker that claims, once, by exactly what the contract pays.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address, PublicClient } from "viem";
import { stakingAbi, subnetRegistryAbi, taoAbi } from "../../../offchain/abi/index.js";
import { assertOneLineError, startCliChain, type CliChain } from "../chainFixture.js";
import { tao } from "../support.js";

describe("tao stake claim-dissolved (against a real Anvil)", () => {
  let chain: CliChain;
  let env: NodeJS.ProcessEnv;
  let pub: PublicClient;
  let keys: Record<string, { coldkey: Address; hotkey: Address }>;
  const ok = (argv: string[]) => chain.ok(argv);
  const balanceOf = (who: Address) =>
    pub.readContract({ address: chain.deployment.contracts.TAO, abi: taoAbi, functionName: "balanceOf", args: [who] });
  const claimCmd = (wallet: string, ...extra: string[]) => [
    "stake",
    "claim-dissolved",
    "--netuid",
    "1",
    "--wallet",
    wallet,
    ...extra,
  ];

  before(async () => {
    chain = await startCliChain({
      tmpPrefix: "tao-cli-dissolved-",
      wallets: ["alice", "bob", "carol"],
      grants: { alice: 300n, bob: 50n, carol: 50n },
    });
    ({ env, pub, keys } = chain);
    await ok(["subnet", "create", "--wallet", "alice", "--hotkey", "default"]);
    await ok(["subnet", "start", "1", "--wallet", "alice"]);
    await chain.advanceSlots(2);
    const to = keys.alice!.hotkey;
    await ok(["stake", "add", "--netuid", "1", "--wallet", "bob", "--to", to, "--amount", "2", "--tolerance", "50"]);
    await ok(["stake", "add", "--netuid", "1", "--wallet", "carol", "--to", to, "--amount", "1", "--tolerance", "50"]);
  });

  after(async () => {
    await chain?.stop();
  });

  it("refuses a subnet that was never dissolved, and root, naming the way out", async () => {
    assertOneLineError(
      await tao(["--json", "--yes", ...claimCmd("bob")], env),
      /subnet 1 has never been dissolved: nothing to claim .*tao stake remove --netuid 1/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "claim-dissolved", "--netuid", "0", "--wallet", "bob"], env),
      /--netuid 0 is root, which is never dissolved/,
    );
  });

  it("pays each staker its share of the pot once, finding the hotkey from its stake logs", async () => {
    const wait = async (hash: `0x${string}`) =>
      assert.equal((await pub.waitForTransactionReceipt({ hash })).status, "success");
    await wait(
      await chain.gov.writeContract({
        address: chain.deployment.contracts.SubnetRegistry!,
        abi: subnetRegistryAbi,
        functionName: "dissolveSubnet",
        args: [1],
        account: chain.gov.account!,
        chain: chain.gov.chain,
      }),
    );
    const staking = chain.deployment.contracts.Staking!;
    const [pot, , unclaimedBefore] = await pub.readContract({
      address: staking,
      abi: stakingAbi,
      functionName: "dissolved",
      args: [1, 0],
    });
    assert.ok(pot > 0n);

    // Unstaking from it now names the command that pays its stake.
    assertOneLineError(
      await tao(["--json", "--yes", "stake", "remove", "--netuid", "1", "--wallet", "bob", "--all"], env),
      /subnet 1 was dissolved on \w+ and not created again: .*tao stake claim-dissolved --netuid 1/,
    );

    const listed = await ok(["stake", "list", "--wallet", "bob", "--dissolved"]);
    assert.deepEqual(listed.positions, [], "no live stake");
    const claimable = listed.dissolved as { netuid: number; generation: number; hotkey: string; tao: string }[];
    assert.deepEqual(
      claimable.map((x) => [x.netuid, x.generation, x.hotkey]),
      [[1, 0, keys.alice!.hotkey]],
    );

    const before = await balanceOf(keys.bob!.coldkey);
    const bob = await ok(claimCmd("bob"));
    const claims = bob.claims as { hotkey: string; tao: string }[];
    assert.deepEqual(
      claims.map((c) => c.hotkey),
      [keys.alice!.hotkey],
    );
    assert.equal(bob.generation, 0);
    const bobTao = BigInt(bob.totalTao as string);
    assert.equal((await balanceOf(keys.bob!.coldkey)) - before, bobTao, "the balance grew by what it printed");
    assert.ok(bobTao > (15n * 10n ** 9n) / 10n, "at least most of the 2 TAO staked");
    assert.equal(claimable[0]!.tao, bobTao.toString(), "stake list --dissolved showed what the claim paid");
    assert.deepEqual((await ok(["stake", "list", "--wallet", "bob", "--dissolved"])).dissolved, []);

    assertOneLineError(
      await tao(["--json", "--yes", ...claimCmd("bob")], env),
      /coldkey 0x[0-9a-fA-F]{40} \(wallet bob\) has nothing to claim on dissolved subnet 1 \(generation 0\)/,
    );
    assertOneLineError(
      await tao(["--json", "--yes", ...claimCmd("carol", "--generation", "1")], env),
      /--generation "1" is not a dissolved life of subnet 1: pass 0 to 0/,
    );

    // In words this time: what each position paid, and the total.
    const carol = await tao(["--yes", ...claimCmd("carol", "--stake-hotkey", keys.alice!.hotkey)], env);
    assert.equal(carol.code, 0, carol.stderr);
    const m =
      /^Claimed (\d+)\.(\d{9}) TAO of dissolved subnet 1 \(generation 0\) for coldkey (0x[0-9a-fA-F]{40}):\n {2}(0x[0-9a-fA-F]{40}): \1\.\2 TAO \(0x[0-9a-f]{64}\)$/m.exec(
        carol.stdout,
      );
    assert.ok(m, carol.stdout);
    assert.equal(m[3], keys.carol!.coldkey);
    assert.equal(m[4], keys.alice!.hotkey);
    const carolTao = BigInt(m[1]! + m[2]!);
    assert.ok(carolTao > (7n * 10n ** 9n) / 10n && carolTao < bobTao, "carol staked half as much");
    const [, , unclaimedAfter] = await pub.readContract({
      address: staking,
      abi: stakingAbi,
      functionName: "dissolved",
      args: [1, 0],
    });
    assert.equal(unclaimedBefore - unclaimedAfter, bobTao + carolTao, "the pot paid exactly the two claims");
  });
});
