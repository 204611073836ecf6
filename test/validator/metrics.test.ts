import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { ValidatorStore } from "../../offchain/store/index.js";
import { ValidatorMetrics, serveMetrics } from "../../offchain/validator/metrics.js";
import { runRound } from "../../offchain/validator/round.js";
import type { TickResult } from "../../offchain/validator/service.js";
import { newCommit } from "../store/helpers.js";
import { minerQuery, subnet } from "./fakes.js";

describe("validator metrics", () => {
  it("serves round, score, commit and action metrics in Prometheus text format", async () => {
    const store = ValidatorStore.open(":memory:");
    const metrics = new ValidatorMetrics(store, [1]);
    // uid 1 right and fast, uid 2 right and slow, uid 3 wrong (fakes.ts); uid 0 is the validator, no axon.
    const round = await runRound({
      metagraph: subnet(),
      sample: "all",
      seed: "m",
      query: minerQuery,
      timeoutMs: 1000,
      store,
      slot: 5,
    });
    metrics.round(round);
    store.recordCommitIntent(newCommit());
    store.setLastSlot(1, 5);
    const tick = {
      netuid: 1,
      slot: 5,
      outcomes: [
        { action: { kind: "commit", netuid: 1, epoch: 7 }, ok: true, detail: "sent" },
        { action: { kind: "coinbase" }, ok: false, detail: "refused" },
      ],
    } as unknown as TickResult;
    metrics.step([tick]);
    metrics.stepFailed();

    const served = await serveMetrics(metrics, 0);
    try {
      const res = await fetch(served.url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const line = (s: string) => assert.ok(text.split("\n").includes(s), `missing line: ${s}\n${text}`);
      line('validator_round_duration_seconds_count{netuid="1"} 1');
      line('validator_round_queries_total{netuid="1",outcome="correct"} 2');
      line('validator_round_queries_total{netuid="1",outcome="wrong"} 1');
      line('validator_round_queries_total{netuid="1",outcome="unreachable"} 1');
      line('validator_round_miners{netuid="1"} 4');
      line('validator_round_answered{netuid="1"} 3');
      line('validator_score_ema{netuid="1",uid="1"} 0.1');
      line('validator_score_ema{netuid="1",uid="3"} 0');
      // Which average is which: every task of this round was verifiable (no model), none open.
      line('validator_score_kind_ema{kind="verifiable",netuid="1",uid="1"} 0.1');
      line('validator_score_kind_ema{kind="open",netuid="1",uid="1"} 0');
      line('validator_score_kind_ema{kind="verifiable",netuid="1",uid="3"} 0');
      line('validator_commits{netuid="1",status="intent"} 1');
      line('validator_last_slot{netuid="1"} 5');
      line('validator_actions_total{action="commit",netuid="1",result="ok"} 1');
      line('validator_actions_total{action="coinbase",netuid="1",result="failed"} 1');
      line("validator_step_failures_total 1");
      assert.equal((await fetch(served.url.replace("/metrics", "/other"))).status, 404);
    } finally {
      await served.close();
      store.close();
    }
  });

  it("names the port and the flag when it cannot listen", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as import("node:net").AddressInfo).port;
    const store = ValidatorStore.open(":memory:");
    try {
      await assert.rejects(
        serveMetrics(new ValidatorMetrics(store, [1]), port),
        new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port}: .*--metrics-port`),
      );
    } finally {
      taken.close();
      store.close();
    }
  });
});
