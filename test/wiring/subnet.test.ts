/**
 * The whole subnet wired together on the in-process Hardhat network: 3 miners (real axons on loopback,
 * serveAxon on chain, each behind its own fake Ollama: correct, often failing, too slow) and 2 validators
 * started through `startValidator`, while the test moves chain time across epochs. Then a validator is
 * stopped between its commit and its reveal and restarted from the same SQLite file.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { network } from "hardhat";
import type { Address, EIP1193Provider, LocalAccount, PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { settlementAbi, stakingAbi, subnetRegistryAbi, weightsAbi } from "../../offchain/abi/index.js";
import { slotOf } from "../../offchain/epoch/blockAtSlot.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { bootstrapLocalSubnet, type LocalChain, type NeuronKeys } from "../../offchain/localnet/bootstrap.js";
import type { RunningMiner } from "../../offchain/miner/runMiner.js";
import type { FakeOllama } from "../../offchain/ollama/fakeServer.js";
import type { ProtocolDeployment } from "../../offchain/validator/adapters/protocol.js";
import { parseConfig } from "../../offchain/validator/config.js";
import { startValidator, type RunningValidator } from "../../offchain/validator/start.js";
import { startFakeMiners } from "../e2e/fakeMiners.js";
import { hardhatLocalChain } from "../e2e/localChain.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const key = (i: number): LocalAccount => mnemonicToAccount(MNEMONIC, { addressIndex: i });
const keys = (c: number, h: number): NeuronKeys => ({ coldkey: key(c), hotkey: key(h) });
const TEMPO = 20;
const TIMEOUT_MS = 400;

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("wiring: 3 miners and 2 validators run a subnet on their own", { timeout: 90_000 }, () => {
  let chain: LocalChain;
  let client: PublicClient;
  let deployment: ProtocolDeployment;
  let netuid: number;
  const owner = keys(0, 10);
  const validatorB = keys(1, 11);
  const minerKeys = [keys(2, 12), keys(3, 13), keys(4, 14)]; // correct, often failing, slow
  const fakes: FakeOllama[] = [];
  const miners: RunningMiner[] = [];
  const validators = new Map<string, RunningValidator>();
  const dir = mkdtempSync(path.join(tmpdir(), "wiring-"));
  const startStake: bigint[] = [];

  const slotNow = async () =>
    slotOf((await client.getBlock({ blockTag: "latest" })).timestamp, BigInt(deployment.genesisTime));
  const epochNow = async () =>
    client.readContract({
      address: deployment.contracts.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "epochAt",
      args: [netuid, await slotNow()],
    });
  /** Moves chain time to `offset` slots past the start of the next epoch; returns that epoch. */
  const toNextEpoch = async (offset: number) => {
    const [, , close] = await epochNow();
    await chain.increaseTime(Number(close - (await slotNow()) + BigInt(offset)) * 12);
    return (await epochNow())[0];
  };
  const toOffset = async (offset: number) => {
    const [, start] = await epochNow();
    const target = start + BigInt(offset);
    const now = await slotNow();
    if (target > now) await chain.increaseTime(Number(target - now) * 12);
  };
  const stakeOf = async (hotkey: Address) =>
    (
      await client.readContract({
        address: deployment.contracts.Staking!,
        abi: stakingAbi,
        functionName: "hotkeyStake",
        args: [netuid, hotkey],
      })
    )[0];
  /** Waits until every running validator has completed `n` more steps. */
  const steps = async (n: number) => {
    const targets = [...validators.values()].map((v) => [v, v.steps() + n] as const);
    await until(`${n} validator steps`, () => targets.every(([v, t]) => v.steps() >= t));
  };
  const startOne = async (name: string, hotkey: LocalAccount) => {
    const config = parseConfig({
      network: "hardhat",
      netuids: [netuid],
      wallet: { name, hotkey: "default" },
      timeoutMs: TIMEOUT_MS,
      roundIntervalMs: 20,
      emaAlpha: 0.3,
      // The fake Ollama's solver covers arithmetic and string templates best.
      taskMix: { verifiable: 1, open: 0, kinds: { arithmetic: 1, string: 1 } },
      dbPath: path.join(dir, `${name}.db`),
      confirmations: 0,
      commitAfterSlots: 6,
      commitGuardSlots: 4,
      metricsPort: 0,
    });
    const v = await startValidator(config, { chain: { client, wallet: chain.wallet(hotkey), deployment } });
    validators.set(name, v);
    return v;
  };

  before(async () => {
    const { viem, provider } = await network.create();
    client = (await viem.getPublicClient()) as unknown as PublicClient;
    chain = hardhatLocalChain(provider as unknown as EIP1193Provider, client);
    const sub = await bootstrapLocalSubnet(chain, {
      network: "hardhat",
      owner,
      validators: [validatorB],
      miners: minerKeys,
      validatorStakeTao: [70n, 30n],
      minLockTao: 1_000n,
      tempo: TEMPO,
      grantTao: 2_000n,
      commitReveal: true,
    });
    deployment = sub.deployment;
    netuid = sub.netuid;
    await toNextEpoch(1); // the short tempo takes effect at the next boundary
    const started = await startFakeMiners({ client, chain, deployment, netuid }, minerKeys);
    fakes.push(...started.fakes);
    miners.push(...started.miners);
    for (const k of minerKeys) startStake.push(await stakeOf(k.hotkey.address));
    // Modes after start-up (the miner's warm-up generation must succeed).
    await fakes[1]!.setMode({ errorRate: 0.8 });
    await fakes[2]!.setMode({ latencyMs: 3_000 });
  });

  after(async () => {
    for (const v of validators.values()) await v.stop();
    for (const m of miners) await m.close();
    for (const f of fakes) await f.close();
  });

  it("serves axons on chain, finalises epochs, claims, and pays the correct miner most", async () => {
    const rows = await client.readContract({
      address: deployment.contracts.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "metagraph",
      args: [netuid, 0, 64],
    });
    for (const [i, m] of miners.entries()) {
      const row = rows.find((r) => r.hotkey === minerKeys[i]!.hotkey.address);
      assert.equal(row?.axon.endpoint, m.endpoint, `miner ${i} published its endpoint`);
    }
    const first = await startOne("owner", owner.hotkey);
    await startOne("b", validatorB.hotkey);
    // The fake Ollama solves only some task templates: wait for the correct miner's first solved task.
    const correctHotkey = minerKeys[0]!.hotkey.address.toLowerCase();
    await until(
      "a positive score for the correct miner",
      () => first.store.scores(netuid).some((s) => s.hotkey.toLowerCase() === correctHotkey && s.ema > 0),
      30_000,
    );
    let lastEpoch = 0n;
    for (let i = 0; i < 5; i++) {
      lastEpoch = await toNextEpoch(1); // reveal, settle the closed epochs, claim
      await steps(3);
      await toOffset(8); // commit window
      await steps(2);
    }
    const owned = validators.get("owner")!;
    const settled = owned.store.settlements(netuid);
    const claimed = settled.filter((s) => s.status === "claimed");
    assert.ok(claimed.length >= 2, `claimed epochs: ${JSON.stringify(settled.map((s) => [s.epoch, s.status]))}`);
    const finalised = [];
    for (const s of claimed) {
      const info = await client.readContract({
        address: deployment.contracts.Settlement!,
        abi: settlementAbi,
        functionName: "epochInfo",
        args: [netuid, BigInt(s.epoch)],
      });
      if (info.status === EpochStatus.Finalised) finalised.push(info);
    }
    assert.ok(
      finalised.some((f) => f.claimed > 0n),
      "a finalised epoch paid out claims",
    );
    assert.ok(
      owned.store.commits(netuid).some((c) => c.status === "revealed"),
      "the owner's validator revealed a commit",
    );
    const scraped = await (await fetch(owned.metricsUrl!)).text();
    for (const want of [
      new RegExp(`^validator_round_duration_seconds_count\\{netuid="${netuid}"\\} [1-9]`, "m"),
      new RegExp(`^validator_commits\\{netuid="${netuid}",status="revealed"\\} [1-9]`, "m"),
      new RegExp(`^validator_settlements\\{netuid="${netuid}",status="claimed"\\} [1-9]`, "m"),
      new RegExp(`^validator_actions_total\\{action="claim",netuid="${netuid}",result="ok"\\} [1-9]`, "m"),
    ])
      assert.match(scraped, want);
    const gains = await Promise.all(minerKeys.map(async (k, i) => (await stakeOf(k.hotkey.address)) - startStake[i]!));
    console.log(`miner stake gains (correct, often failing, slow): ${gains.join(", ")}`);
    assert.ok(gains[0]! > 0n, `the correct miner earned: ${gains.join(", ")}`);
    assert.ok(gains[0]! > gains[1]!, `correct > often failing: ${gains.join(", ")}`);
    assert.ok(gains[1]! >= gains[2]!, `often failing ≥ slow: ${gains.join(", ")}`);
    assert.ok(gains[0]! > gains[2]!, `correct > slow: ${gains.join(", ")}`);
    assert.ok(lastEpoch > 0n);
  });

  it("a validator stopped between commit and reveal reveals after a restart from the same database", async () => {
    const epoch = await toNextEpoch(1);
    await steps(2);
    await toOffset(8);
    const v = validators.get("owner")!;
    await until("the owner's commit of this epoch", () =>
      v.store.commits(netuid).some((c) => c.epoch === Number(epoch) && ["sent", "committed"].includes(c.status)),
    );
    const commit = v.store.commits(netuid).find((c) => c.epoch === Number(epoch))!;
    await v.stop();
    validators.delete("owner");
    const pending = async () =>
      (
        await client.readContract({
          address: deployment.contracts.Weights!,
          abi: weightsAbi,
          functionName: "pendingCommits",
          args: [netuid, owner.hotkey.address],
        })
      )[0].map((h) => h.toLowerCase());
    assert.ok((await pending()).includes(commit.hash.toLowerCase()), "the commit is on chain, unrevealed");

    await toNextEpoch(1); // the reveal epoch, with the validator down at its start
    const restarted = await startOne("owner", owner.hotkey);
    await until("the reveal after restart", () => restarted.store.commit(commit.id)?.status === "revealed", 20_000);
    assert.ok(!(await pending()).includes(commit.hash.toLowerCase()), "the commit was revealed on chain");
    const [slot, updated] = await client.readContract({
      address: deployment.contracts.Weights!,
      abi: weightsAbi,
      functionName: "lastUpdateOf",
      args: [netuid, owner.hotkey.address],
    });
    assert.ok(updated && slot > 0n);
  });
});
