import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidatorStore } from "../../offchain/store/index.js";
import { parseConfig } from "../../offchain/validator/config.js";
import { STEP_BACKOFF, ValidatorService, nextStepDelay } from "../../offchain/validator/service.js";
import { tempFile } from "../store/helpers.js";
import { FakeChain, FakeSettlement, SELF, TEMPO, fakeCodec, minerQuery, subnet } from "./fakes.js";

const config = parseConfig({
  network: "test",
  netuids: [1],
  wallet: { name: "w", hotkey: "h" },
  timeoutMs: 1000,
  roundIntervalMs: 0,
  commitGuardSlots: 10,
});

function service(file: string, chain: FakeChain, codec: ReturnType<typeof fakeCodec>, settlement?: FakeSettlement) {
  const store = ValidatorStore.open(file);
  let n = 0;
  const svc = new ValidatorService({
    config,
    store,
    chain,
    codec,
    query: minerQuery,
    hotkey: SELF,
    ...(settlement ? { settlement } : {}),
    roundSeed: () => `seed-${n++}`,
  });
  return { store, svc };
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
      ["recoverCommit", `commit ${chain.pending[0]?.hash} found on chain`],
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
    });
    assert.equal(store.commit(1)?.status, "expired");
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
});
