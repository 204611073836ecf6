import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  StoreError,
  StoreRedeployedError,
  ValidatorStore,
  moveStoreAside,
  type Migration,
} from "../../offchain/store/index.js";
import { sqlite } from "../../offchain/store/sqlite.js";
import { HOTKEY, emaRecord, hex32, newCommit, tempFile } from "./helpers.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const nodeBin = path.join(root, "node_modules", ".bin", "node");
const storeUrl = pathToFileURL(path.join(root, "offchain/store/index.ts")).href;

/** Runs an ES module snippet in a fresh Node (with tsx), returning its exit code and output. */
async function child(
  code: string,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(nodeBin, ["--import", "tsx", "--input-type=module", "-e", code], {
      cwd: root,
    });
    return { code: 0, signal: null, stdout, stderr };
  } catch (e) {
    const err = e as { code: number | null; signal: string | null; stdout: string; stderr: string };
    return { code: err.code, signal: err.signal, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A closed store file with 200 commits in it (several pages), and its bytes. */
function populatedStoreFile(): { file: string; bytes: Buffer } {
  const file = tempFile();
  const s = ValidatorStore.open(file);
  for (let i = 0; i < 200; i++)
    s.recordCommitIntent(newCommit({ epoch: i, hash: `0x${i.toString(16).padStart(64, "0")}` }));
  s.close();
  return { file, bytes: readFileSync(file) };
}

/** A store as the previous version wrote it: schema 3, an identity without a genesis time. */
function writeSchema3Store(file: string, me: { chainId: number; settlement: string; hotkey: string }): void {
  ValidatorStore.open(file, { migrations: MIGRATIONS.filter((m) => m.version <= 3) }).close();
  const raw = new sqlite.DatabaseSync(file);
  raw
    .prepare("INSERT INTO identity (id, chain_id, settlement, hotkey) VALUES (1, ?, ?, ?)")
    .run(me.chainId, me.settlement, me.hotkey);
  raw.close();
}

describe("validator store: schema and migrations", () => {
  it("creates the schema at the latest version, and reopening applies nothing twice", () => {
    const file = tempFile();
    const a = ValidatorStore.open(file);
    assert.equal(a.schemaVersion(), LATEST_SCHEMA_VERSION);
    a.close();
    const raw = () => {
      const db = new sqlite.DatabaseSync(file);
      const rows = db.prepare("SELECT version, applied_at FROM schema_version ORDER BY version").all();
      db.close();
      return rows.map((r) => ({ ...r }));
    };
    const before = raw();
    for (let i = 0; i < 3; i++) ValidatorStore.open(file).close();
    assert.deepEqual(raw(), before);
    assert.equal(before.length, MIGRATIONS.length);
  });

  it("applies a new migration exactly once on the next open", () => {
    const file = tempFile();
    ValidatorStore.open(file).close();
    const v2: Migration = { version: LATEST_SCHEMA_VERSION + 1, name: "add notes", sql: "CREATE TABLE notes (t TEXT)" };
    const migrations = [...MIGRATIONS, v2];
    const s = ValidatorStore.open(file, { migrations });
    assert.equal(s.schemaVersion(), v2.version);
    s.close();
    // Re-running would fail (table exists) if it were applied again.
    const again = ValidatorStore.open(file, { migrations });
    assert.equal(again.schemaVersion(), v2.version);
    again.close();
  });

  it("rolls back a failing migration and says so", () => {
    const file = tempFile();
    ValidatorStore.open(file).close();
    const bad: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: "broken",
      sql: "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);",
    };
    assert.throws(
      () => ValidatorStore.open(file, { migrations: [...MIGRATIONS, bad] }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.message.includes(`Migration ${bad.version} (broken)`) &&
        e.message.includes(`stays at version ${LATEST_SCHEMA_VERSION}`),
    );
    const s = ValidatorStore.open(file);
    assert.equal(s.schemaVersion(), LATEST_SCHEMA_VERSION);
    s.close();
    const db = new sqlite.DatabaseSync(file);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
    db.close();
  });
});

describe("validator store: refusing bad files", () => {
  it("refuses a file that is not SQLite, naming it, and leaves it untouched", () => {
    const file = tempFile();
    const junk = Buffer.from("this is not a database, just some text that happens to be here\n".repeat(100));
    writeFileSync(file, junk);
    assert.throws(
      () => ValidatorStore.open(file),
      (e: unknown) =>
        e instanceof StoreError &&
        e.file === file &&
        e.message.includes(file) &&
        /not a readable SQLite database/.test(e.message) &&
        /Nothing was changed/.test(e.message) &&
        /restore a backup/.test(e.message),
    );
    assert.deepEqual(readFileSync(file), junk);
  });

  it("refuses a store written by a newer schema version, leaving it untouched", () => {
    const file = tempFile();
    ValidatorStore.open(file).close();
    const db = new sqlite.DatabaseSync(file);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', 0)").run(
      LATEST_SCHEMA_VERSION + 1,
    );
    db.close();
    const bytes = readFileSync(file);
    assert.throws(
      () => ValidatorStore.open(file),
      (e: unknown) =>
        e instanceof StoreError &&
        e.message.includes(file) &&
        e.message.includes(
          `schema version ${LATEST_SCHEMA_VERSION + 1}, newer than this validator knows (${LATEST_SCHEMA_VERSION})`,
        ) &&
        /Upgrade the validator/.test(e.message),
    );
    assert.deepEqual(readFileSync(file), bytes);
  });

  it("refuses another application's SQLite database", () => {
    const file = tempFile();
    const db = new sqlite.DatabaseSync(file);
    db.exec("CREATE TABLE accounts (id INTEGER)");
    db.close();
    assert.throws(
      () => ValidatorStore.open(file),
      /is a SQLite database but not a validator store \(application_id 0, tables: accounts\)/,
    );
  });

  it("refuses a store whose pages were damaged", () => {
    const { file, bytes } = populatedStoreFile();
    assert.ok(bytes.length > 8192);
    // Overwrite the second page (the first table's b-tree) with garbage.
    bytes.fill(0xa5, 4096, 8192);
    writeFileSync(file, bytes);
    assert.throws(
      () => {
        const t = ValidatorStore.open(file);
        t.commits(1);
        t.close();
      },
      (e: unknown) =>
        e instanceof StoreError && e.message.includes(file) && /is corrupted \(SQLite quick_check/.test(e.message),
    );
  });

  it("refuses a validator store whose tables are not its version's, naming what is wrong, leaving it untouched", () => {
    for (const [edit, what] of [
      ["DROP TABLE scores", /table scores is missing/],
      ["ALTER TABLE commits DROP COLUMN reveal_tx", /table commits lacks column "reveal_tx TEXT"/],
      [
        "ALTER TABLE settlements RENAME COLUMN root TO merkle_root",
        /table settlements lacks column "root TEXT NOT NULL"/,
      ],
    ] as const) {
      const file = tempFile();
      ValidatorStore.open(file).close();
      const db = new sqlite.DatabaseSync(file);
      db.exec(edit);
      db.close();
      const bytes = readFileSync(file);
      assert.throws(
        () => ValidatorStore.open(file),
        (e: unknown) =>
          e instanceof StoreError &&
          e.file === file &&
          e.message.includes(`${file} says schema version ${LATEST_SCHEMA_VERSION}`) &&
          what.test(e.message) &&
          /restore a backup/.test(e.message) &&
          /Nothing was changed/.test(e.message),
        edit,
      );
      assert.deepEqual(readFileSync(file), bytes, `${edit}: the file was changed`);
    }
  });

  it("refuses a store cut short (a truncated copy), naming it", () => {
    const { file, bytes } = populatedStoreFile();
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.throws(
      () => {
        const t = ValidatorStore.open(file);
        t.commits(1);
        t.close();
      },
      (e: unknown) => e instanceof StoreError && e.file === file && /restore a backup/.test(e.message),
    );
  });

  it("refuses a directory as the db path", () => {
    const file = tempFile();
    assert.throws(() => ValidatorStore.open(path.dirname(file)), /is a directory/);
  });
});

describe("validator store: write-ahead commits", () => {
  it("keeps a commit intent (salt, weights, version key) across close and reopen", () => {
    const file = tempFile();
    const a = ValidatorStore.open(file);
    const row = a.recordCommitIntent(newCommit());
    assert.equal(row.status, "intent");
    a.close();
    const b = ValidatorStore.open(file);
    const back = b.openCommits(1);
    assert.equal(back.length, 1);
    assert.deepEqual(back[0], row);
    assert.equal(back[0]?.versionKey, 18446744073709551615n);
    b.close();
  });

  it("keeps the intent when the process is killed right after recording it (SIGKILL, no close)", async () => {
    const file = tempFile();
    const code = `
      const { ValidatorStore } = await import(${JSON.stringify(storeUrl)});
      const s = ValidatorStore.open(${JSON.stringify(file)});
      s.recordCommitIntent({ netuid: 3, epoch: 41, hotkey: ${JSON.stringify(HOTKEY)}, hash: ${JSON.stringify(hex32("cd"))},
        salt: ${JSON.stringify(hex32("01"))}, weights: new Uint8Array([0, 4, 255, 255]), versionKey: 2n });
      process.kill(process.pid, "SIGKILL");
    `;
    const res = await child(code);
    assert.equal(res.signal, "SIGKILL", res.stderr);
    const s = ValidatorStore.open(file);
    const [c] = s.openCommits(3);
    assert.ok(c, "intent lost in the crash");
    assert.deepEqual(
      [c.epoch, c.hash, c.salt, c.status, [...c.weights], c.versionKey],
      [41, hex32("cd"), hex32("01"), "intent", [0, 4, 255, 255], 2n],
    );
    s.close();
  });

  it("prunes finished rows before an epoch: spent commits, claimed settlements, bonds but the newest", () => {
    const s = ValidatorStore.open(tempFile());
    const commit = (epoch: number, to: "revealed" | "expired" | "committed") => {
      const c = s.recordCommitIntent(newCommit({ epoch, hash: hex32(String(10 + epoch)) }));
      s.markCommitSent(c.id, hex32("11"));
      if (to === "expired") return s.markExpired(c.id);
      s.markCommitted(c.id);
      if (to === "revealed") {
        s.markRevealing(c.id, hex32("22"));
        s.markRevealed(c.id);
      }
    };
    commit(1, "revealed");
    commit(2, "expired");
    commit(3, "committed"); // open: stays whatever its age
    commit(8, "revealed"); // inside the window
    for (const e of [1, 2, 3, 8]) s.recordSettlement(1, e, hex32(String(20 + e)));
    s.markSettlementSubmitted(1, 1, hex32("33"));
    s.markSettlementFinalised(1, 1);
    s.markSettlementClaimed(1, 1);
    s.markSettlementSubmitted(1, 2, hex32("34")); // submitted, never final: still followed
    s.putBonds(1, 1, new Uint8Array([1]));
    s.putBonds(1, 2, new Uint8Array([2]));
    s.putBonds(2, 1, new Uint8Array([9])); // another subnet: untouched
    assert.deepEqual(s.prune(1, 5), { commits: 2, settlements: 1, bonds: 1 });
    assert.deepEqual(
      s.commits(1).map((c) => [c.epoch, c.status]),
      [
        [3, "committed"],
        [8, "revealed"],
      ],
    );
    assert.deepEqual(
      [1, 2, 3, 8].map((e) => s.settlement(1, e)?.status),
      [undefined, "submitted", "computed", "computed"],
    );
    assert.deepEqual([s.bonds(1, 1), s.latestBonds(1)?.epoch, s.bonds(2, 1)?.length], [undefined, 2, 1]);
    assert.deepEqual(s.prune(1, 5), { commits: 0, settlements: 0, bonds: 0 }, "idempotent");
    assert.throws(() => s.prune(1, -1), /epoch -1 must be a non-negative integer/);
    s.close();
  });

  it("walks a commit through sent, committed, revealing, revealed, and refuses going back", () => {
    const s = ValidatorStore.open(tempFile());
    const c = s.recordCommitIntent(newCommit());
    const sent = s.markCommitSent(c.id, hex32("10"), 7);
    assert.deepEqual([sent.commitTx, sent.commitNonce], [hex32("10"), 7]);
    // A resend records its own tx, and no nonce when it has none.
    const resent = s.markCommitSent(c.id, hex32("11"));
    assert.deepEqual([resent.commitTx, resent.commitNonce], [hex32("11"), null]);
    assert.throws(() => s.markCommitSent(c.id, hex32("12"), -1), /commit nonce -1 must be a non-negative integer/);
    assert.equal(s.markCommitted(c.id).status, "committed");
    assert.equal(s.markRevealing(c.id, hex32("22")).revealTx, hex32("22"));
    const done = s.markRevealed(c.id);
    assert.deepEqual([done.status, done.commitTx, done.revealTx], ["revealed", hex32("11"), hex32("22")]);
    assert.equal(s.openCommits(1).length, 0);
    assert.throws(() => s.markCommitSent(c.id, hex32("33")), /is revealed; it cannot become sent/);
    assert.throws(() => s.markExpired(c.id), /cannot become expired/);
    assert.throws(() => s.markCommitted(999), /No commit with id 999/);
    s.close();
  });

  it("records one commit per epoch: the same hash is idempotent, another hash is refused", () => {
    const s = ValidatorStore.open(tempFile());
    const a = s.recordCommitIntent(newCommit());
    const again = s.recordCommitIntent(newCommit({ hotkey: HOTKEY.toUpperCase().replace("0X", "0x") }));
    assert.equal(again.id, a.id);
    assert.throws(
      () => s.recordCommitIntent(newCommit({ hash: hex32("ee") })),
      /already recorded .* refusing a second one/,
    );
    assert.equal(s.recordCommitIntent(newCommit({ epoch: 8, hash: hex32("ee") })).epoch, 8);
    assert.throws(
      () => s.recordCommitIntent(newCommit({ epoch: 9, hash: "0x1234" })),
      /commit hash "0x1234" must be 0x-prefixed hex of 32 bytes/,
    );
    assert.throws(() => s.recordCommitIntent(newCommit({ epoch: 9, versionKey: 1n << 64n })), /not a u64/);
    s.close();
  });

  it("rolls back everything in a failed transaction", () => {
    const s = ValidatorStore.open(tempFile());
    assert.throws(() =>
      s.transaction(() => {
        s.recordCommitIntent(newCommit());
        throw new Error("crash between writes");
      }),
    );
    assert.equal(s.commits(1).length, 0);
    s.close();
  });
});

describe("validator store: scores, bonds, settlements, progress", () => {
  it("stores EMA scores per (netuid, uid) with their hotkey, both kinds' averages apart", () => {
    const s = ValidatorStore.open(tempFile());
    s.putScores(1, [
      emaRecord({ uid: 0, hotkey: "0xAA", ema: 0.5, samples: 3, updatedSlot: 100 }),
      emaRecord({ uid: 2, hotkey: "0xbb", ema: 0.25, samples: 1, updatedSlot: 101 }),
    ]);
    const mixed = {
      uid: 0,
      hotkey: "0xcc",
      ema: 0.1,
      samples: 3,
      verifiable: { ema: 0.19, samples: 2 },
      open: { ema: 0.07, samples: 1 },
      updatedSlot: 102,
    };
    s.putScores(1, [mixed]);
    s.putScores(2, [emaRecord({ uid: 0, hotkey: "0xdd", ema: 0.9, samples: 9, updatedSlot: 5 })]);
    assert.deepEqual(s.scores(1), [
      mixed,
      {
        uid: 2,
        hotkey: "0xbb",
        ema: 0.25,
        samples: 1,
        verifiable: { ema: 0.25, samples: 1 },
        open: { ema: 0, samples: 0 },
        updatedSlot: 101,
      },
    ]);
    for (const bad of [
      emaRecord({ uid: 1, hotkey: "0x", ema: Number.NaN, samples: 1, updatedSlot: 1 }),
      { ...mixed, verifiable: { ema: Number.POSITIVE_INFINITY, samples: 1 } },
      { ...mixed, open: { ema: Number.NaN, samples: 1 } },
    ])
      assert.throws(() => s.putScores(1, [bad]), /not finite/);
    assert.deepEqual(s.score(1, 0), mixed, "a refused record changes nothing");
    s.deleteScore(1, 2);
    assert.equal(s.score(1, 2), undefined);
    s.close();
  });

  it("stores bonds blobs per epoch and returns the latest", () => {
    const s = ValidatorStore.open(tempFile());
    s.putBonds(1, 4, new Uint8Array([4]));
    s.putBonds(1, 6, new Uint8Array([6, 6]));
    s.putBonds(1, 5, new Uint8Array([5]));
    assert.deepEqual(s.latestBonds(1), { epoch: 6, blob: new Uint8Array([6, 6]) });
    assert.deepEqual(s.bonds(1, 5), new Uint8Array([5]));
    assert.equal(s.bonds(2, 5), undefined);
    s.close();
  });

  it("walks a settlement from computed to claimed", () => {
    const s = ValidatorStore.open(tempFile());
    s.recordSettlement(1, 3, hex32("77"));
    assert.equal(s.recordSettlement(1, 3, hex32("77")).status, "computed");
    assert.throws(() => s.recordSettlement(1, 3, hex32("78")), /already has root/);
    assert.throws(() => s.markSettlementClaimed(1, 3, hex32("01")), /is computed; it cannot become claimed/);
    s.markSettlementSubmitted(1, 3, hex32("01"));
    s.markSettlementFinalised(1, 3);
    const done = s.markSettlementClaimed(1, 3, hex32("02"));
    assert.deepEqual([done.status, done.submitTx, done.claimTx], ["claimed", hex32("01"), hex32("02")]);
    assert.throws(() => s.markSettlementFinalised(1, 9), /No settlement recorded for netuid 1, epoch 9/);
    s.close();
  });

  it("follows a netuid into a new life: the old life's rows go, other subnets' stay, a reopen keeps the life", () => {
    const file = tempFile();
    const s = ValidatorStore.open(file);
    const fill = (netuid: number) => {
      s.recordCommitIntent(newCommit({ netuid }));
      s.putScores(netuid, [emaRecord({ uid: 1, hotkey: "0xaa", ema: 0.5, samples: 1, updatedSlot: 1 })]);
      s.putBonds(netuid, 7, new Uint8Array([7]));
      s.recordSettlement(netuid, 7, hex32("77"));
    };
    fill(1);
    fill(2);
    // First sight of a netuid: its rows are this life's (a store from before lives were recorded keeps them).
    assert.equal(s.enterLife(1, 1, 100), undefined);
    assert.equal(s.enterLife(2, 4, 100), undefined);
    assert.equal(s.enterLife(1, 1, 150), undefined, "the same life again: nothing happens");
    assert.equal(s.commits(1).length, 1);
    s.close();

    const t = ValidatorStore.open(file);
    assert.equal(t.life(1), 1);
    assert.deepEqual(t.enterLife(1, 2, 200), {
      from: 1,
      to: 2,
      fromSinceSlot: 100, // the first enterLife's slot: a second call in the same life does not move it
      dropped: { commits: 1, scores: 1, bonds: 1, settlements: 1 },
    });
    assert.deepEqual(
      [t.commits(1).length, t.scores(1).length, t.latestBonds(1), t.settlement(1, 7)],
      [0, 0, undefined, undefined],
      "netuid 1 starts afresh",
    );
    assert.deepEqual(
      [t.commits(2).length, t.scores(2).length, t.latestBonds(2)?.epoch, t.settlement(2, 7)?.status],
      [1, 1, 7, "computed"],
      "netuid 2 is untouched",
    );
    t.recordCommitIntent(newCommit({ netuid: 1 })); // the new life's epoch 7 is free again
    assert.throws(() => t.enterLife(1, -1, 200), /generation -1 must be a non-negative integer/);
    t.close();
  });

  it("belongs to one hotkey on one deployment: another is refused before anything is read, naming both", () => {
    const file = tempFile();
    const s = ValidatorStore.open(file);
    const me = {
      chainId: 31337,
      settlement: `0x${"5e".repeat(20)}`,
      hotkey: `0x${"A1".repeat(20)}`,
      genesisTime: 1_796_297_295,
    };
    assert.equal(s.identity(), undefined);
    assert.equal(s.bindIdentity(me), "recorded");
    assert.equal(s.bindIdentity({ ...me, hotkey: me.hotkey.toLowerCase() }), "matched"); // case-insensitive
    s.recordCommitIntent(newCommit());
    s.close();

    const t = ValidatorStore.open(file);
    assert.deepEqual(t.identity(), { ...me, hotkey: me.hotkey.toLowerCase() });
    for (const other of [
      { ...me, chainId: 945 },
      { ...me, settlement: `0x${"5f".repeat(20)}` },
      { ...me, hotkey: `0x${"b2".repeat(20)}` },
    ]) {
      assert.throws(
        () => t.bindIdentity(other),
        (e: unknown) =>
          e instanceof StoreError &&
          e.message.includes(`belongs to hotkey ${me.hotkey.toLowerCase()} on chain 31337`) &&
          e.message.includes(`not to hotkey ${other.hotkey.toLowerCase()} on chain ${other.chainId}`) &&
          /give this validator its own store \(--db <file>/.test(e.message),
      );
    }
    // A local chain deployed again: same chain id and addresses, another genesis.
    assert.throws(
      () => t.bindIdentity({ ...me, genesisTime: me.genesisTime + 600 }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.message.includes("genesis 1796297295 (2026-12-03T11:28:15.000Z); this one") &&
        e.message.includes("has genesis 1796297895 (") &&
        /deployed again.*delete the file, or pass another --db/.test(e.message),
    );
    assert.equal(t.commits(1).length, 1, "nothing was changed");
    t.close();
  });

  it("a store bound before genesis times were recorded takes the first one, then holds to it", () => {
    const file = tempFile();
    const me = { chainId: 31337, settlement: `0x${"5e".repeat(20)}`, hotkey: `0x${"a1".repeat(20)}` };
    writeSchema3Store(file, me);
    const s = ValidatorStore.open(file);
    assert.deepEqual(s.identity(), me);
    assert.equal(s.bindIdentity({ ...me, genesisTime: 100 }), "adopted-genesis");
    assert.deepEqual(s.identity(), { ...me, genesisTime: 100 });
    assert.equal(s.bindIdentity({ ...me, genesisTime: 100 }), "matched");
    assert.throws(() => s.bindIdentity({ ...me, genesisTime: 101 }), /deployed again/);
    s.close();
  });

  it("a store from before genesis times with progress past the chain's current slot is of a reset chain", () => {
    const file = tempFile();
    const me = { chainId: 31337, settlement: `0x${"5e".repeat(20)}`, hotkey: `0x${"a1".repeat(20)}` };
    writeSchema3Store(file, me);
    const s = ValidatorStore.open(file);
    s.setLastSlot(1, 900);
    s.enterLife(2, 0, 950);
    assert.equal(s.highestSlot(), 950);
    assert.throws(
      () => s.bindIdentity({ ...me, genesisTime: 100 }, 949),
      (e: unknown) =>
        e instanceof StoreRedeployedError &&
        e.haveGenesis === undefined &&
        e.wantGenesis === 100 &&
        /has progress up to slot 950, past this chain's current slot 949.*reset and deployed again/.test(e.message),
    );
    assert.equal(s.identity()?.genesisTime, undefined, "nothing was changed");
    assert.equal(s.bindIdentity({ ...me, genesisTime: 100 }, 950), "adopted-genesis", "at or past it: this chain's");
    s.close();

    // One from before identities: the same rule.
    const bare = ValidatorStore.open(tempFile());
    bare.setLastSlot(1, 900);
    assert.throws(
      () => bare.bindIdentity({ ...me, genesisTime: 100 }, 899),
      (e: unknown) =>
        e instanceof StoreRedeployedError &&
        /has no recorded deployment and has progress up to slot 900/.test(e.message),
    );
    assert.equal(bare.identity(), undefined, "nothing was recorded");
    assert.equal(bare.bindIdentity({ ...me, genesisTime: 100 }, 900), "recorded");
    bare.close();
  });

  it("is not moved aside while another process has it open, and moves once that one closes", () => {
    const file = tempFile();
    const other = ValidatorStore.open(file);
    other.setLastSlot(1, 7);
    const mine = ValidatorStore.open(file);
    mine.close();
    assert.throws(
      () => moveStoreAside(file, 100),
      (e: unknown) => e instanceof StoreError && /is open in another process .*-wal.*nothing was moved/.test(e.message),
    );
    assert.equal(existsSync(file), true);
    other.close();
    const aside = moveStoreAside(file, undefined);
    assert.equal(aside, `${file}.genesis-unrecorded`);
    assert.equal(existsSync(file), false);
    const moved = ValidatorStore.open(aside);
    assert.equal(moved.lastSlot(1), 7, "the other process's writes went with it");
    moved.close();
  });

  it("keeps the last processed slot per subnet, never moving it backwards", () => {
    const file = tempFile();
    const s = ValidatorStore.open(file);
    assert.equal(s.lastSlot(1), undefined);
    s.setLastSlot(1, 500);
    s.setLastSlot(1, 400);
    s.setLastSlot(2, 7);
    s.close();
    const t = ValidatorStore.open(file);
    assert.deepEqual([t.lastSlot(1), t.lastSlot(2)], [500, 7]);
    t.close();
  });
});

describe("node:sqlite experimental warning", () => {
  it("is silenced when the store loads, while other warnings still print", async () => {
    const res = await child(`
      await import(${JSON.stringify(storeUrl)});
      process.emitWarning("something else", "ExperimentalWarning");
      await new Promise((r) => setTimeout(r, 20));
    `);
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stderr, /SQLite is an experimental feature/);
    assert.match(res.stderr, /ExperimentalWarning: something else/);
  });
});
