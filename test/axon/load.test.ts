import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BackendError } from "../../offchain/axon/index.js";
import { Dendrite } from "../../offchain/dendrite/index.js";
import {
  CHAIN_ID,
  NETUID,
  SpyBackend,
  TEXT,
  newKey,
  neuron,
  raw,
  send,
  sleep,
  startAxon,
  until,
  type Fixture,
} from "./helpers.js";

/** A latch the backend waits on, so tests decide when work finishes. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

function promptOf(fx: Fixture, i: number): string {
  const c = fx.backend.calls[i];
  return c !== undefined && c.task.kind === "text" ? c.task.prompt : "";
}

describe("axon under load", () => {
  it("a burst beyond concurrency + queue gets 503s without work, and the server stays up", async () => {
    const g = gate();
    const fx = await startAxon(
      { maxConcurrent: 2, queueSize: 2, ratePerSecond: 1000, rateBurst: 1000, maxPerValidator: 10 },
      new SpyBackend(async () => (await g.wait, "done")),
    );
    try {
      let settled = 0;
      const pending = Array.from({ length: 10 }, (_, i) =>
        send(fx, { kind: "text", prompt: `p${i}` }).finally(() => settled++),
      );
      await until(() => fx.axon.stats().active === 2 && fx.axon.stats().queued === 2, 5_000, "2 running + 2 queued");
      // Requests still on their way in (signature checks on 2 cores) would take the slots g.open() frees.
      await until(() => settled === 6, 5_000, "the overflow refused");
      // The overflow is answered at once, while the first four are still held.
      await sleep(50);
      assert.equal(fx.backend.calls.length, 2, "only the running requests reached the backend");
      g.open();
      const res = await Promise.all(pending);
      const statuses = res.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 200, 503, 503, 503, 503, 503, 503]);
      for (const r of res.filter((x) => x.status === 503)) {
        assert.equal(r.json().error, "overloaded");
        assert.equal(r.headers["retry-after"], "1");
      }
      assert.equal(fx.backend.calls.length, 4, "503s did no work");
      assert.equal((await send(fx, TEXT)).status, 200, "serves again once drained");
      assert.equal((await raw(fx.url, { method: "GET", path: "/health" })).json().status, "ok");
    } finally {
      await fx.close();
    }
  });

  it("under saturation, higher-stake validators are served first and evict lower-stake waiters", async () => {
    const g = gate();
    const fx = await startAxon(
      { maxConcurrent: 1, queueSize: 2, maxPerValidator: 2 },
      new SpyBackend(async (t) => (await g.wait, t.kind === "text" ? t.prompt : "")),
    );
    try {
      const low = newKey();
      const mid = newKey();
      const high = newKey();
      fx.metagraph.set(neuron(10, low, { stake: 1n }));
      fx.metagraph.set(neuron(11, mid, { stake: 5n }));
      fx.metagraph.set(neuron(12, high, { stake: 10n }));
      const first = send(fx, { kind: "text", prompt: "first" }, { signer: low.signer });
      await until(() => fx.axon.stats().active === 1, 5_000, "slot taken");
      const lowWaiter = send(fx, { kind: "text", prompt: "low" }, { signer: low.signer });
      await until(() => fx.axon.stats().queued === 1, 5_000, "low queued");
      const highWaiter = send(fx, { kind: "text", prompt: "high" }, { signer: high.signer });
      await until(() => fx.axon.stats().queued === 2, 5_000, "high queued");
      // Queue full: mid outranks low, so low is evicted; a second low-stake newcomer is refused outright.
      const midWaiter = send(fx, { kind: "text", prompt: "mid" }, { signer: mid.signer });
      const evicted = await lowWaiter;
      assert.equal(evicted.status, 503);
      assert.equal(evicted.json().error, "evicted");
      const refused = await send(fx, { kind: "text", prompt: "low2" }, { signer: low.signer });
      assert.equal(refused.status, 503);
      assert.equal(refused.json().error, "overloaded");
      g.open();
      const done = await Promise.all([first, highWaiter, midWaiter]);
      assert.deepEqual(
        done.map((r) => r.status),
        [200, 200, 200],
      );
      assert.deepEqual(
        [0, 1, 2].map((i) => promptOf(fx, i)),
        ["first", "high", "mid"],
        "served by stake",
      );
      assert.equal(fx.backend.calls.length, 3, "evicted and refused requests did no work");
    } finally {
      await fx.close();
    }
  });

  it("a low-stake validator holding every slot cannot starve a high-stake one: maxPerValidator caps it (429)", async () => {
    // Running work is never pre-empted: without a per-validator cap, A's requests would take both slots and
    // queue behind them until their deadlines, and B's query would time out although the backend answers at once.
    const low = newKey();
    const fx = await startAxon(
      { maxConcurrent: 2, ratePerSecond: 1000, rateBurst: 1000 },
      new SpyBackend((t, ctx) =>
        ctx.validator.toLowerCase() === low.address.toLowerCase()
          ? new Promise<string>(() => {})
          : Promise.resolve("fast"),
      ),
    );
    try {
      fx.metagraph.set(neuron(10, low, { stake: 1n }));
      assert.equal(fx.axon.config.maxPerValidator, 1, "default: a quarter of the slots, at least 1");
      let settled = 0;
      const flood = Array.from({ length: 8 }, (_, i) =>
        send(fx, { kind: "text", prompt: `hog${i}` }, { signer: low.signer, timeoutMs: 10_000 }).finally(
          () => settled++,
        ),
      );
      await until(() => settled + fx.axon.stats().active + fx.axon.stats().queued === 8, 5_000, "the flood placed");
      const t0 = Date.now();
      const r = await send(fx, TEXT, { timeoutMs: 1_000 });
      assert.equal(r.status, 200, `the high-stake validator is served (${r.body})`);
      assert.equal(r.json().text, "fast");
      assert.ok(Date.now() - t0 < 1_000);
      await until(() => settled === 7, 5_000, "the flood's overflow answered");
      await fx.close(); // aborts the one hog still running
      const statuses = (await Promise.all(flood)).map((x) => x.status).sort();
      assert.deepEqual(statuses, [429, 429, 429, 429, 429, 429, 429, 503]);
      const refused = (await Promise.all(flood)).find((x) => x.status === 429)!;
      assert.equal(refused.json().error, "rate_limited");
      assert.match(refused.json().reason ?? "", /maxPerValidator 1/);
    } finally {
      await fx.close();
    }
  });

  it("408 when the deadline passes while the backend runs; the backend's signal is aborted", async () => {
    const fx = await startAxon({}, new SpyBackend(() => new Promise<string>(() => {}))); // never answers, ignores the signal
    try {
      const t0 = Date.now();
      const res = await send(fx, TEXT, { timeoutMs: 150 });
      const took = Date.now() - t0;
      assert.equal(res.status, 408);
      assert.equal(res.json().error, "deadline_exceeded");
      assert.ok(took >= 140 && took < 1_500, `answered at the deadline (${took} ms)`);
      assert.equal(fx.backend.calls[0]!.ctx.signal.aborted, true);
    } finally {
      await fx.close();
    }
  });

  it("408 for a request whose deadline passes while queued, without reaching the backend", async () => {
    const g = gate();
    const fx = await startAxon(
      { maxConcurrent: 1, queueSize: 4, maxPerValidator: 2 },
      new SpyBackend(async () => (await g.wait, "ok")),
    );
    try {
      const holder = send(fx, TEXT, { timeoutMs: 5_000 });
      await until(() => fx.axon.stats().active === 1, 5_000, "slot taken");
      const queued = await send(fx, TEXT, { timeoutMs: 100 });
      assert.equal(queued.status, 408);
      assert.equal(fx.axon.stats().queued, 0, "left the queue");
      g.open();
      assert.equal((await holder).status, 200);
      assert.equal(fx.backend.calls.length, 1);
    } finally {
      await fx.close();
    }
  });

  it("the axon caps a caller's timeout at maxTimeoutMs", async () => {
    const fx = await startAxon({ maxTimeoutMs: 150 }, new SpyBackend(() => new Promise<string>(() => {})));
    try {
      const t0 = Date.now();
      assert.equal((await send(fx, TEXT, { timeoutMs: 60_000 })).status, 408);
      assert.ok(Date.now() - t0 < 1_500);
    } finally {
      await fx.close();
    }
  });

  it("a stream that misses its deadline after it began ends with a 408 err line", async () => {
    const fx = await startAxon(
      { clockSkewMs: 1_000 }, // a Dendrite's nonces are accepted clockSkewMs after the axon's start
      new SpyBackend(async function* () {
        yield "partial";
        await new Promise(() => {});
      }),
    );
    const dendrite = new Dendrite({
      allowPrivateEndpoints: true,
      signer: fx.validator.signer,
      chainId: CHAIN_ID,
      netuid: NETUID,
    });
    try {
      await fx.ready();
      const pieces: string[] = [];
      const r = await dendrite.query(
        { hotkey: fx.miner.address, url: fx.url },
        { ...TEXT, stream: true },
        { timeoutMs: 300, onChunk: (p) => pieces.push(p) },
      );
      assert.deepEqual(pieces, ["partial"]);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.status, 408);
        assert.ok(r.error === "deadline_exceeded" || r.error === "timeout", r.error);
      }
    } finally {
      dendrite.close();
      await fx.close();
    }
  });

  it("backend failures map to 502/504 JSON and the axon keeps serving", async () => {
    let mode = "ok";
    const fx = await startAxon(
      { maxResponseBytes: 2048 },
      new SpyBackend(async () => {
        if (mode === "504") throw new BackendError(504, "backend_timeout", "model server too slow");
        if (mode === "throw") throw new Error("socket hang up");
        if (mode === "huge") return "x".repeat(4096);
        return "fine";
      }),
    );
    try {
      for (const [m, status, error] of [
        ["504", 504, "backend_timeout"],
        ["throw", 502, "backend_error"],
        ["huge", 502, "backend_error"],
      ] as const) {
        mode = m;
        const r = await send(fx, TEXT);
        assert.equal(r.status, status, m);
        assert.equal(r.json().error, error);
      }
      mode = "ok";
      assert.equal((await send(fx, TEXT)).json().text, "fine");
    } finally {
      await fx.close();
    }
  });

  it("a backend's error reason is cut to 200 characters, in JSON and in a stream's err line", async () => {
    const long = `model server said: ${"x".repeat(5_000)}`;
    let streamed = false;
    const fx = await startAxon(
      {},
      new SpyBackend(async function* () {
        if (streamed) yield "partial";
        throw new BackendError(502, "backend_error", long);
      }),
    );
    try {
      const r = await send(fx, TEXT);
      assert.equal(r.status, 502);
      const reason = r.json().reason ?? "";
      assert.ok(reason.length <= 200 && reason.startsWith("model server said: x"), `${reason.length} chars`);
      streamed = true;
      const s = await send(fx, { ...TEXT, stream: true });
      const last = JSON.parse(s.body.trim().split("\n").at(-1)!) as { t: string; reason: string };
      assert.equal(last.t, "err");
      assert.ok(last.reason.length <= 200, `${last.reason.length} chars`);
    } finally {
      await fx.close();
    }
  });

  it("/metrics exposes request counts by status, refusals and latency histograms", async () => {
    const fx = await startAxon();
    try {
      await send(fx, TEXT);
      await send(fx, TEXT, { signer: newKey().signer });
      await sleep(20);
      const res = await raw(fx.url, { method: "GET", path: "/metrics" });
      assert.equal(res.status, 200);
      assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
      assert.match(res.body, /^axon_requests_total\{route="forward",status="200"\} 1$/m);
      assert.match(res.body, /^axon_requests_total\{route="forward",status="403"\} 1$/m);
      assert.match(res.body, /^axon_rejections_total\{error="unknown_hotkey"\} 1$/m);
      assert.match(res.body, /^axon_request_duration_seconds_bucket\{route="forward",le="\+Inf"\} 2$/m);
      assert.match(res.body, /^# TYPE axon_inflight gauge$/m);
      assert.match(res.body, /^axon_signature_recoveries_total 1$/m);
    } finally {
      await fx.close();
    }
  });

  it("close() aborts running work and stops cleanly", async () => {
    const fx = await startAxon({}, new SpyBackend(() => new Promise<string>(() => {})));
    const p = send(fx, TEXT, { timeoutMs: 10_000 });
    await until(() => fx.backend.calls.length === 1, 5_000, "running");
    await fx.close();
    const r = await p;
    assert.equal(r.status, 503);
    assert.equal(fx.backend.calls[0]!.ctx.signal.aborted, true);
  });
});
