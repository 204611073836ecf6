/** The service commits gated weights (open × min(1, verifiable / τ)) when its rounds send open prompts. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EmaRecord } from "../../offchain/scoring/index.js";
import { ValidatorStore } from "../../offchain/store/index.js";
import { parseConfig, type ValidatorConfig } from "../../offchain/validator/config.js";
import type { OpenModel } from "../../offchain/validator/round.js";
import { ValidatorService } from "../../offchain/validator/service.js";
import { FakeChain, SELF, fakeCodec, hk, minerQuery, subnet } from "./fakes.js";

const base = {
  network: "test",
  netuids: [1],
  wallet: { name: "w", hotkey: "h" },
  timeoutMs: 1000,
  roundIntervalMs: 0,
  commitGuardSlots: 10,
};
const openModel: OpenModel = { reference: async () => "reference", embed: async (t) => t.map(() => [1]) };

/** What the default mix (half open) leaves after many rounds: `ema` is the combined average the weights used to be. */
const rec = (uid: number, v: number, o: number): EmaRecord => ({
  uid,
  hotkey: hk(uid),
  ema: (v + o) / 2,
  samples: 100,
  verifiable: { ema: v, samples: 50 },
  open: { ema: o, samples: 50 },
  updatedSlot: 1,
});

/** The weights the service commits in one tick on a store holding a solver (1), a hybrid (2), an honest miner (3). */
async function committed(config: ValidatorConfig, open?: OpenModel): Promise<Map<number, number>> {
  const codec = fakeCodec();
  const chain = new FakeChain(codec, subnet());
  const store = ValidatorStore.open(":memory:");
  store.putScores(1, [rec(1, 1, 0), rec(2, 1, 0.7), rec(3, 0.3, 0.7)]);
  const svc = new ValidatorService({
    config,
    store,
    chain,
    codec,
    query: minerQuery,
    hotkey: SELF,
    ...(open ? { open } : {}),
  });
  const t = await svc.tick(1, chain.slot);
  assert.ok(
    t.outcomes.some((o) => o.action.kind === "commit" && o.ok),
    JSON.stringify(t.outcomes),
  );
  const row = store.commits(1)[0];
  assert.ok(row);
  const { uids, values } = codec.unpack(row.weights);
  store.close();
  return new Map(uids.map((u, i) => [u, values[i] as number]));
}

describe("validator service: gated weights", () => {
  it("with a model (half open by default, τ 0.25): the solver gets 0, the hybrid what the honest miner gets", async () => {
    const config = parseConfig({ ...base, model: { name: "m" } });
    assert.equal(config.verifiableGate, 0.25);
    assert.deepEqual(config.taskMix, { verifiable: 0.5, open: 0.5 });
    const w = await committed(config, openModel);
    assert.equal(w.get(1) ?? 0, 0, "the code solver has weight");
    assert.equal(w.get(2), 65535);
    assert.equal(w.get(3), 65535, "the honest miner (verifiable 0.3 ≥ τ) earns less than the hybrid");
  });

  it("takes τ from the config: below it, the honest miner is scaled down, not cut off", async () => {
    const w = await committed(parseConfig({ ...base, model: { name: "m" }, verifiableGate: 0.6 }), openModel);
    assert.equal(w.get(1) ?? 0, 0);
    assert.equal(w.get(2), 65535);
    assert.equal(w.get(3), Math.round(65535 * 0.5)); // 0.7 × 0.3 / 0.6 against the hybrid's 0.7
  });

  it("without a model (verifiable tasks only): the verifiable average, as before", async () => {
    const w = await committed(parseConfig(base));
    assert.deepEqual([w.get(1), w.get(2), w.get(3)], [65535, 65535, Math.round(65535 * 0.3)]);
  });

  it("a model in the config but none given to the service: rounds draw verifiable tasks only, so do the weights", async () => {
    const w = await committed(parseConfig({ ...base, model: { name: "m" } }));
    assert.deepEqual([w.get(1), w.get(2), w.get(3)], [65535, 65535, Math.round(65535 * 0.3)]);
  });

  it("refuses a τ outside (0, 1]", () => {
    for (const verifiableGate of [0, -0.1, 1.5])
      assert.throws(
        () => parseConfig({ ...base, model: { name: "m" }, verifiableGate }),
        /verifiableGate: Number must be (greater|less)/,
      );
  });
});
