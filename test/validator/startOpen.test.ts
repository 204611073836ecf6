/**
 * startValidator with open prompts: the config's `model` is built into the service (reference answers and
 * embeddings through the `ollama` client, against the fake Ollama server), so a round of open prompts scores
 * the miners; and stop() stops the service (its round in flight) before it closes the dendrites.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import type { PublicClient } from "viem";
import type { LocalChain } from "../../offchain/localnet/bootstrap.js";
import type { RunningMiner } from "../../offchain/miner/runMiner.js";
import { startFakeOllama, type FakeOllama } from "../../offchain/ollama/fakeServer.js";
import { ValidatorStore } from "../../offchain/store/validatorStore.js";
import type { ProtocolDeployment } from "../../offchain/validator/adapters/protocol.js";
import { parseConfig, type ValidatorConfig } from "../../offchain/validator/config.js";
import { openModelFromConfig, startValidator, type RunningValidator } from "../../offchain/validator/start.js";
import { startFakeMiners } from "../e2e/fakeMiners.js";
import { keys, localSubnet } from "../e2e/harness.js";

const MODEL = "llama3.2:1b";
const EMBED = "nomic-embed-text";

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A pino logger whose lines land in `lines` (parsed). */
function capture(): { logger: pino.Logger; lines: { msg: string; component?: string }[] } {
  const lines: { msg: string; component?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString("utf8").split("\n").filter(Boolean))
        lines.push(JSON.parse(l) as { msg: string; component?: string });
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

describe("startValidator builds the configured open-prompt model", () => {
  it("from model.name / embedModel / host and similarityFloor; none without a model", () => {
    const base = { network: "hardhat", netuids: [1], wallet: { name: "v", hotkey: "h" } };
    assert.equal(openModelFromConfig(parseConfig(base)), undefined);
    const open = openModelFromConfig(
      parseConfig({
        ...base,
        taskMix: { verifiable: 0.8, open: 0.2 },
        model: { name: MODEL, host: "http://127.0.0.1:1/" },
        similarityFloor: 0.3,
      }),
    );
    assert.deepEqual(
      [open?.model, open?.embedModel, open?.host, open?.similarityFloor],
      [MODEL, EMBED, "http://127.0.0.1:1", 0.3],
    );
  });
});

describe("startValidator with open prompts, on the in-process Hardhat network", { timeout: 120_000 }, () => {
  let chain: LocalChain;
  let client: PublicClient;
  let deployment: ProtocolDeployment;
  let netuid: number;
  const owner = keys(0, 10);
  const minerKeys = [keys(2, 12), keys(3, 13)];
  const fakes: FakeOllama[] = [];
  const miners: RunningMiner[] = [];
  let validatorOllama: FakeOllama;
  const running: RunningValidator[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "start-open-"));

  const config = (name: string, over: Record<string, unknown> = {}): ValidatorConfig =>
    parseConfig({
      network: "hardhat",
      netuids: [netuid],
      wallet: { name, hotkey: "default" },
      timeoutMs: 2_000,
      roundIntervalMs: 20,
      emaAlpha: 0.5,
      taskMix: { verifiable: 0, open: 1 },
      model: { name: MODEL, embedModel: EMBED, host: validatorOllama.url },
      similarityFloor: 0.5,
      dbPath: path.join(dir, `${name}.db`),
      confirmations: 0,
      ...over,
    });

  before(async () => {
    const net = await localSubnet({
      owner,
      validators: [],
      miners: minerKeys,
      validatorStakeTao: [70n],
      minLockTao: 1_000n,
      tempo: 20,
      grantTao: 2_000n,
      commitReveal: false,
    });
    client = net.publicClient as unknown as PublicClient;
    chain = net.chain;
    deployment = net.deployment;
    netuid = net.netuid;
    validatorOllama = await startFakeOllama({ models: [MODEL, EMBED] });
    const started = await startFakeMiners({ client, chain, deployment, netuid }, minerKeys, { model: MODEL });
    fakes.push(...started.fakes);
    miners.push(...started.miners);
  });

  after(async () => {
    for (const v of running) await v.stop();
    for (const m of miners) await m.close();
    for (const f of [...fakes, validatorOllama]) await f?.close();
  });

  it("a round of open prompts scores the miners by similarity to the reference", async () => {
    const v = await startValidator(config("open"), {
      chain: { client, wallet: chain.wallet(owner.hotkey), deployment },
    });
    running.push(v);
    assert.equal(v.open?.model, MODEL);
    const hotkeys = minerKeys.map((k) => k.hotkey.address.toLowerCase());
    await until("both miners scored on open prompts", () => {
      const scored = v.store.scores(netuid).filter((s) => hotkeys.includes(s.hotkey.toLowerCase()) && s.ema > 0);
      return scored.length === hotkeys.length;
    });
    assert.match(v.metrics.render(), /validator_round_queries_total\{[^}]*outcome="scored"[^}]*\} [1-9]/);
    assert.ok((validatorOllama.stats.requests["POST /api/embed"] ?? 0) > 0, "similarity came from /api/embed");
    assert.ok((validatorOllama.stats.requests["POST /api/chat"] ?? 0) > 0, "the reference came from /api/chat");
    await v.stop();
  });

  it("stop() stops the round in flight before closing the dendrites; the miners' scores are untouched", async () => {
    const { logger, lines } = capture();
    // Miners that take longer than the round: the round is in flight when stop() comes.
    for (const f of fakes) await f.setMode({ latencyMs: 60_000 });
    const v = await startValidator(config("stopping", { timeoutMs: 30_000 }), {
      chain: { client, wallet: chain.wallet(owner.hotkey), deployment },
      logger,
    });
    running.push(v);
    const asked = () => fakes.reduce((a, f) => a + f.stats.generations, 0);
    const before = asked();
    await until("both miners working on the round's prompt", () => asked() >= before + 2);
    await v.stop();
    const order = lines.map((l) => l.msg);
    const roundStopped = order.indexOf("round stopped: unanswered queries left unscored");
    const closing = order.indexOf("service stopped: closing the dendrites and the store");
    assert.ok(roundStopped >= 0, `the round ended as stopped: ${JSON.stringify(order)}`);
    assert.ok(closing > roundStopped, `the dendrites closed after the round ended: ${JSON.stringify(order)}`);
    const reopened = ValidatorStore.open(path.join(dir, "stopping.db"));
    try {
      assert.deepEqual(reopened.scores(netuid), [], "queries cut by the stop are unscored, not failed");
    } finally {
      reopened.close();
    }
    for (const f of fakes) await f.setMode({ latencyMs: 0 });
  });

  it("refuses to start on another hotkey's store, before sending or reading anything", async () => {
    const mine = config("shared");
    const v = await startValidator(mine, { chain: { client, wallet: chain.wallet(owner.hotkey), deployment } });
    await v.stop();
    await assert.rejects(
      startValidator(mine, { chain: { client, wallet: chain.wallet(minerKeys[0]!.hotkey), deployment } }),
      new RegExp(
        `belongs to hotkey ${owner.hotkey.address.toLowerCase()} on chain \\d+ .*not to hotkey ` +
          `${minerKeys[0]!.hotkey.address.toLowerCase()}.*give this validator its own store`,
      ),
    );
  });

  it("keeps a store of a chain deployed again aside and starts a new one; refuses a deployment file of another", async () => {
    const file = path.join(dir, "redeployed.db");
    const settlement = deployment.contracts.Settlement!;
    const genesis = Number(deployment.genesisTime);
    // A store of the same chain id and addresses, bound to an earlier genesis (the chain was reset since).
    const old = ValidatorStore.open(file);
    old.bindIdentity({
      chainId: deployment.chainId,
      settlement,
      hotkey: owner.hotkey.address,
      genesisTime: genesis - 3600,
    });
    old.close();
    const { logger, lines } = capture();
    const v = await startValidator(config("redeployed", { dbPath: file }), {
      chain: { client, wallet: chain.wallet(owner.hotkey), deployment },
      logger,
    });
    await v.stop();
    const aside = `${file}.genesis-${genesis - 3600}`;
    assert.ok(existsSync(aside), "the old store is kept");
    assert.ok(lines.some((l) => l.msg.includes(`the old store is kept as ${aside}`)));
    const now = ValidatorStore.open(file);
    assert.equal(now.identity()?.genesisTime, genesis);
    now.close();
    // A deployment file whose genesis is not the Settlement's: refused before any store is touched.
    await assert.rejects(
      startValidator(config("stale-file", { dbPath: path.join(dir, "stale.db") }), {
        chain: { client, wallet: chain.wallet(owner.hotkey), deployment: { ...deployment, genesisTime: genesis + 1 } },
      }),
      /the Settlement at 0x[0-9a-fA-F]{40} has genesis \d+ .*the file is of another deployment/,
    );
    assert.equal(existsSync(path.join(dir, "stale.db")), false);
  });

  it("warns when it starts a new default store where an earlier version's ./.validator/validator.db exists", async () => {
    const cwd = process.cwd();
    const work = mkdtempSync(path.join(tmpdir(), "legacy-cwd-"));
    mkdirSync(path.join(work, ".validator"));
    writeFileSync(path.join(work, ".validator", "validator.db"), "");
    process.chdir(work);
    try {
      // As parseConfig leaves it without --db (the default path, here in a temp dir instead of ~).
      const defaulted = { ...config("legacy"), dbPath: path.join(dir, "legacy-default.db"), dbPathDefaulted: true };
      for (const [cfg, warned] of [
        [{ ...defaulted, dbPathDefaulted: false }, false], // --db given: its choice
        [defaulted, true],
        [defaulted, false], // the new store exists now: the choice was made
      ] as const) {
        const { logger, lines } = capture();
        const v = await startValidator(cfg, {
          chain: { client, wallet: chain.wallet(owner.hotkey), deployment },
          logger,
        });
        await v.stop();
        const warning = lines.find((l) => /earlier version/.test(l.msg));
        assert.equal(warning !== undefined, warned, JSON.stringify(cfg.dbPathDefaulted));
        if (warning) {
          assert.ok(warning.msg.includes(`--db ${path.join(work, ".validator", "validator.db")}`), warning.msg);
        }
        if (!cfg.dbPathDefaulted) rmSync(cfg.dbPath, { force: true });
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it("warns at start when its hotkey has no gas, naming the command that funds it", async () => {
    const broke = keys(5, 15).hotkey;
    await client.request({ method: "hardhat_setBalance" as never, params: [broke.address, "0x0"] as never });
    const { logger, lines } = capture();
    const v = await startValidator(config("broke"), {
      chain: { client, wallet: chain.wallet(broke), deployment },
      logger,
    });
    running.push(v);
    await until("the warning", () => lines.some((l) => /has no native coin for gas/.test(l.msg)));
    assert.ok(
      lines.some((l) => /tao --network \S+ wallet fund-hotkey --wallet-name broke --wallet-hotkey default/.test(l.msg)),
    );
    await v.stop();
  });

  it("warns at start off local networks when a subnet is scored by verifiable tasks alone", async () => {
    const starts = async (over: Record<string, unknown>) => {
      const { logger, lines } = capture();
      const v = await startValidator(config(`mix-${String(over.network)}`, over), {
        chain: { client, wallet: chain.wallet(owner.hotkey), deployment },
        logger,
      });
      await v.stop();
      return lines.some((l) =>
        /scored by verifiable tasks only, which code answers exactly without a model/.test(l.msg),
      );
    };
    assert.equal(await starts({ network: "sepolia", taskMix: { verifiable: 1, open: 0 } }), true);
    assert.equal(await starts({ network: "sepolia" }), false, "open prompts take part: no warning");
    assert.equal(await starts({ network: "hardhat", taskMix: { verifiable: 1, open: 0 } }), false, "local: no warning");
  });

  it("logs its Ollama host without the credentials in it", async () => {
    const { logger, lines } = capture();
    const host = "http://validator:s3cret@127.0.0.1:9"; // nothing listens on port 9
    const v = await startValidator(config("creds", { model: { name: MODEL, embedModel: EMBED, host } }), {
      chain: { client, wallet: chain.wallet(owner.hotkey), deployment },
      logger,
    });
    running.push(v);
    await until("the warning", () => lines.some((l) => /Ollama is not reachable/.test(l.msg)));
    await v.stop();
    const text = JSON.stringify(lines);
    assert.ok(!text.includes("s3cret"), text);
    assert.ok(text.includes("http://127.0.0.1:9"), "the host is still named");
  });
});
