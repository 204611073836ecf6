/**
 * The miner's persistent state (SQLite via node:sqlite, `<data dir>/miner.db`): for each scope it serves (chain
 * id, netuid, miner hotkey: what a validator's request signature covers), the highest nonce accepted from each
 * validator hotkey, so a restarted axon refuses replays of requests captured before the restart without
 * refusing fresh ones (offchain/axon/nonceLedger.ts). Opened like the validator's store (openDatabase.ts): a
 * damaged or foreign file is refused with an error naming it and the way out, never reset. WAL with
 * synchronous=FULL: a write is on disk when it returns.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import type { NonceScope, NonceStore, OpenedNonceScope } from "../axon/nonceLedger.js";
import { MINER_MIGRATIONS } from "./minerMigrations.js";
import {
  inTransaction,
  openDatabase,
  schemaVersion,
  StoreError,
  type OpenOptions,
  type StoreKind,
} from "./openDatabase.js";
import type { DatabaseSync, StatementSync } from "./sqlite.js";

/** SQLite header `application_id` of a miner store: "TAOM". */
export const MINER_APPLICATION_ID = 0x54414f4d;

/** The store's file name inside the miner's data dir. */
export const MINER_STORE_FILE = "miner.db";

export const MINER_STORE: StoreKind = {
  name: "miner store",
  program: "miner",
  applicationId: MINER_APPLICATION_ID,
  migrations: MINER_MIGRATIONS,
  wayOut:
    `Move it aside (with any ${MINER_STORE_FILE}-wal and ${MINER_STORE_FILE}-shm next to it) and start the miner ` +
    "again, or start it with another --data-dir. That is safe: a new store starts empty, and the miner then " +
    "refuses every nonce dated before that start plus its clock skew (30 s by default), as on a first start, so " +
    "no request captured before can be replayed.",
  foreign: `Give the miner a --data-dir of its own (it keeps ${MINER_STORE_FILE} there).`,
  newer: "Upgrade the miner, or start it with another --data-dir.",
  notAFile: `move it aside, or start the miner with another --data-dir (it keeps ${MINER_STORE_FILE} there)`,
  cannotOpen:
    "Check that the miner's user can read and write the file and its directory, or start the miner with another --data-dir.",
};

/** `<dataDir>/miner.db`. */
export function minerStorePath(dataDir: string): string {
  return path.join(dataDir, MINER_STORE_FILE);
}

const ADDRESS = /^0x[0-9a-f]{40}$/;

function scopeKey(s: NonceScope): [number, number, string] {
  const miner = s.miner.toLowerCase();
  if (!ADDRESS.test(miner)) throw new RangeError(`miner hotkey ${JSON.stringify(s.miner)} is not a 20-byte 0x address`);
  if (!Number.isSafeInteger(s.chainId) || s.chainId < 0) throw new RangeError(`chain id ${s.chainId} is not valid`);
  if (!Number.isSafeInteger(s.netuid) || s.netuid < 0) throw new RangeError(`netuid ${s.netuid} is not valid`);
  return [s.chainId, s.netuid, miner];
}

export class MinerStore implements NonceStore {
  #raise: StatementSync | undefined;

  private constructor(
    readonly file: string,
    private readonly db: DatabaseSync,
    private readonly now: () => number,
  ) {}

  /** Opens (creating and migrating if needed) the store at `file`; throws StoreError on a bad file. */
  static open(file: string, opts: Omit<OpenOptions, "kind"> & { now?: () => number } = {}): MinerStore {
    return new MinerStore(file, openDatabase(file, { ...opts, kind: MINER_STORE }), opts.now ?? Date.now);
  }

  /**
   * Opens the store in the miner's data dir (`<dataDir>/miner.db`), creating the directory; a data dir that is
   * a file, or cannot be created, is a StoreError naming it and the fix.
   */
  static openIn(dataDir: string, opts: Omit<OpenOptions, "kind"> & { now?: () => number } = {}): MinerStore {
    if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
      throw new StoreError(
        dataDir,
        `The miner's data dir ${dataDir} is a file, not a directory: move it aside, or start the miner with another --data-dir.`,
      );
    }
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw new StoreError(
        dataDir,
        `Cannot create the miner's data dir ${dataDir}: ${e instanceof Error ? e.message : String(e)}. ` +
          "Create it with write access for the miner's user, or start the miner with another --data-dir.",
        { cause: e },
      );
    }
    return MinerStore.open(minerStorePath(dataDir), opts);
  }

  close(): void {
    this.db.close();
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  openNonceScope(scope: NonceScope, notBeforeMsIfNew: number): OpenedNonceScope {
    const key = scopeKey(scope);
    if (!Number.isSafeInteger(notBeforeMsIfNew) || notBeforeMsIfNew < 0)
      throw new RangeError(`notBeforeMs ${notBeforeMsIfNew} is not a unix time in milliseconds`);
    return inTransaction(this.db, () => {
      const row = this.db
        .prepare("SELECT not_before_ms FROM nonce_scopes WHERE chain_id = ? AND netuid = ? AND miner = ?")
        .get(...key);
      let created = false;
      let notBeforeMs: number;
      if (row === undefined) {
        this.db
          .prepare(
            "INSERT INTO nonce_scopes (chain_id, netuid, miner, not_before_ms, created_at) VALUES (?, ?, ?, ?, ?)",
          )
          .run(...key, notBeforeMsIfNew, this.now());
        created = true;
        notBeforeMs = notBeforeMsIfNew;
      } else {
        notBeforeMs = Number(row.not_before_ms);
        // Stored by a first start whose clock ran ahead (later corrected): every nonce a process without this
        // store accepted is dated before that start's real time plus the skew, which is before now plus the skew,
        // so the refusal ends by then instead of holding every later start until the wrong instant.
        if (notBeforeMs > notBeforeMsIfNew) {
          this.db
            .prepare("UPDATE nonce_scopes SET not_before_ms = ? WHERE chain_id = ? AND netuid = ? AND miner = ?")
            .run(notBeforeMsIfNew, ...key);
          notBeforeMs = notBeforeMsIfNew;
        }
      }
      const watermarks = new Map<string, number>();
      for (const r of this.db
        .prepare("SELECT validator, nonce FROM nonce_watermarks WHERE chain_id = ? AND netuid = ? AND miner = ?")
        .all(...key))
        watermarks.set(String(r.validator), Number(r.nonce));
      return { notBeforeMs, created, watermarks };
    });
  }

  raiseNonceWatermarks(scope: NonceScope, marks: ReadonlyMap<string, number>): void {
    const key = scopeKey(scope);
    for (const [validator, nonce] of marks) {
      if (!ADDRESS.test(validator))
        throw new RangeError(`validator ${JSON.stringify(validator)} is not a lowercase address`);
      if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError(`nonce ${nonce} is not a safe integer`);
    }
    this.#raise ??= this.db.prepare(
      `INSERT INTO nonce_watermarks (chain_id, netuid, miner, validator, nonce, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (chain_id, netuid, miner, validator)
       DO UPDATE SET nonce = MAX(nonce, excluded.nonce), updated_at = excluded.updated_at`,
    );
    const raise = this.#raise;
    const t = this.now();
    inTransaction(this.db, () => {
      for (const [validator, nonce] of marks) raise.run(...key, validator, nonce, t);
    });
  }

  /** The stored watermark of `validator` in `scope` (for inspection and tests). */
  nonceWatermark(scope: NonceScope, validator: string): number | undefined {
    const r = this.db
      .prepare("SELECT nonce FROM nonce_watermarks WHERE chain_id = ? AND netuid = ? AND miner = ? AND validator = ?")
      .get(...scopeKey(scope), validator.toLowerCase());
    return r === undefined ? undefined : Number(r.nonce);
  }
}
