import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Admission, AdmissionRejected, MetricsRegistry, NonceGuard, RateLimiter } from "../../offchain/axon/index.js";
import { MetagraphCache } from "../../offchain/metagraph/cache.js";
import type { MetagraphSnapshot } from "../../offchain/metagraph/types.js";

const A = "0x00000000000000000000000000000000000000aA";
const B = "0x00000000000000000000000000000000000000bb";

describe("NonceGuard", () => {
  it("freshness is a ±skew window around the clock", () => {
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 0 });
    const now = 1_700_000_000_000;
    assert.equal(g.freshness(now * 1000, now), "fresh");
    assert.equal(g.freshness((now - 30_000) * 1000, now), "fresh");
    assert.equal(g.freshness((now - 30_001) * 1000, now), "stale");
    assert.equal(g.freshness((now + 30_001) * 1000, now), "future");
  });

  it("nonces dated before notBeforeMs are refused as beforeStart, after the skew checks", () => {
    const floor = 1_700_000_030_000; // the axon sets its start + skew
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 0, notBeforeMs: floor });
    assert.equal(g.notBeforeMs, floor);
    const now = floor - 29_000;
    assert.equal(g.freshness((floor - 1) * 1000, now), "beforeStart", "inside the skew window, but before the floor");
    assert.equal(g.freshness(floor * 1000, now), "fresh");
    assert.equal(g.freshness((now - 30_001) * 1000, now), "stale", "a clock problem is named as one");
    assert.equal(g.freshness((now + 30_001) * 1000, now), "future");
  });

  it("reorderMs = 0: strictly newer than the caller's last nonce", () => {
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 0 });
    assert.equal(g.commit("a", 1000), true);
    assert.equal(g.commit("a", 1000), false);
    assert.equal(g.commit("a", 999), false);
    assert.equal(g.commit("a", 1001), true);
    assert.equal(g.commit("b", 5), true, "callers are independent");
  });

  it("reorder window: an unseen slightly older nonce passes once, an old one never", () => {
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 2 }); // 2 ms = 2000 nonce units
    assert.equal(g.commit("a", 10_000), true);
    assert.equal(g.commit("a", 9_000), true, "within the window, unseen");
    assert.equal(g.commit("a", 9_000), false, "seen");
    assert.equal(g.commit("a", 8_000), false, "at the window edge");
    assert.equal(g.commit("a", 12_000), true);
    assert.equal(g.commit("a", 10_000), false, "still remembered after the mark moved");
  });

  it("bounded memory never re-admits a forgotten nonce", () => {
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 60_000, maxPerCaller: 100 });
    const base = 1_000_000_000;
    for (let i = 0; i < 500; i++) assert.equal(g.commit("a", base + i * 2), true);
    for (let i = 0; i < 500; i++) assert.equal(g.commit("a", base + i * 2), false, `nonce ${i} replayed`);
  });

  it("steady in-order traffic across many windows: every replay and every unseen too-old nonce is refused", () => {
    // 2 ms window = 2000 nonce units, one nonce every 7 units: ~285 live in a window, so the set is pruned
    // many times (lazily); whatever has or has not been pruned yet, the answers are the same.
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 2 });
    const step = 7;
    let high = 0;
    for (let i = 1; i <= 20_000; i++) {
      high = i * step;
      assert.equal(g.commit("a", high), true);
      if (i % 97 === 0) {
        assert.equal(g.commit("a", high - step * 10), false, `replay of a recent nonce at ${i}`);
        assert.equal(g.commit("a", high - 2000 - 3), false, `unseen nonce just past the window at ${i}`);
        assert.equal(g.commit("a", high - step * 50 - 1), true, `unseen nonce inside the window at ${i}`);
        assert.equal(g.commit("a", high - step * 50 - 1), false, `its replay at ${i}`);
      }
    }
    for (let i = 1; i <= 20_000; i += 13) assert.equal(g.commit("a", i * step), false, `late replay of ${i}`);
  });

  it("at maxCallers it forgets the least recently used caller, not the first one seen", () => {
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 2, maxCallers: 2 });
    assert.equal(g.commit("a", 10_000), true);
    assert.equal(g.commit("b", 10_000), true);
    assert.equal(g.commit("a", 11_000), true, "a is used again: b is now the least recent");
    assert.equal(g.commit("c", 10_000), true, "a third caller: one is forgotten");
    assert.equal(g.commit("a", 10_000), false, "a, still active, still refuses its replay");
    assert.equal(g.commit("a", 10_500), true, "and still accepts an unseen nonce in its window");
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then refills at the rate, per key", () => {
    let now = 0;
    const rl = new RateLimiter({ perSecond: 2, burst: 3, now: () => now });
    assert.deepEqual([rl.take(A), rl.take(A), rl.take(A)], [0, 0, 0]);
    assert.equal(rl.take(A), 500, "next token in 500 ms");
    assert.equal(rl.take(B), 0);
    now = 500;
    assert.equal(rl.take(A), 0);
    assert.ok(rl.take(A) > 0);
    assert.throws(() => new RateLimiter({ perSecond: 0, burst: 1 }), /perSecond > 0/);
  });
});

describe("Admission", () => {
  it("runs up to the limit, queues by priority, refuses beyond the queue", async () => {
    const adm = new Admission({ maxConcurrent: 1, queueSize: 2 });
    const r1 = await adm.acquire(1n);
    const order: string[] = [];
    const low = adm.acquire(1n).then((r) => (order.push("low"), r));
    const high = adm.acquire(9n).then((r) => (order.push("high"), r));
    await assert.rejects(adm.acquire(0n), (e: unknown) => e instanceof AdmissionRejected && e.code === "overloaded");
    r1();
    (await high)();
    (await low)();
    assert.deepEqual(order, ["high", "low"]);
    assert.equal(adm.active, 0);
  });

  it("an aborted waiter leaves the queue", async () => {
    const adm = new Admission({ maxConcurrent: 1, queueSize: 1 });
    const r1 = await adm.acquire(1n);
    const ac = new AbortController();
    const waiting = adm.acquire(1n, { signal: ac.signal });
    ac.abort(new Error("gone"));
    await assert.rejects(waiting, /gone/);
    assert.equal(adm.queued, 0);
    r1();
    r1(); // idempotent
    assert.equal(adm.active, 0);
  });

  it("caps what one key has running plus queued, and frees the count on release, abort and eviction", async () => {
    const adm = new Admission({ maxConcurrent: 1, queueSize: 4, maxPerKey: 2 });
    const a1 = await adm.acquire(1n, { key: "A" });
    const ac = new AbortController();
    const a2 = adm.acquire(1n, { key: "A", signal: ac.signal });
    assert.equal(adm.holding("A"), 2);
    await assert.rejects(
      adm.acquire(1n, { key: "A" }),
      (e: unknown) => e instanceof AdmissionRejected && e.code === "rate_limited" && /maxPerValidator 2/.test(e.reason),
    );
    const b1 = adm.acquire(9n, { key: "B" }); // another key is not limited by A's count
    ac.abort(new Error("gone"));
    await assert.rejects(a2, /gone/);
    assert.equal(adm.holding("A"), 1, "the aborted waiter's count is freed");
    a1();
    (await b1)();
    assert.equal(adm.holding("A"), 0);
    assert.equal(adm.holding("B"), 0);
    assert.equal(adm.active, 0);
  });

  it("a waiter whose deadline passed is refused instead of given a slot", async () => {
    let now = 0;
    const adm = new Admission({ maxConcurrent: 1, queueSize: 4, now: () => now });
    const r1 = await adm.acquire(1n, { deadline: 1_000 });
    // No abort signal: nothing but the deadline itself takes this waiter out (a timer that has not fired yet).
    const late = adm.acquire(1n, { deadline: 100 });
    const onTime = adm.acquire(1n, { deadline: 5_000 });
    now = 200;
    r1();
    await assert.rejects(late, (e: unknown) => e instanceof AdmissionRejected && e.code === "deadline_exceeded");
    (await onTime)();
    assert.equal(adm.active, 0);
    await assert.rejects(
      adm.acquire(1n, { deadline: 200 }),
      (e: unknown) => e instanceof AdmissionRejected && e.code === "deadline_exceeded",
      "already late on arrival",
    );
  });
});

describe("MetricsRegistry", () => {
  it("renders Prometheus text with escaped labels and cumulative buckets", () => {
    const reg = new MetricsRegistry();
    const c = reg.counter("x_total", "X.");
    c.inc({ reason: 'a"b\\c\nd' });
    const h = reg.histogram("lat_seconds", "Latency.", [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    const text = reg.render();
    assert.match(text, /^x_total\{reason="a\\"b\\\\c\\nd"\} 1$/m);
    assert.match(text, /^lat_seconds_bucket\{le="0.1"\} 1$/m);
    assert.match(text, /^lat_seconds_bucket\{le="1"\} 2$/m);
    assert.match(text, /^lat_seconds_bucket\{le="\+Inf"\} 3$/m);
    assert.match(text, /^lat_seconds_count 3$/m);
    assert.throws(() => reg.counter("x_total", "again"), /twice/);
    assert.throws(() => reg.counter("bad-name", "x"), /valid Prometheus name/);
  });
});

describe("MetagraphCache", () => {
  const snap = (stake: bigint): MetagraphSnapshot => ({
    netuid: 3,
    neurons: [{ uid: 0, hotkey: A, coldkey: B, stake, validatorPermit: true }],
  });

  it("loads at start, looks up case-insensitively, refreshes, keeps the last snapshot on failure", async () => {
    let calls = 0;
    let fail = false;
    const cache = new MetagraphCache({
      netuid: 3,
      refreshMs: 100,
      source: async () => {
        calls++;
        if (fail) throw new Error("rpc down");
        return snap(BigInt(calls));
      },
    });
    await cache.start();
    try {
      assert.equal(cache.lookup(A.toLowerCase())?.stake, 1n);
      assert.equal(cache.lookup(B), undefined);
      assert.equal(await cache.refresh(), true);
      assert.equal(cache.lookup(A)?.stake, 2n);
      fail = true;
      assert.equal(await cache.refresh(), false);
      assert.equal(cache.lookup(A)?.stake, 2n, "previous snapshot kept");
      assert.equal(cache.stats.failures, 1);
      fail = false;
      await new Promise((r) => setTimeout(r, 250));
      assert.ok(calls >= 4, "the timer refreshes");
    } finally {
      cache.stop();
    }
  });

  it("refuses to start without a first snapshot, and rejects invalid ones", async () => {
    const down = new MetagraphCache({ netuid: 3, source: async () => Promise.reject(new Error("no rpc")) });
    await assert.rejects(down.start(), /could not load the metagraph of subnet 3/);
    const wrongNet = new MetagraphCache({ netuid: 4, source: async () => snap(1n) });
    await assert.rejects(wrongNet.start());
    const dup = new MetagraphCache({
      netuid: 3,
      source: async () => ({ netuid: 3, neurons: [...snap(1n).neurons, { ...snap(1n).neurons[0]!, uid: 1 }] }),
    });
    await assert.rejects(dup.start());
    const bad = new MetagraphCache({
      netuid: 3,
      source: async () => ({
        netuid: 3,
        neurons: [{ uid: 0, hotkey: "0x1", coldkey: B, stake: 1n, validatorPermit: true }],
      }),
    });
    await assert.rejects(bad.start());
  });

  it("maxStaleMs turns a too-old snapshot into no answers, and says so with available()", async () => {
    let now = 0;
    const cache = new MetagraphCache({ netuid: 3, maxStaleMs: 1_000, now: () => now, source: async () => snap(1n) });
    assert.equal(cache.available(), false, "before the first snapshot");
    await cache.refresh();
    assert.ok(cache.lookup(A));
    assert.equal(cache.available(), true);
    now = 2_000;
    assert.equal(cache.lookup(A), undefined);
    assert.equal(cache.available(), false, "too old: the axon answers 503, not 'not registered'");
    await cache.refresh();
    assert.equal(cache.available(), true, "a new snapshot makes it available again");
  });
});
