import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidatorStore } from "../../offchain/store/index.js";
import { parseConfig, type ValidatorConfig } from "../../offchain/validator/config.js";
import type { QueryFn } from "../../offchain/validator/round.js";
import { STEP_BACKOFF, ValidatorService, nextStepDelay } from "../../offchain/validator/service.js";
import { tempFile } from "../store/helpers.js";
import { FakeChain, FakeSettlement, SELF, TEMPO, fakeCodec, minerQuery, subnet } from "./fakes.js";

const base = {
  network: "test",
  netuids: [1],
  wallet: { name: "w", hotkey: "h" },
  timeoutMs: 1000,
  roundIntervalMs: 0,
  commitGuardSlots: 10,
};
const config = parseConfig(base);

interface Extra {
  config?: ValidatorConfig;
  query?: QueryFn;
  /** Collects "level: message {fields}" lines. */
  logs?: string[];
}

function service(
  file: string,
  chain: FakeChain,
  codec: ReturnType<typeof fakeCodec>,
  settlement?: FakeSettlement,
  extra: Extra = {},
) {
  const store = ValidatorStore.open(file);
  let n = 0;
  const json = (o: unknown) => JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  const record =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      extra.logs?.push(`${level}: ${msg ?? ""} ${json(obj)}`);
    };
  const logger = { info: record("info"), warn: record("warn"), debug: record("debug"), error: record("error") };
  const svc = new ValidatorService({
    config: extra.config ?? config,
    store,
    chain,
    codec,
    query: extra.query ?? minerQuery,
    hotkey: SELF,
    ...(settlement ? { settlement } : {}),
    ...(extra.logs ? { logger } : {}),
    roundSeed: () => `seed-${n++}`,
  });
  return { store, svc };
}

const commits = (chain: FakeChain) => chain.calls.filter((c) => c.startsWith("commit"));

/** Epochs 10 and 11 committed (10 revealed in 11), epoch 10 settled, finalised and claimed. */
async function claimedEpoch10(chain: FakeChain, settlement: FakeSettlement, svc: ValidatorService): Promise<void> {
  chain.slot = 10 * TEMPO + 5;
  await svc.step();
  chain.slot = 11 * TEMPO + 5;
  await svc.step();
  settlement.final.add(10);
  await svc.tick(1, chain.slot);
  await svc.tick(1, chain.slot);
}

describe("validator service", () => {
  it("scores, commits, reveals in the next epoch, settles and claims", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const settlement = new FakeSettlement();
    const { store, svc } = service(tempFile(), chain, codec, settlement);

    // Epoch 10: a few rounds, then a commit.
    for (let i = 0; i < 3; i++) await svc.round(1, chain.slot);
    const [t1] = await svc.step();
    assert.deepEqual(
      t1?.outcomes.map((o) => [o.action.kind, o.ok]),
      [
        ["commit", true],
        ["coinbase", true],
      ],
    );
    assert.equal(store.commits(1)[0]?.status, "sent");
    await svc.tick(1, chain.slot);
    assert.equal(store.commits(1)[0]?.status, "committed");

    // Epoch 11: reveal epoch 10's commit, settle epoch 10, commit for epoch 11.
    chain.slot = 11 * TEMPO + 5;
    const t2 = await svc.tick(1, chain.slot);
    assert.deepEqual(
      t2.outcomes.map((o) => [o.action.kind, o.ok]),
      [
        ["reveal", true],
        ["commit", true],
        ["settle", true],
        ["coinbase", true],
      ],
    );
    const revealed = chain.revealed[0];
    assert.ok(revealed);
    assert.equal(revealed.epoch, 10);
    // uid 1 (fast, right) > uid 2 (slow, right); uid 3 (wrong) gets nothing; the validator itself is absent.
    assert.deepEqual(revealed.uids, [1, 2]);
    assert.equal(revealed.values[0], 65535);
    assert.ok((revealed.values[1] as number) < 65535 && (revealed.values[1] as number) > 0);
    assert.equal(settlement.submitted.size, 1);
    assert.deepEqual(store.bonds(1, 10), new Uint8Array([10]));

    settlement.final.add(10);
    const t3 = await svc.tick(1, chain.slot);
    assert.deepEqual(
      t3.outcomes.map((o) => o.action.kind),
      ["confirmReveal", "confirmCommit", "checkSettlement"],
    );
    assert.equal(store.commits(1)[0]?.status, "revealed");
    await svc.tick(1, chain.slot);
    assert.deepEqual(settlement.claimed, [10]);
    assert.equal(store.settlement(1, 10)?.status, "claimed");
    assert.equal(store.lastSlot(1), chain.slot);
    store.close();
  });

  it("after a crash between sending a commit and recording it, finds it on chain and reveals it with the stored salt", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const file = tempFile();
    const first = service(file, chain, codec);
    await first.svc.round(1, chain.slot);
    chain.crashNextCommit = "after";
    const t = await first.svc.tick(1, chain.slot);
    assert.equal(t.outcomes[0]?.ok, false);
    assert.equal(first.store.commits(1)[0]?.status, "intent");
    first.store.close(); // the process is gone

    const second = service(file, chain, codec);
    const r = await second.svc.tick(1, chain.slot);
    assert.deepEqual(
      [r.outcomes[0]?.action.kind, r.outcomes[0]?.detail],
      ["recoverCommit", `commit ${chain.pending[0]?.hash} found on chain; it reveals in epoch 11`],
    );
    chain.slot = 11 * TEMPO + 1;
    await second.svc.tick(1, chain.slot);
    assert.equal(chain.revealed.length, 1, "reveal failed: salt or weights lost");
    assert.equal(
      codec.salts,
      2,
      "one salt for epoch 10, one for epoch 11: no salt regenerated for the recovered commit",
    );
    second.store.close();
  });

  it("after a crash before the commit was sent, resends the same hash (same salt) in the same epoch", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const file = tempFile();
    const first = service(file, chain, codec);
    await first.svc.round(1, chain.slot);
    chain.crashNextCommit = "before";
    await first.svc.tick(1, chain.slot);
    const intent = first.store.commits(1)[0];
    assert.equal(intent?.status, "intent");
    assert.equal(chain.pending.length, 0);
    first.store.close();

    const second = service(file, chain, codec);
    chain.slot += 5;
    const r = await second.svc.tick(1, chain.slot);
    assert.equal(r.outcomes[0]?.action.kind, "recoverCommit");
    assert.match(r.outcomes[0]?.detail ?? "", /resent in 0x[0-9a-f]+ \(same salt\)/);
    assert.equal(chain.pending[0]?.hash, intent?.hash);
    chain.slot = 11 * TEMPO + 1;
    const confirm = await second.svc.tick(1, chain.slot);
    assert.equal(confirm.outcomes[0]?.action.kind, "confirmCommit");
    await second.svc.tick(1, chain.slot);
    assert.equal(chain.revealed.length, 1);
    second.store.close();
  });

  it("expires an intent whose epoch passed without it landing", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const { store, svc } = service(tempFile(), chain, codec);
    await svc.round(1, chain.slot);
    chain.crashNextCommit = "before";
    await svc.tick(1, chain.slot);
    chain.slot = 11 * TEMPO + 1;
    const r = await svc.tick(1, chain.slot);
    assert.deepEqual(r.outcomes[0]?.action, {
      kind: "recoverCommit",
      netuid: 1,
      commitId: 1,
      epoch: 10,
      resendable: false,
      epochOver: true,
    });
    assert.equal(store.commit(1)?.status, "expired");
    store.close();
  });

  it("reads the slot again when the tick starts: a round that ran into the guard window commits nothing", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    let slow = false;
    const query: QueryFn = async (axon, task, ms, signal) => {
      if (slow) chain.slot = 11 * TEMPO - 5; // the round ends 5 slots before epoch 10 closes
      return minerQuery(axon, task, ms, signal);
    };
    const { store, svc } = service(tempFile(), chain, codec, undefined, { query });
    await svc.round(1, chain.slot);
    chain.slot = 11 * TEMPO - 30;
    slow = true;
    const [t] = await svc.step();
    assert.equal(t?.slot, 11 * TEMPO - 5);
    assert.deepEqual(commits(chain), [], "a commit decided at the slot read before the round would land in epoch 11");
    assert.match(t?.schedule.waiting[0]?.message ?? "", /too close to the end of epoch 10/);
    store.close();
  });

  it("stores the epoch the chain recorded a late commit in, and reveals it in the epoch after that one", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const { store, svc } = service(tempFile(), chain, codec);
    await svc.round(1, chain.slot);
    chain.slot = 11 * TEMPO - 11; // one slot before the guard window: the commit is decided for epoch 10
    chain.commitLag = 15; // but it lands in epoch 11
    assert.equal((await svc.tick(1)).outcomes[0]?.action.kind, "commit");
    const confirm = (await svc.tick(1)).outcomes[0];
    assert.equal(confirm?.action.kind, "confirmCommit");
    assert.match(confirm?.detail ?? "", /made for epoch 10, it landed in epoch 11\); it reveals in epoch 12$/);
    const row = store.commit(1);
    assert.deepEqual([row?.status, row?.epoch, row?.commitEpoch], ["committed", 10, 11]);

    chain.commitLag = 0;
    chain.slot = 11 * TEMPO + 150; // epoch 11, past the rate limit
    const t11 = await svc.tick(1);
    assert.ok(!chain.calls.includes("reveal"), "revealed in epoch 11: the chain answers RevealTooEarly");
    assert.ok(!t11.outcomes.some((o) => o.action.kind === "commit"), "epoch 11 already holds the late commit");
    chain.slot = 12 * TEMPO + 5;
    const t12 = await svc.tick(1);
    assert.equal(t12.outcomes.find((o) => o.action.kind === "reveal")?.ok, true);
    assert.equal(chain.revealed[0]?.epoch, 11);
    assert.equal(store.commit(1)?.status, "revealing");
    store.close();
  });

  it("does not resend a commit that never went out once its epoch is within commitGuardSlots of closing", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const { store, svc } = service(tempFile(), chain, codec);
    await svc.round(1, chain.slot);
    chain.crashNextCommit = "before";
    await svc.tick(1);
    chain.slot = 11 * TEMPO - 5;
    const r = await svc.tick(1);
    assert.equal(r.outcomes[0]?.action.kind, "recoverCommit");
    assert.match(
      r.outcomes[0]?.detail ?? "",
      /within commitGuardSlots of the epoch's end \(slot 3960\): a resend could land in epoch 11/,
    );
    assert.equal(commits(chain).length, 1, "resent inside the guard window");
    assert.equal(store.commit(1)?.status, "intent");
    chain.slot = 11 * TEMPO + 1;
    await svc.tick(1);
    assert.equal(store.commit(1)?.status, "expired");
    store.close();
  });

  it("records the commit tx before waiting for its receipt: a timed-out wait is followed up, not resent", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const { store, svc } = service(tempFile(), chain, codec);
    await svc.round(1, chain.slot);
    chain.crashNextCommit = "receipt";
    const first = await svc.tick(1);
    assert.equal(first.outcomes[0]?.ok, false);
    assert.match(first.outcomes[0]?.detail ?? "", /no receipt within/);
    const row = store.commit(1);
    assert.deepEqual([row?.status, row?.commitTx], ["sent", chain.held?.tx]);
    chain.slot += 5;
    const waiting = await svc.tick(1);
    assert.deepEqual(
      [waiting.outcomes[0]?.action.kind, waiting.outcomes[0]?.detail],
      ["confirmCommit", `commit tx ${row?.commitTx} not yet confirmed`],
    );
    chain.mineHeld();
    await svc.tick(1);
    assert.deepEqual([store.commit(1)?.status, store.commit(1)?.commitEpoch], ["committed", 10]);
    assert.equal(commits(chain).length, 1, "the commit was sent twice");
    store.close();
  });

  it("one failing subnet does not stop the others nor back the loop off; a missing netuid is flagged at start", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    chain.missing.add(2);
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, undefined, {
      config: parseConfig({ ...base, netuids: [1, 2, 3] }),
      logs,
    });
    const pauses: number[] = [];
    const ticked: number[][] = [];
    const abort = new AbortController();
    await svc.run(abort.signal, {
      onStep: (r) => ticked.push(r.map((t) => t.netuid)),
      sleep: async (ms) => {
        pauses.push(ms);
        if (pauses.length === 2) abort.abort();
      },
    });
    assert.deepEqual(ticked, [
      [1, 3],
      [1, 3],
    ]);
    assert.deepEqual(pauses, [0, 0], "no backoff: the chain was readable");
    assert.ok(store.scores(3).length > 0, "netuid 3 ran its rounds");
    assert.ok(
      logs.some((l) => l.startsWith("error: netuid 2 of the configured [1, 2, 3] does not exist on chain")),
      logs.join("\n"),
    );
    assert.ok(
      logs.some((l) =>
        l.startsWith("error: tick failed on netuid 2; the other subnets go on: netuid 2 does not exist"),
      ),
      logs.join("\n"),
    );
    await assert.rejects(svc.assertSubnetsExist(), /netuid 2 of the configured \[1, 2, 3\] does not exist on chain/);
    store.close();
  });

  it("a stop during the round leaves the miners' scores alone and sends nothing after it", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const abort = new AbortController();
    // Every query hangs until aborted, then reports a failure, as the dendrite does when closed.
    const query: QueryFn = (_axon, _task, _ms, signal) =>
      new Promise((resolve) =>
        signal.addEventListener("abort", () => resolve({ ok: false, status: 0, error: "socket closed", latencyMs: 1 })),
      );
    const { store, svc } = service(tempFile(), chain, codec, undefined, { query });
    setTimeout(() => abort.abort(), 30);
    const t0 = performance.now();
    const results = await svc.step(abort.signal);
    assert.ok(performance.now() - t0 < 500, "the round waited for its deadline (1000 ms) after the stop");
    assert.deepEqual(results, [], "a tick ran after the stop");
    assert.deepEqual(store.scores(1), [], "the stop was scored against the miners");
    assert.deepEqual(chain.calls, [], "a transaction went out after the stop");
    store.close();
  });

  it("sends one coinbase per step whatever the number of subnets, though the confirmed read lags it", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    chain.mintLag = true; // lastMintedSlot keeps reading 0
    const { store, svc } = service(tempFile(), chain, codec, undefined, {
      config: parseConfig({ ...base, netuids: [1, 2] }),
    });
    const coinbases = () => chain.calls.filter((c) => c === "coinbase").length;
    await svc.step();
    assert.equal(coinbases(), 1);
    await svc.step();
    assert.equal(coinbases(), 1, "the same slot minted twice");
    chain.slot += 25;
    await svc.step();
    assert.equal(coinbases(), 2);
    store.close();
  });

  it("pads the vector to minAllowedWeights and clips it to maxWeightLimit, so the reveal passes", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    chain.rules = { neuronCount: 4, minAllowedWeights: 3, maxWeightLimit: 39_321, selfUid: 0 }; // 60 %
    const { store, svc } = service(tempFile(), chain, codec);
    for (let i = 0; i < 3; i++) await svc.round(1, chain.slot);
    const commit = (await svc.tick(1)).outcomes[0];
    assert.equal(commit?.action.kind, "commit");
    assert.match(
      commit?.detail ?? "",
      /top scores clipped to the subnet's maxWeightLimit; padded with zero-weight uid\(s\) 3/,
    );
    await svc.tick(1);
    chain.slot = 11 * TEMPO + 5;
    const reveal = (await svc.tick(1)).outcomes.find((o) => o.action.kind === "reveal");
    assert.equal(reveal?.ok, true, reveal?.detail);
    const r = chain.revealed[0];
    assert.deepEqual(r?.uids, [1, 2, 3], "uid 3 (score 0) pads the vector; the validator's own uid 0 is left out");
    assert.deepEqual([r?.values[0], r?.values[2]], [65535, 0]);
    store.close();
  });

  it("sends no commit when the vector cannot pass the subnet's rules, and says why", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    chain.rules = { neuronCount: 4, minAllowedWeights: 1, maxWeightLimit: 16_384, selfUid: 0 }; // 25 %: 4+ uids
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, undefined, { logs });
    await svc.round(1, chain.slot);
    const t = await svc.tick(1);
    assert.deepEqual(commits(chain), []);
    const refusal = t.schedule.refused[0];
    assert.equal(refusal?.reason, "invalid-weights");
    assert.match(
      refusal?.message ?? "",
      /^no commit sent: .*maxWeightLimit 16384 \(25\.00% of the row\) needs more than 2 uid\(s\) with a positive score/,
    );
    assert.ok(logs.some((l) => l.startsWith("warn: no commit sent")));
    store.close();
  });

  it("warns of a standing refusal once per epoch and repeats it at debug level only", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    chain.rules = { neuronCount: 4, minAllowedWeights: 1, maxWeightLimit: 16_384, selfUid: 0 };
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, undefined, { logs });
    await svc.round(1, chain.slot);
    for (let i = 0; i < 3; i++) await svc.tick(1);
    const count = (level: string) => logs.filter((l) => l.startsWith(`${level}: no commit sent`)).length;
    assert.deepEqual([count("warn"), count("debug")], [1, 2], logs.join("\n"));
    chain.rules = { ...chain.rules, maxWeightLimit: 8_192 }; // another problem: warned of at once
    await svc.tick(1);
    assert.deepEqual([count("warn"), count("debug")], [2, 2], logs.join("\n"));
    chain.rules = { ...chain.rules, maxWeightLimit: 16_384 }; // the first one is back after a step without it
    await svc.tick(1);
    await svc.tick(1);
    assert.deepEqual([count("warn"), count("debug")], [3, 3], logs.join("\n"));
    chain.slot += TEMPO; // a new epoch: the refusal still stands and is warned of again
    await svc.tick(1);
    await svc.tick(1);
    assert.deepEqual([count("warn"), count("debug")], [4, 4], logs.join("\n"));
    store.close();
  });

  it("waits, without an error, for the confirmed head to pass an epoch's close", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const settlement = new FakeSettlement();
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, settlement, { logs });
    chain.slot = 10 * TEMPO + 5;
    await svc.step();
    chain.slot = 11 * TEMPO + 5;
    settlement.notYet = 1;
    const [waited] = await svc.step();
    const settle = waited?.outcomes.find((o) => o.action.kind === "settle");
    assert.equal(settle?.ok, false);
    assert.match(settle?.detail ?? "", /not closed yet at the confirmed head/);
    assert.ok(
      logs.some((l) => l.startsWith("info: waiting for the chain")),
      logs.join("\n"),
    );
    assert.ok(!logs.some((l) => l.startsWith("error:")), logs.join("\n"));
    await svc.step();
    assert.ok(settlement.submitted.has(10), "settled on the next step");
    store.close();
  });

  it("keeps going when one action fails", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    chain.failCoinbase = true;
    const { store, svc } = service(tempFile(), chain, codec);
    await svc.round(1, chain.slot);
    const r = await svc.tick(1, chain.slot);
    assert.deepEqual(
      r.outcomes.map((o) => [o.action.kind, o.ok, o.detail.slice(0, 16)]),
      [
        ["commit", true, "commit 0x" + (store.commits(1)[0]?.hash.slice(2, 9) ?? "")],
        ["coinbase", false, "coinbase reverte"],
      ],
    );
    store.close();
  });

  it("backs off while the chain cannot be read, and resumes the round interval after a good step", async () => {
    const codec = fakeCodec();
    let reads = 0;
    const chain = new (class extends FakeChain {
      override async currentSlot() {
        if (++reads <= 3) throw new Error("fetch failed: ECONNREFUSED");
        return this.slot;
      }
    })(codec, subnet());
    const { store, svc } = service(tempFile(), chain, codec);
    const pauses: number[] = [];
    const steps: number[] = [];
    const abort = new AbortController();
    await svc.run(abort.signal, {
      onStep: (r) => steps.push(r.length),
      sleep: async (ms) => {
        pauses.push(ms);
        if (pauses.length === 5) abort.abort();
      },
    });
    assert.deepEqual(pauses, [1_000, 2_000, 4_000, 0, 0]); // roundIntervalMs is 0 in this config
    assert.deepEqual(steps, [1, 1], "two good steps after three failed ones");
    store.close();
  });

  it("never backs off below the round interval, nor beyond its cap", () => {
    assert.equal(nextStepDelay(0, 60_000), 60_000);
    assert.equal(nextStepDelay(1, 60_000), 60_000);
    assert.equal(nextStepDelay(7, 60_000), 64_000);
    assert.equal(nextStepDelay(2, 0), 2 * STEP_BACKOFF.baseMs);
    assert.equal(nextStepDelay(40, 0), STEP_BACKOFF.maxMs);
  });

  it("prunes finished rows older than keepEpochs once per epoch, and keeps open ones", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const settlement = new FakeSettlement();
    const logs: string[] = [];
    const keep = parseConfig({ ...base, keepEpochs: 9 });
    const { store, svc } = service(tempFile(), chain, codec, settlement, { config: keep, logs });
    // Epoch 10 committed, revealed in 11, settled and claimed; epoch 11 committed (revealed in 12).
    await claimedEpoch10(chain, settlement, svc);
    const before = {
      commit10: store.commits(1).find((c) => c.epoch === 10)?.status,
      settlement10: store.settlement(1, 10)?.status,
      settlement11: store.settlement(1, 11)?.status,
    };
    assert.deepEqual(before, { commit10: "revealed", settlement10: "claimed", settlement11: undefined });
    // Epoch 20: rows before epoch 11 are old enough.
    chain.slot = 20 * TEMPO + 5;
    await svc.tick(1, chain.slot);
    assert.equal(store.settlement(1, 10), undefined, "epoch 10's claimed settlement is gone");
    assert.equal(
      store.commits(1).find((c) => c.epoch === 10),
      undefined,
      "epoch 10's revealed commit is gone",
    );
    assert.ok(
      store.commits(1).some((c) => c.epoch === 11),
      "epoch 11 is inside the window",
    );
    assert.ok(store.latestBonds(1) !== undefined, "the newest bonds stay");
    assert.equal(logs.filter((l) => /pruned finished rows/.test(l)).length, 1);
    assert.deepEqual(settlement.forgotten, [10], "the claimed epoch's results are deleted, the others kept");
    await svc.tick(1, chain.slot);
    assert.equal(logs.filter((l) => /pruned finished rows/.test(l)).length, 1, "once per epoch");
    assert.deepEqual(settlement.forgotten, [10]);
  });

  it("keeps going when the claimed epochs' results cannot be deleted, and says so", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const settlement = new FakeSettlement();
    settlement.failForget = true;
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, settlement, {
      config: parseConfig({ ...base, keepEpochs: 9 }),
      logs,
    });
    await claimedEpoch10(chain, settlement, svc);
    chain.slot = 20 * TEMPO + 5;
    const t = await svc.tick(1, chain.slot);
    assert.ok(t.outcomes.every((o) => o.ok));
    assert.equal(store.settlement(1, 10), undefined);
    assert.ok(
      logs.some((l) =>
        /^warn: could not delete the results of claimed epochs 10 of netuid 1; they stay on disk/.test(l),
      ),
      logs.join("\n"),
    );
  });

  it("starts afresh on a subnet dissolved and created again: the old life's epochs are not the new one's", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const settlement = new FakeSettlement();
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, settlement, { logs });

    // Old life: epochs 10 and 11 committed, epoch 10 settled and claimed.
    await claimedEpoch10(chain, settlement, svc);
    assert.equal(store.settlement(1, 10)?.status, "claimed");
    assert.ok(store.commits(1).some((c) => c.epoch === 11));

    // Dissolved, and created again 10 epochs of slots later: the new life numbers its epochs from 10 again.
    chain.life = 2;
    chain.epochOffset = 10;
    chain.slot = 20 * TEMPO + 5; // the new life's epoch 10
    chain.pending = [];
    chain.lastUpdate = undefined;
    settlement.final.clear();
    settlement.submitted.clear();
    const [t] = await svc.step();
    assert.ok(
      t?.outcomes.some((o) => o.action.kind === "commit" && o.ok),
      `commits in the new life's epoch 10: ${JSON.stringify(t?.outcomes.map((o) => o.action.kind))}`,
    );
    assert.ok(
      logs.some((l) =>
        /warn: subnet 1 was dissolved and created again \(life 1, validated here since slot \d+, -> life 2 at slot \d+\)/.test(
          l,
        ),
      ),
    );
    assert.equal(store.life(1), 2);
    chain.slot = 21 * TEMPO + 5; // its epoch 10 is closed: it is settled, not taken for the old claimed one
    const t2 = await svc.tick(1, chain.slot);
    assert.ok(
      t2.outcomes.some((o) => o.action.kind === "settle" && o.action.epoch === 10 && o.ok),
      `settles the new epoch 10: ${JSON.stringify(t2.outcomes.map((o) => o.action.kind))}`,
    );
    assert.equal(store.settlement(1, 10)?.status, "submitted");
    store.close();
  });

  it("runs the schedule between rounds every tickIntervalMs, so a long round interval misses no window", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const cfg = parseConfig({ ...base, roundIntervalMs: 60_000, tickIntervalMs: 10_000 });
    const { store, svc } = service(tempFile(), chain, codec, undefined, { config: cfg });
    const pauses: number[] = [];
    const abort = new AbortController();
    let rounds = 0;
    await svc.run(abort.signal, {
      onStep: () => rounds++,
      sleep: async (ms) => {
        pauses.push(ms);
        if (pauses.length === 3) chain.slot += TEMPO; // the next epoch begins between two rounds
        if (pauses.length === 6) abort.abort();
      },
    });
    assert.deepEqual(pauses, [10_000, 10_000, 10_000, 10_000, 10_000, 10_000], "the round interval in ticks");
    assert.equal(rounds, 1, "one round: the rest were ticks");
    assert.equal(
      store.commits(1).filter((c) => c.epoch === Math.floor(chain.slot / TEMPO)).length,
      1,
      "the new epoch's commit went out from a tick, before the next round",
    );
    store.close();
  });

  it("says an epoch it had nothing to vote on was not voted, instead of 'submitted in 0x000…'", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const settlement = new (class extends FakeSettlement {
      override async submit() {
        return `0x${"00".repeat(32)}` as const;
      }
    })();
    const { store, svc } = service(tempFile(), chain, codec, settlement);
    chain.slot = 11 * TEMPO + 5;
    const t = await svc.tick(1, chain.slot);
    const settle = t.outcomes.find((o) => o.action.kind === "settle");
    assert.match(settle?.detail ?? "", /of epoch 10 not voted: nothing to vote/);
    store.close();
  });
});

describe("validator service: weights when the chain, the node or the subnet's settings move under it", () => {
  /** No coinbase (it would take a nonce), and no commit before slot 50 of an epoch. */
  const quiet = parseConfig({ ...base, coinbaseIntervalSlots: 0, commitAfterSlots: 50 });
  /** A service on a fresh fake chain, logging nothing; `tune` sets the chain up before the service opens. */
  const quietService = (tune?: (chain: FakeChain) => void) => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    tune?.(chain);
    return { chain, ...service(tempFile(), chain, codec, undefined, { config: quiet }) };
  };

  it("keeps a commit whose tx the node lost while its nonce is unused: it lands late and is revealed", async () => {
    const { chain, store, svc } = quietService();
    await svc.round(1, chain.slot);
    chain.crashNextCommit = "lost";
    const sent = await svc.tick(1);
    assert.match(sent.outcomes[0]?.detail ?? "", /signed as 0x[0-9a-f]+ but not broadcast/);
    const row = store.commit(1);
    assert.deepEqual([row?.status, row?.commitTx, row?.commitNonce], ["sent", chain.lost?.tx, 0]);

    chain.slot = 11 * TEMPO + 5; // epoch 10 is over; the lost tx is still out there
    const kept = await svc.tick(1);
    assert.equal(kept.outcomes[0]?.action.kind, "confirmCommit");
    assert.match(kept.outcomes[0]?.detail ?? "", /unknown to the node, but its nonce 0 is not used yet/);
    assert.equal(store.commit(1)?.status, "sent", "given up while it could still land");

    chain.landLost(); // mined from another node's pool, in epoch 11
    const landed = await svc.tick(1);
    assert.match(
      landed.outcomes[0]?.detail ?? "",
      /made for epoch 10, it landed in epoch 11\); it reveals in epoch 12/,
    );
    chain.slot = 12 * TEMPO + 5;
    await svc.tick(1);
    assert.deepEqual(
      chain.revealed.map((r) => r.epoch),
      [11],
    );
    store.close();
  });

  it("gives a lost commit up once the hotkey's next transaction took its nonce", async () => {
    const { chain, store, svc } = quietService();
    await svc.round(1, chain.slot);
    chain.crashNextCommit = "lost";
    await svc.tick(1);
    chain.slot = 11 * TEMPO + 60; // epoch 11's commit goes out and takes nonce 0
    const t = await svc.tick(1);
    assert.deepEqual(
      t.outcomes.map((o) => [o.action.kind, o.ok]),
      [
        ["confirmCommit", true],
        ["commit", true],
      ],
    );
    assert.equal(chain.lost, undefined, "the lost tx can no longer land");
    const gone = await svc.tick(1);
    assert.match(gone.outcomes[0]?.detail ?? "", /commit tx 0x[0-9a-f]+ unknown and epoch 10 is over/);
    assert.deepEqual(
      store.commits(1).map((c) => [c.epoch, c.status]),
      [
        [10, "expired"],
        [11, "committed"],
      ],
    );
    store.close();
  });

  it("sends no second commit in an epoch an earlier epoch's late commit is landing in", async () => {
    const { chain, store, svc } = quietService((c) => {
      c.rateLimit = 0;
    });
    await svc.round(1, chain.slot);
    chain.slot = 11 * TEMPO - 11; // epoch 10's commit goes out at its end and sits in the mempool
    chain.crashNextCommit = "receipt";
    await svc.tick(1);
    chain.slot = 11 * TEMPO + 60;
    const inFlight = await svc.tick(1);
    const commit = inFlight.outcomes.find((o) => o.action.kind === "commit");
    assert.match(
      commit?.detail ?? "",
      /^no commit for epoch 11: commit tx 0x[0-9a-f]+ \(epoch 10\) is not yet confirmed$/,
    );
    chain.mineHeld(); // lands in epoch 11
    const landed = await svc.tick(1);
    assert.match(
      landed.outcomes.find((o) => o.action.kind === "commit")?.detail ?? "",
      /^no commit for epoch 11: the commit made for epoch 10 landed in this one$/,
    );
    const after = await svc.tick(1);
    assert.ok(!after.outcomes.some((o) => o.action.kind === "commit"));
    assert.equal(commits(chain).length, 1, "two commits landed in epoch 11");
    assert.deepEqual(
      store.commits(1).map((c) => [c.epoch, c.commitEpoch, c.status]),
      [[10, 11, "committed"]],
    );
    store.close();
  });

  it("holds a reveal while commit-reveal is off, and reveals once it is on again inside the window", async () => {
    const codec = fakeCodec();
    const chain = new FakeChain(codec, subnet());
    const logs: string[] = [];
    const { store, svc } = service(tempFile(), chain, codec, undefined, { config: quiet, logs });
    await svc.round(1, chain.slot);
    await svc.tick(1);
    await svc.tick(1);
    assert.equal(store.commit(1)?.status, "committed");
    chain.commitReveal = false;
    chain.slot = 11 * TEMPO + 60;
    const off = await svc.tick(1);
    assert.ok(!chain.calls.includes("reveal"), "a reveal the contract refuses (CommitRevealDisabled)");
    assert.match(off.schedule.waiting.map((w) => w.message).join("\n"), /commit-reveal is off on netuid 1: the reveal/);
    assert.deepEqual(
      off.outcomes.map((o) => [o.action.kind, o.ok]),
      [["setWeights", true]],
    );
    assert.ok(!logs.some((l) => l.startsWith("error")), logs.join("\n"));
    chain.commitReveal = true;
    chain.slot += 10;
    const on = await svc.tick(1);
    assert.equal(on.outcomes.find((o) => o.action.kind === "reveal")?.ok, true);
    assert.deepEqual(
      chain.revealed.map((r) => r.epoch),
      [10],
    );
    store.close();
  });

  it("holds the reveal of a commit made with a version key below the subnet's, and expires it after its window", async () => {
    const { chain, store, svc } = quietService();
    await svc.round(1, chain.slot);
    await svc.tick(1);
    await svc.tick(1);
    chain.versionKey = 4n;
    chain.slot = 11 * TEMPO + 150;
    const held = await svc.tick(1);
    assert.match(
      held.schedule.waiting.map((w) => w.message).join("\n"),
      /reveal of epoch 10's commit held: the subnet's weights version key was raised to 4 after the commit \(made with 3\)/,
    );
    assert.ok(!chain.calls.includes("reveal"), "a reveal the contract refuses (VersionKeyTooLow)");
    chain.slot = 12 * TEMPO + 60;
    const t = await svc.tick(1);
    assert.match(
      t.outcomes.find((o) => o.action.kind === "expire")?.detail ?? "",
      /^reveal window \(epoch 11\) passed \(held unrevealed: the subnet's weights version key was raised to 4/,
    );
    assert.deepEqual(
      store.commits(1).map((c) => [c.epoch, c.status, c.versionKey]),
      [
        [10, "expired", 3n],
        [11, "committed", 4n],
        [12, "sent", 4n],
      ],
    );
    store.close();
  });

  it("reveals a held commit once the version key is lowered again inside its window", async () => {
    const { chain, store, svc } = quietService();
    await svc.round(1, chain.slot);
    await svc.tick(1);
    await svc.tick(1);
    chain.versionKey = 4n;
    chain.slot = 11 * TEMPO + 10;
    await svc.tick(1);
    chain.versionKey = 3n;
    chain.slot += 10;
    await svc.tick(1);
    assert.deepEqual(
      chain.revealed.map((r) => r.epoch),
      [10],
    );
    store.close();
  });

  it("does not resend a dropped commit once a lost one of an earlier epoch landed in its epoch instead", async () => {
    const { chain, store, svc } = quietService();
    await svc.round(1, chain.slot);
    chain.crashNextCommit = "lost"; // epoch 10's commit A: lost by our node, still in another's pool
    await svc.tick(1);
    chain.slot = 11 * TEMPO + 60;
    chain.lostWins = true; // epoch 11's commit C gets A's nonce, and A is mined instead
    await svc.tick(1);
    const next = await svc.tick(1);
    assert.match(
      next.outcomes.map((o) => o.detail).join("\n"),
      /not resent: the commit made for epoch 10 landed in this one/,
    );
    const later = await svc.tick(1);
    assert.match(
      later.outcomes.map((o) => o.detail).join("\n"),
      /the commit made for epoch 10 landed in this one: not resent \(two commits in one epoch\)/,
    );
    assert.equal(commits(chain).length, 2, "C was sent again into the epoch A landed in");
    chain.slot = 12 * TEMPO + 10;
    await svc.tick(1);
    assert.deepEqual(
      chain.revealed.map((r) => r.epoch),
      [11],
    );
    assert.deepEqual(
      store.commits(1).map((c) => [c.epoch, c.commitEpoch, c.status]),
      [
        [10, 11, "revealing"],
        [11, null, "expired"],
      ],
    );
    store.close();
  });

  it("records the reveal tx before waiting for its receipt: a timed-out wait is followed up, not revealed again", async () => {
    const { chain, store, svc } = quietService();
    await svc.round(1, chain.slot);
    await svc.tick(1);
    await svc.tick(1);
    chain.slot = 11 * TEMPO + 10; // before this epoch's commit
    chain.revealReceiptTimeout = true;
    const t = await svc.tick(1);
    assert.match(t.outcomes[0]?.detail ?? "", /no receipt within/);
    const row = store.commit(1);
    assert.equal(row?.status, "revealing");
    assert.match(row?.revealTx ?? "", /^0x[0-9a-f]{64}$/);
    const confirm = await svc.tick(1);
    assert.deepEqual(
      confirm.outcomes.map((o) => [o.action.kind, o.detail]),
      [["confirmReveal", "reveal of epoch 10 confirmed"]],
    );
    assert.equal(chain.calls.filter((c) => c === "reveal").length, 1);
    store.close();
  });

  it("sets weights once per epoch with a rate limit of 0, though the confirmed read does not show it yet", async () => {
    const { chain, store, svc } = quietService((c) => {
      c.commitReveal = false;
      c.rateLimit = 0;
      c.updateLag = true;
    });
    await svc.round(1, chain.slot);
    await svc.tick(1);
    chain.slot += 20;
    await svc.tick(1);
    assert.equal(chain.set.length, 1, "set twice in epoch 10");
    chain.slot = 11 * TEMPO + 60;
    await svc.tick(1);
    await svc.tick(1);
    assert.equal(chain.set.length, 2);
    chain.slot = 12 * TEMPO + 60;
    chain.setReceiptTimeout = true; // it lands, but the wait for its receipt times out
    assert.match((await svc.tick(1)).outcomes[0]?.detail ?? "", /no receipt within/);
    chain.slot += 20;
    await svc.tick(1);
    assert.equal(chain.set.length, 3, "set again after a receipt timeout");
    store.close();
  });
});
