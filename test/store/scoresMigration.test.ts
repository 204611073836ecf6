/** Migration 6 (scores per task kind) on a store written by the schema before it. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, ValidatorStore } from "../../offchain/store/index.js";
import { sqlite } from "../../offchain/store/sqlite.js";
import { tempFile } from "./helpers.js";

const SCORES_PER_KIND = 6;

/** A store as schema 5 wrote it, with the scores of two subnets in it (written by hand, as that version did). */
function writeSchema5Store(file: string): void {
  ValidatorStore.open(file, { migrations: MIGRATIONS.filter((m) => m.version < SCORES_PER_KIND) }).close();
  const raw = new sqlite.DatabaseSync(file);
  const put = raw.prepare(
    "INSERT INTO scores (netuid, uid, hotkey, ema, samples, updated_slot) VALUES (?, ?, ?, ?, ?, ?)",
  );
  put.run(1, 0, "0xaa", 0.5, 3, 100);
  put.run(1, 2, "0xbb", 0.25, 1, 101);
  put.run(2, 7, "0xcc", 0.9, 40, 5);
  assert.equal(Number(raw.prepare("SELECT MAX(version) AS v FROM schema_version").get()?.v), 5);
  raw.close();
}

describe("validator store: migration 6, scores per task kind", () => {
  it("is a released migration", () => {
    assert.ok(LATEST_SCHEMA_VERSION >= SCORES_PER_KIND);
    assert.equal(MIGRATIONS.find((m) => m.version === SCORES_PER_KIND)?.name, "scores per task kind");
  });

  it("upgrades a schema 5 store without losing a row: verifiable average from the old one, open from 0", () => {
    const file = tempFile();
    writeSchema5Store(file);
    const s = ValidatorStore.open(file);
    assert.equal(s.schemaVersion(), LATEST_SCHEMA_VERSION);
    assert.deepEqual(s.scores(1), [
      {
        uid: 0,
        hotkey: "0xaa",
        ema: 0.5,
        samples: 3,
        verifiable: { ema: 0.5, samples: 3 },
        open: { ema: 0, samples: 0 },
        updatedSlot: 100,
      },
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
    assert.deepEqual(s.scores(2), [
      {
        uid: 7,
        hotkey: "0xcc",
        ema: 0.9,
        samples: 40,
        verifiable: { ema: 0.9, samples: 40 },
        open: { ema: 0, samples: 0 },
        updatedSlot: 5,
      },
    ]);
    // Upgraded rows take the new columns like any other.
    const mixed = { ...(s.score(1, 2) as NonNullable<ReturnType<typeof s.score>>), open: { ema: 0.3, samples: 1 } };
    s.putScores(1, [mixed]);
    s.close();

    // Reopening applies nothing twice and keeps what was written.
    const again = ValidatorStore.open(file);
    assert.equal(again.schemaVersion(), LATEST_SCHEMA_VERSION);
    assert.deepEqual(again.score(1, 2), mixed);
    assert.equal(again.scores(1).length + again.scores(2).length, 3);
    again.close();
  });
});
