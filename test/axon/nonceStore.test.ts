/**
 * Replay protection across restarts with a nonce store (the miner's `<data dir>/miner.db`): each validator's
 * highest accepted nonce is on disk before any work is done for it, so a restarted axon refuses a request captured
 * before the restart (even after a SIGKILL) as a replay, and answers fresh requests at once: no refusal window
 * after a restart. Watermarks apply only in their own scope (chain id, netuid, miner hotkey).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { NonceGuard, NonceLedger, type NonceScope, type NonceStore } from "../../offchain/axon/index.js";
import { NonceSource } from "../../offchain/protocol/index.js";
import { MinerStore, StoreError, ValidatorStore, minerStorePath } from "../../offchain/store/index.js";
import { CHAIN_ID, NETUID, TEXT, newKey, raw, signed, sleep, startAxon, type Key } from "./helpers.js";

const root = path.resolve(import.meta.dirname, "../..");
const tempDir = (): string => mkdtempSync(path.join(tmpdir(), "miner-data-"));
const scopeOf = (miner: Key, netuid = NETUID, chainId = CHAIN_ID): NonceScope => ({
  chainId,
  netuid,
  miner: miner.address.toLowerCase(),
});

describe("axon with a nonce store: no replay across a restart, no refusal window after it", () => {
  it("a request captured before a restart is refused after it as a replay; a fresh one is answered at once", async () => {
    const dir = tempDir();
    const miner = newKey();
    const validator = newKey();
    // The validator's clock runs 800 ms ahead: with the old rule (refuse nonces dated before this start plus the
    // skew) its fresh nonces would be refused for 29 s after the second start, which uses the default 30 s skew.
    const clock = new NonceSource(() => Date.now() + 800);
    const store1 = MinerStore.openIn(dir);
    const first = await startAxon({ clockSkewMs: 1_000 }, undefined, { miner, validator, nonceStore: store1 });
    let captured;
    try {
      // A first start with a new store still refuses nonces dated before it plus the skew (1 s here).
      const early = await raw(first.url, await signed(first, TEXT, { nonce: new NonceSource().next() }));
      assert.deepEqual([early.status, early.json().error], [401, "stale_nonce"]);
      assert.match(early.json().reason ?? "", /nonce record for chain 31337 subnet 7 is new/);
      await first.ready();
      captured = await signed(first, TEXT, { nonce: clock.next() });
      assert.equal((await raw(first.url, captured)).status, 200, "answered by the first process");
    } finally {
      await first.close();
      store1.close();
    }

    const store2 = MinerStore.openIn(dir);
    const second = await startAxon({}, undefined, { miner, validator, nonceStore: store2 });
    try {
      assert.equal(second.axon.config.clockSkewMs, 30_000);
      assert.equal(second.axon.noncesFromMs, first.axon.noncesFromMs, "the first start's window, not extended");
      assert.equal(second.axon.nonceLedger?.created, false);
      const replay = await raw(second.url, captured);
      assert.deepEqual([replay.status, replay.json().error], [401, "replayed_nonce"]);
      assert.equal(second.backend.calls.length, 0, "no work for the replay");

      const fresh = await raw(second.url, await signed(second, TEXT, { nonce: clock.next() }));
      assert.equal(fresh.status, 200, `answered at once after the restart: ${fresh.body}`);
      assert.equal(second.backend.calls.length, 1);
    } finally {
      await second.close();
      store2.close();
    }
  });

  it("a request answered just before a SIGKILL is refused by the next process (on disk before the answer)", async () => {
    const dir = tempDir();
    const miner = newKey();
    const validator = newKey();
    const url = (p: string) => JSON.stringify(pathToFileURL(path.join(root, p)).href);
    const code = `
      const { createAxon } = await import(${url("offchain/axon/index.ts")});
      const { MinerStore } = await import(${url("offchain/store/index.ts")});
      const { StaticMetagraph } = await import(${url("offchain/metagraph/cache.ts")});
      const { createHotkeySigner } = await import(${url("offchain/protocol/index.ts")});
      const signer = createHotkeySigner(${JSON.stringify(miner.pk)});
      const v = ${JSON.stringify(validator.address)};
      const axon = await createAxon(
        { chainId: ${CHAIN_ID}, netuid: ${NETUID}, clockSkewMs: 1000 },
        {
          signer,
          metagraph: new StaticMetagraph([{ uid: 1, hotkey: v, coldkey: v, stake: 10n ** 12n, validatorPermit: true }]),
          backend: { answer: async () => "19" },
          nonceStore: MinerStore.openIn(${JSON.stringify(dir)}),
        },
      );
      const at = await axon.listen({ port: 0, host: "127.0.0.1" });
      process.stdout.write(JSON.stringify({ url: at, from: axon.noncesFromMs }) + "\\n");
      setInterval(() => {}, 1000);
    `;
    const child = spawn(
      path.join(root, "node_modules", ".bin", "node"),
      ["--import", "tsx", "--input-type=module", "-e", code],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, signal) => resolve(signal)));
    try {
      const started = await new Promise<{ url: string; from: number }>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf("\n");
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { url: string; from: number });
        });
        child.on("exit", () => reject(new Error(`the axon process exited: ${stderr.slice(-2000)}`)));
      });
      await sleep(Math.max(0, started.from - Date.now() + 1));
      const fx = { validator, miner, nonces: new NonceSource() } as unknown as Parameters<typeof signed>[0];
      const nonce = new NonceSource().next();
      const captured = await signed(fx, TEXT, { nonce });
      const answered = await raw(started.url, captured);
      assert.equal(answered.status, 200, answered.body);
      child.kill("SIGKILL"); // no close, no final write
      assert.equal(await exited, "SIGKILL");

      const store = MinerStore.openIn(dir);
      const second = await startAxon({ clockSkewMs: 1_000 }, undefined, { miner, validator, nonceStore: store });
      try {
        assert.equal(store.nonceWatermark(scopeOf(miner), validator.address), nonce, "on disk though never closed");
        const replay = await raw(second.url, captured);
        assert.deepEqual([replay.status, replay.json().error], [401, "replayed_nonce"], replay.body);
        assert.equal(second.backend.calls.length, 0);
      } finally {
        await second.close();
        store.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("a watermark applies in its own chain, subnet and miner hotkey only", async () => {
    const dir = tempDir();
    const miner = newKey();
    const validator = newKey();
    const v = validator.address.toLowerCase();
    const ahead = (Date.now() + 20_000) * 1000; // a watermark 20 s ahead of the clock
    const store = MinerStore.openIn(dir);
    try {
      const own = scopeOf(miner);
      store.openNonceScope(own, 0);
      store.raiseNonceWatermarks(own, new Map([[v, ahead]]));
      store.raiseNonceWatermarks(own, new Map([[v, ahead - 5]]));
      assert.equal(store.nonceWatermark(own, v), ahead, "never lowered");
      for (const other of [scopeOf(miner, NETUID + 1), scopeOf(miner, NETUID, 1), scopeOf(newKey())]) {
        const opened = store.openNonceScope(other, 0);
        assert.equal(opened.created, true, JSON.stringify(other));
        assert.equal(opened.watermarks.size, 0, `${JSON.stringify(other)} sees no other scope's watermark`);
      }
      const again = store.openNonceScope(own, 123);
      assert.deepEqual([again.created, again.notBeforeMs, again.watermarks.get(v)], [false, 0, ahead]);

      // The same validator, the same store and miner: refused on subnet 7 (below its watermark), answered on 8.
      const on7 = await startAxon({}, undefined, { miner, validator, nonceStore: store });
      const on8 = await startAxon({ netuid: NETUID + 1 }, undefined, { miner, validator, nonceStore: store });
      try {
        const nonce = new NonceSource().next();
        const r7 = await raw(on7.url, await signed(on7, TEXT, { nonce }));
        assert.deepEqual([r7.status, r7.json().error], [401, "replayed_nonce"]);
        const r8 = await raw(on8.url, await signed(on8, TEXT, { nonce, netuid: NETUID + 1 }));
        assert.equal(r8.status, 200, r8.body);
      } finally {
        await on7.close();
        await on8.close();
      }
    } finally {
      store.close();
    }
  });

  it("a first start whose clock ran ahead holds later starts only until their own clock plus the skew", () => {
    const dir = tempDir();
    const scope = scopeOf(newKey());
    const store = MinerStore.openIn(dir);
    try {
      const hourAhead = 1_000_000 + 3_600_000;
      assert.equal(store.openNonceScope(scope, hourAhead).notBeforeMs, hourAhead, "first start, clock an hour fast");
      const corrected = store.openNonceScope(scope, 1_000_000);
      assert.deepEqual([corrected.created, corrected.notBeforeMs], [false, 1_000_000], "clock corrected: now + skew");
      assert.equal(store.openNonceScope(scope, 2_000_000).notBeforeMs, 1_000_000, "never raised again");
    } finally {
      store.close();
    }
    const reopened = MinerStore.openIn(dir);
    try {
      assert.equal(reopened.openNonceScope(scope, 5_000_000).notBeforeMs, 1_000_000, "the lowered value is stored");
    } finally {
      reopened.close();
    }
  });

  it("a write that fails refuses the request before any work (500), and the next one retries it", async () => {
    const writes: Array<Map<string, number>> = [];
    let failing = true;
    const store: NonceStore = {
      file: "/nowhere/miner.db",
      openNonceScope: () => ({ notBeforeMs: 0, created: false, watermarks: new Map() }),
      raiseNonceWatermarks(_scope, marks) {
        if (failing) throw new Error("SQLITE_FULL: database or disk is full");
        writes.push(new Map(marks));
      },
    };
    const fx = await startAxon({}, undefined, { nonceStore: store });
    try {
      const first = await signed(fx, TEXT);
      const refused = await raw(fx.url, first);
      assert.deepEqual([refused.status, refused.json().error], [500, "internal"]);
      assert.match(refused.json().reason ?? "", /could not record this request's nonce on disk/);
      assert.equal(fx.backend.calls.length, 0, "no work for a nonce that is not on disk");
      assert.equal(fx.axon.nonceLedger?.stats.failures, 1);
      failing = false;
      const again = await raw(fx.url, await signed(fx, TEXT));
      assert.equal(again.status, 200);
      assert.equal(writes.length, 1);
      assert.equal(writes[0]!.get(fx.validator.address.toLowerCase())! > 0, true);
      assert.deepEqual([(await raw(fx.url, first)).json().error], ["replayed_nonce"], "the failed nonce stays spent");
      const metrics = await (await fetch(`${fx.url}/metrics`)).text();
      assert.match(metrics, /axon_nonce_write_failures_total 1/);
    } finally {
      await fx.close();
    }
  });
});

describe("NonceLedger", () => {
  const scope: NonceScope = { chainId: 1, netuid: 2, miner: "0x00000000000000000000000000000000000000aa" };
  const a = "0x00000000000000000000000000000000000000a1";
  const b = "0x00000000000000000000000000000000000000b2";

  it("groups the nonces of one turn into one write, each validator's highest, resolved after it", async () => {
    const writes: Array<Array<[string, number]>> = [];
    const store: NonceStore = {
      file: ":memory:",
      openNonceScope: () => ({ notBeforeMs: 5, created: false, watermarks: new Map([[a, 100]]) }),
      raiseNonceWatermarks: (_s, m) => void writes.push([...m]),
    };
    const ledger = new NonceLedger(store, scope, 999);
    assert.deepEqual([ledger.notBeforeMs, ledger.floor(a), ledger.floor(b)], [5, 100, 0]);
    const ps = [ledger.record(a, 150), ledger.record(b, 7), ledger.record(a, 120), ledger.record(a, 160)];
    assert.equal(writes.length, 0, "nothing written synchronously");
    assert.equal(ledger.floor(a), 160, "the floor moves at once");
    await Promise.all(ps);
    assert.deepEqual(writes, [
      [
        [a, 160],
        [b, 7],
      ],
    ]);
    await ledger.record(b, 8);
    assert.equal(writes.length, 2);
    ledger.flush();
    assert.equal(writes.length, 2, "nothing pending: no write");
  });

  it("a guard with a stored floor refuses a returning caller's nonces at or below it, whatever it holds", () => {
    const floors = new Map([["v", 5_000]]);
    const g = new NonceGuard({ skewMs: 30_000, reorderMs: 2, floor: (c) => floors.get(c) ?? 0 });
    assert.equal(g.commit("v", 5_000), false, "at the floor");
    assert.equal(g.commit("v", 4_000), false, "below it");
    assert.equal(g.commit("v", 5_001), true);
    assert.equal(g.commit("v", 4_500), false, "in the reorder window, but at or below the floor");
    assert.equal(g.commit("w", 1), true, "no floor: as before");
  });
});

describe("miner store: bad files are refused, naming the file and the way out", () => {
  const wayOut = /Move it aside .* or start it with another --data-dir\. That is safe: a new store starts empty/;

  it("a file that is not SQLite (corrupted, or something else)", () => {
    const dir = tempDir();
    const file = minerStorePath(dir);
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    assert.throws(
      () => MinerStore.openIn(dir),
      (e: unknown) =>
        e instanceof StoreError &&
        e.file === file &&
        e.message.startsWith(`Miner store ${file} is not a readable SQLite database`) &&
        wayOut.test(e.message) &&
        /Nothing was changed/.test(e.message),
    );
  });

  it("another store (a validator's) where the miner's should be", () => {
    const dir = tempDir();
    const file = minerStorePath(dir);
    ValidatorStore.open(file).close();
    assert.throws(
      () => MinerStore.openIn(dir),
      (e: unknown) =>
        e instanceof StoreError &&
        e.message.includes(`${file} is a SQLite database but not a miner store`) &&
        /Give the miner a --data-dir of its own/.test(e.message),
    );
  });

  it("a data dir that is a file, and a store path that is a directory", () => {
    const dir = tempDir();
    const asFile = path.join(dir, "not-a-dir");
    writeFileSync(asFile, "x");
    assert.throws(
      () => MinerStore.openIn(asFile),
      new RegExp(`The miner's data dir ${asFile} is a file, not a directory: .*another --data-dir`),
    );
    const nested = path.join(dir, "nested");
    MinerStore.openIn(path.join(nested, "miner.db")).close(); // makes <nested>/miner.db a directory
    assert.throws(() => MinerStore.openIn(nested), /Miner store .*miner\.db is a directory; move it aside/);
  });

  it("a store reopened is unchanged (idempotent migrations), its scopes and watermarks kept", () => {
    const dir = tempDir();
    const miner = newKey();
    const s1 = MinerStore.openIn(dir, { now: () => 42 });
    assert.equal(s1.schemaVersion(), 1);
    s1.openNonceScope(scopeOf(miner), 1_000);
    s1.raiseNonceWatermarks(scopeOf(miner), new Map([["0x00000000000000000000000000000000000000a1", 77]]));
    s1.close();
    const s2 = MinerStore.openIn(dir);
    const opened = s2.openNonceScope(scopeOf(miner), 9_999);
    assert.deepEqual(
      [opened.created, opened.notBeforeMs, [...opened.watermarks]],
      [false, 1_000, [["0x00000000000000000000000000000000000000a1", 77]]],
    );
    assert.equal(s2.schemaVersion(), 1);
    s2.close();
  });
});
