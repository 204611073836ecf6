/**
 * The miner's serveAxon against the real registry (in-process Hardhat): the ServingRateLimited revert becomes a
 * ServingRateLimitedError naming the slot, and a miner restarted within the serving rate limit comes back up
 * without sending serveAxon again.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { LocalAccount, PublicClient } from "viem";
import { subnetRegistryAbi, taoAbi } from "../../offchain/abi/index.js";
import { slotOf } from "../../offchain/epoch/blockAtSlot.js";
import type { LocalChain } from "../../offchain/localnet/bootstrap.js";
import { createMinerChain, startMinerProcess } from "../../offchain/miner/chain.js";
import { ServingRateLimitedError } from "../../offchain/miner/minerChain.js";
import { startFakeOllama, type FakeOllama } from "../../offchain/ollama/fakeServer.js";
import type { ProtocolDeployment } from "../../offchain/validator/adapters/protocol.js";
import { key, localSubnet } from "../e2e/harness.js";

describe("serveAxon on the registry: rate limit and restarts", { timeout: 60_000 }, () => {
  let chain: LocalChain;
  let client: PublicClient;
  let deployment: ProtocolDeployment;
  let netuid: number;
  let fake: FakeOllama;
  const owner = { coldkey: key(0), hotkey: key(10) };
  const minerA = { coldkey: key(2), hotkey: key(12) };
  const minerB = { coldkey: key(3), hotkey: key(13) };
  const fresh = { coldkey: key(6), hotkey: key(16) };
  const broke = { coldkey: key(7), hotkey: key(17) };
  const halfApproved = { coldkey: key(8), hotkey: key(18) };

  before(async () => {
    const net = await localSubnet({
      owner,
      validators: [],
      miners: [minerA, minerB],
      validatorStakeTao: [10n],
      tempo: 20,
      grantTao: 100n,
      spareColdkeys: [fresh.coldkey.address, halfApproved.coldkey.address], // funded, never approved anything
      commitReveal: false,
    });
    client = net.publicClient as unknown as PublicClient;
    chain = net.chain;
    deployment = net.deployment;
    netuid = net.netuid;
    fake = await startFakeOllama({});
  });
  after(async () => {
    await fake.close();
  });

  /** The miner's chain access for a coldkey and hotkey pair. */
  const minerChainOf = (k: { coldkey: LocalAccount; hotkey: LocalAccount }) =>
    createMinerChain({
      client,
      deployment,
      hotkey: k.hotkey,
      hotkeyWallet: chain.wallet(k.hotkey),
      coldkeyWallet: chain.wallet(k.coldkey),
    });

  const onChain = async (hotkey: LocalAccount) => {
    const rows = await client.readContract({
      address: deployment.contracts.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "metagraph",
      args: [netuid, 0, 64],
    });
    return rows.find((r) => r.hotkey === hotkey.address)?.axon.endpoint;
  };

  it("a second serve inside the limit is a ServingRateLimitedError naming the slot serving reopens", async () => {
    const miner = minerChainOf(minerA);
    await miner.serveAxon(netuid, "http://203.0.113.7:8091", 0, 1);
    const servedAt = slotOf((await client.getBlock({ blockTag: "latest" })).timestamp, BigInt(deployment.genesisTime));
    await assert.rejects(miner.serveAxon(netuid, "http://203.0.113.8:8091", 0, 1), (e: unknown) => {
      assert.ok(e instanceof ServingRateLimitedError, String(e));
      assert.equal(e.nextSlot, servedAt + 50n, "the default SERVING_RATE_LIMIT is 50 slots");
      assert.ok(e.waitMs > 0 && e.waitMs <= 50 * 12_000, `waitMs ${e.waitMs}`);
      assert.match(e.message, new RegExp(`ServingRateLimited .*serving is allowed again at slot ${e.nextSlot}`));
      return true;
    });
    assert.equal(await onChain(minerA.hotkey), "http://203.0.113.7:8091", "the first endpoint stays");
  });

  it("a miner restarted within the limit comes back up without sending serveAxon", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "miner-b-"));
    const start = (port: number) =>
      startMinerProcess({
        client,
        deployment,
        netuid,
        network: "hardhat",
        hotkey: minerB.hotkey,
        hotkeyWallet: chain.wallet(minerB.hotkey),
        ollamaHost: fake.url,
        port,
        metagraphRefreshMs: 1_000,
        dataDir,
      });
    const first = await start(0);
    const port = Number(new URL(first.url).port);
    assert.equal(first.publication?.state, "published");
    await first.close();
    assert.equal(await onChain(minerB.hotkey), first.endpoint);
    const txs = await client.getTransactionCount({ address: minerB.hotkey.address });
    const second = await start(port);
    try {
      assert.equal(second.publication?.state, "unchanged");
      assert.equal(await client.getTransactionCount({ address: minerB.hotkey.address }), txs, "no transaction sent");
      assert.equal((await fetch(`${second.url}/health`)).status, 200);
    } finally {
      await second.close();
    }
  });

  it("registers for a coldkey that never approved the registry (it allows the burn up to maxBurn first, after the checks)", async () => {
    const tao = { address: deployment.contracts.TAO!, abi: taoAbi } as const;
    const registry = deployment.contracts.SubnetRegistry!;
    const allowance = () =>
      client.readContract({ ...tao, functionName: "allowance", args: [fresh.coldkey.address, registry] });
    assert.equal(await allowance(), 0n);
    const miner = minerChainOf(fresh);
    const burn = await miner.burnCost(netuid);
    const maxBurn = burn * 2n;
    const { burned } = await miner.register(netuid, maxBurn);
    assert.ok(burned <= maxBurn);
    assert.equal(await miner.isRegistered(netuid, fresh.hotkey.address), true);
    assert.equal(await allowance(), maxBurn - burned, "allowed up to maxBurn, the burn taken from it");

    // Refused up front (already registered): no approval is sent for nothing.
    const approve = async (coldkey: LocalAccount, amount: bigint) => {
      const w = chain.wallet(coldkey);
      const hash = await w.writeContract({
        ...tao,
        functionName: "approve",
        args: [registry, amount],
        account: w.account,
        chain: w.chain,
      });
      await client.waitForTransactionReceipt({ hash });
    };
    await approve(fresh.coldkey, 0n);
    const sent = await client.getTransactionCount({ address: fresh.coldkey.address });
    await assert.rejects(miner.register(netuid, maxBurn), /refused: reverted with AlreadyRegistered\(/);
    assert.equal(await allowance(), 0n, "no approval");
    assert.equal(await client.getTransactionCount({ address: fresh.coldkey.address }), sent, "nothing sent");

    // An allowance that covers today's burn but not --max-burn is raised to it (a rising burn must not fail).
    const half = minerChainOf(halfApproved);
    const burnNow = await half.burnCost(netuid);
    await approve(halfApproved.coldkey, burnNow);
    const got = await half.register(netuid, burnNow * 3n);
    assert.equal(
      await client.readContract({
        ...tao,
        functionName: "allowance",
        args: [halfApproved.coldkey.address, registry],
      }),
      burnNow * 3n - got.burned,
    );

    const poor = minerChainOf(broke);
    await assert.rejects(
      poor.register(netuid, maxBurn),
      new RegExp(`coldkey ${broke.coldkey.address} holds 0 TAO, the burn is [\\d.]+ TAO: fund the coldkey`),
    );
  });

  it("a registration the registry refuses (burn over maxBurn, hotkey bound elsewhere, no such subnet) approves nothing", async () => {
    // halfApproved's coldkey registered above and still holds TAO; its allowance is set back to 0 first.
    const tao = { address: deployment.contracts.TAO!, abi: taoAbi } as const;
    const registry = deployment.contracts.SubnetRegistry!;
    const w = chain.wallet(halfApproved.coldkey);
    const reset = await w.writeContract({
      ...tao,
      functionName: "approve",
      args: [registry, 0n],
      account: w.account,
      chain: w.chain,
    });
    await client.waitForTransactionReceipt({ hash: reset });
    const sent = await client.getTransactionCount({ address: halfApproved.coldkey.address });
    const unregistered = minerChainOf({ coldkey: halfApproved.coldkey, hotkey: key(19) });
    const burn = await unregistered.burnCost(netuid);
    await assert.rejects(
      unregistered.register(netuid, burn / 2n),
      new RegExp(`registration of ${key(19).address} on subnet ${netuid} refused: reverted with BurnTooHigh\\(`),
    );
    // minerA's hotkey is bound to minerA's coldkey: another coldkey's consent cannot take it.
    await assert.rejects(
      minerChainOf({ coldkey: halfApproved.coldkey, hotkey: minerA.hotkey }).register(netuid, burn * 2n),
      /refused: reverted with HotkeyBoundToOther\(/,
    );
    await assert.rejects(
      unregistered.register(netuid + 50, burn * 2n),
      new RegExp(
        `registration of ${key(19).address} on subnet ${netuid + 50} refused: reverted with SubnetNotFound\\(`,
      ),
    );
    await assert.rejects(
      unregistered.isRegistered(netuid + 50, key(19).address),
      new RegExp(
        `whether ${key(19).address} is registered on subnet ${netuid + 50} failed: reverted with SubnetNotFound\\(`,
      ),
    );
    assert.equal(
      await client.readContract({ ...tao, functionName: "allowance", args: [halfApproved.coldkey.address, registry] }),
      0n,
      "no approval",
    );
    assert.equal(await client.getTransactionCount({ address: halfApproved.coldkey.address }), sent, "nothing sent");
  });

  it("a hotkey without gas is told how to fund it, not the node's raw balance error", async () => {
    // The hotkey registered above, with its native coin taken away.
    await client.request({ method: "hardhat_setBalance" as never, params: [fresh.hotkey.address, "0x0"] as never });
    const miner = minerChainOf(fresh);
    await assert.rejects(
      miner.serveAxon(netuid, "http://203.0.113.9:8091", 0, 1),
      /native balance cannot pay the gas: fund it .*tao wallet fund-hotkey/,
    );
  });
});
