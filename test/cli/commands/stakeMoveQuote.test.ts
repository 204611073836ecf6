// `tao stake move` / `tao stake transfer` across subnets against a real Anvil: the quote is what the move lands
// with, to the rao. The contract charges one fee (the sale's, or the buy's when leaving fee-free root; root as
// the destination is 1:1), after the coinbase the move runs first; a quote that charged the buy's fee as well
// would ask for 0.05 % less than `--tolerance` says.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { stakingAbi, subnetRegistryAbi } from "../../../offchain/abi/index.js";
import { assertOneLineError, startCliChain, type CliChain } from "../chainFixture.js";
import { tao } from "../support.js";

const NETWORK_RATE_LIMIT = 2; // ISubnetRegistry.NetParam.NetworkRateLimit

describe("tao stake move / transfer across subnets (against a real Anvil)", () => {
  let chain: CliChain;
  let env: NodeJS.ProcessEnv;
  let keys: Record<string, { coldkey: Address; hotkey: Address }>;
  const ok = (argv: string[]) => chain.ok(argv);
  const wait = async (hash: Hex) =>
    assert.equal((await chain.pub.waitForTransactionReceipt({ hash })).status, "success");

  /**
   * Lets `slots` slots pass unminted (the move mints them first), then pins the clock: the head block opens a
   * slot and the next block (the move) lands one second later, in the same slot the quote's `eth_call` reads.
   */
  async function pendingSlotsThenPin(slots: number): Promise<void> {
    await chain.advanceSlots(slots);
    await chain.pinNextSlot();
  }

  const stakeOf = (netuid: number, hotkey: Address, coldkey: Address) =>
    chain.pub.readContract({
      address: chain.deployment.contracts.Staking!,
      abi: stakingAbi,
      functionName: "position",
      args: [netuid, hotkey, coldkey],
    });

  before(async () => {
    chain = await startCliChain({
      tmpPrefix: "tao-cli-move-quote-",
      wallets: ["alice", "bob", "carol"],
      grants: { alice: 300n, bob: 600n, carol: 100n },
    });
    ({ env, keys } = chain);
    // Two subnets back to back.
    await wait(
      await chain.gov.writeContract({
        address: chain.deployment.contracts.SubnetRegistry!,
        abi: subnetRegistryAbi,
        functionName: "setNetworkParam",
        args: [NETWORK_RATE_LIMIT, 0n],
        account: chain.gov.account!,
        chain: chain.gov.chain,
      }),
    );
    assert.equal((await ok(["subnet", "create", "--wallet", "alice", "--hotkey", "default"])).netuid, 1);
    assert.equal((await ok(["subnet", "create", "--wallet", "bob", "--hotkey", "default"])).netuid, 2);
    await ok(["subnet", "start", "1", "--wallet", "alice"]);
    await ok(["subnet", "start", "2", "--wallet", "bob"]);
    await chain.advanceSlots(2);
    const to = keys.alice!.hotkey;
    await ok(["stake", "add", "--netuid", "1", "--wallet", "carol", "--to", to, "--amount", "10", "--tolerance", "50"]);
    await ok(["stake", "add", "--netuid", "0", "--wallet", "carol", "--to", to, "--amount", "10"]);
  });

  after(async () => {
    await chain?.stop();
  });

  /** `tao --json --yes stake <cmd> … --tolerance 0`: the quote must be exact for the move to land at all. */
  async function exactMove(cmd: "move" | "transfer", argv: string[]) {
    await pendingSlotsThenPin(50);
    const r = await ok(["stake", cmd, "--wallet", "carol", "--to", keys.alice!.hotkey, ...argv, "--tolerance", "0"]);
    const out = BigInt(r.alphaOut as string);
    assert.ok(out > 0n);
    assert.equal(BigInt(r.minAlphaOut as string), out, "--tolerance 0 asks for exactly the quote");
    assert.equal(r.expectedAlphaOut, r.alphaOut, "the quote is what the move produced");
    return out;
  }

  it("subnet to subnet: the quote charges the sale's fee only", async () => {
    const hotkey = keys.alice!.hotkey;
    const carol = keys.carol!.coldkey;
    const [, before] = await stakeOf(2, hotkey, carol);
    const out = await exactMove("move", ["--netuid", "1", "--dest-netuid", "2", "--amount", "3"]);
    const [, after] = await stakeOf(2, hotkey, carol);
    assert.equal(after - before, out, "the position on subnet 2 grew by what the move said");
  });

  it("root to subnet: the buy pays the fee, the 1:1 sale none (a transfer to another coldkey)", async () => {
    const hotkey = keys.alice!.hotkey;
    const bob = keys.bob!.coldkey;
    const [, before] = await stakeOf(2, hotkey, bob);
    const out = await exactMove("transfer", [
      "--netuid",
      "0",
      "--dest-netuid",
      "2",
      "--amount",
      "2",
      "--dest-coldkey",
      bob,
    ]);
    const [, after] = await stakeOf(2, hotkey, bob);
    assert.equal(after - before, out, "bob's position on subnet 2 is what the transfer said");
  });

  it("subnet to root: the sale's TAO, 1:1; the human line shows the same quote", async () => {
    await pendingSlotsThenPin(50);
    const r = await tao(
      [
        "--yes",
        "stake",
        "move",
        "--wallet",
        "carol",
        "--to",
        keys.alice!.hotkey,
        "--netuid",
        "1",
        "--dest-netuid",
        "0",
        "--amount",
        "1",
        "--tolerance",
        "0",
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const quoted = /-> ≈ ([\d,]+\.\d{9}) α on subnet 0 \(at least \1\)/.exec(r.stderr);
    assert.ok(quoted, r.stderr);
    const moved = /^Moved 1\.000000000 α to 0x[0-9a-fA-F]{40} on subnet 0: ([\d,]+\.\d{9}) α \(0x[0-9a-f]{64}\)$/m.exec(
      r.stdout,
    );
    assert.ok(moved, r.stdout);
    assert.equal(moved[1], quoted[1], "the quote is what the move produced");
  });

  it("same subnet, another hotkey: the quote keeps back the pool fee Staking takes on such a move", async () => {
    const dest = keys.bob!.hotkey;
    const carol = keys.carol!.coldkey;
    const [, before] = await stakeOf(1, dest, carol);
    const out = await exactMove("move", ["--netuid", "1", "--amount", "1", "--dest-hotkey", dest]);
    assert.ok(out < 1_000_000_000n, "less than the alpha moved");
    const [, after] = await stakeOf(1, dest, carol);
    assert.equal(after - before, out, "the position on the other hotkey grew by what the move said");
  });

  it("a watch-only wallet is refused before any password, by stake commands too", async () => {
    await ok(["wallet", "regen-coldkeypub", "--wallet", "watch", "--address", keys.carol!.coldkey]);
    const r = await tao(
      [
        "--json",
        "stake",
        "add",
        "--netuid",
        "1",
        "--wallet",
        "watch",
        "--to",
        keys.alice!.hotkey,
        "--amount",
        "0.1",
        "--tolerance",
        "50",
      ],
      {
        ...env,
        TAO_PASSWORD: "",
      },
    );
    assertOneLineError(
      r,
      /wallet watch has no coldkey\.json in .*\(watch-only\): import its coldkey with `tao wallet import --wallet-name watch`/,
    );
  });

  it("refuses a move whose sale is worth less than the minimum stake, before the password", async () => {
    const r = await tao(
      [
        "--json",
        "--yes",
        "stake",
        "move",
        "--wallet",
        "carol",
        "--to",
        keys.alice!.hotkey,
        "--netuid",
        "0",
        "--dest-netuid",
        "1",
        "--amount",
        "0.001",
      ],
      { ...env, TAO_PASSWORD: "" },
    );
    assertOneLineError(
      r,
      /moving 0\.001000000 α from subnet 0 to subnet 1 sells it for 0\.001000000 TAO, under the minimum stake of 0\.002000000 TAO: raise --amount/,
    );
  });
});
