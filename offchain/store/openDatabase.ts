/**
 * Opening one of our SQLite files (the validator's store, the miner's store): create it if missing, refuse
 * anything that is not a healthy store of that kind (with an error naming the file and the way out — never a
 * silent reset: the validator's file holds the salts of pending commits, the miner's the nonces it has
 * accepted), then apply missing migrations.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { MIGRATIONS, type Migration } from "./migrations.js";
import { sqlite, type DatabaseSync } from "./sqlite.js";

/** SQLite header `application_id` of a validator store: "TAOV". */
export const APPLICATION_ID = 0x54414f56;

const NOTHING_CHANGED = "Nothing was changed or deleted.";

/** What kind of store a file must be, and how its errors name the way out. */
export interface StoreKind {
  /** "validator store": messages say "Validator store <file> …", "… not a validator store". */
  name: string;
  /** The program that keeps it: "… newer than this validator knows". */
  program: string;
  /** SQLite header `application_id` every file of this kind carries. */
  applicationId: number;
  /** Schema migrations of this kind. */
  migrations: readonly Migration[];
  /** Appended to every "damaged" error: what to do, and what a new file costs. */
  wayOut: string;
  /** Sentence for a SQLite file of another kind or application. */
  foreign: string;
  /** Sentence for a file written by a newer release. */
  newer: string;
  /** Clause for a directory where the file should be: "the db path must name a file". */
  notAFile: string;
  /** Appended when the file cannot be opened or prepared (permissions, a read-only disk); optional. */
  cannotOpen?: string;
}

export const VALIDATOR_STORE: StoreKind = {
  name: "validator store",
  program: "validator",
  applicationId: APPLICATION_ID,
  migrations: MIGRATIONS,
  wayOut:
    "Move the file aside and restore a backup, or point the validator's db path at a new file " +
    "(a new store starts empty: salts of pending commits are lost, so those reveals will be missed).",
  foreign: "Point the validator's db path at its own file.",
  newer: "Upgrade the validator, or point its db path at another file.",
  notAFile: "the db path must name a file",
};

export class StoreError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function pragma(db: DatabaseSync, name: string): unknown {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return row ? Object.values(row)[0] : undefined;
}

/** Runs `fn` in BEGIN IMMEDIATE … COMMIT, rolling back if it throws. */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // the failed statement may already have rolled back
    }
    throw e;
  }
}

export interface OpenOptions {
  /** The migrations to apply (tests pass longer lists); default the kind's. */
  migrations?: readonly Migration[];
  /** What the file must be; default VALIDATOR_STORE. */
  kind?: StoreKind;
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function openDatabase(file: string, opts: OpenOptions = {}): DatabaseSync {
  const kind = opts.kind ?? VALIDATOR_STORE;
  const migrations = opts.migrations ?? kind.migrations;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const Name = capitalised(kind.name);
  const WAY_OUT = kind.wayOut;
  const cannotOpen = kind.cannotOpen === undefined ? "" : ` ${kind.cannotOpen}`;
  const memory = file === ":memory:";
  if (!memory) {
    if (existsSync(file) && statSync(file).isDirectory()) {
      throw new StoreError(file, `${Name} ${file} is a directory; ${kind.notAFile}.`);
    }
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }

  let db: DatabaseSync;
  try {
    db = new sqlite.DatabaseSync(file);
  } catch (e) {
    throw new StoreError(file, `Cannot open ${kind.name} ${file}: ${errText(e)}.${cannotOpen}`, { cause: e });
  }

  const fail = (message: string, cause?: unknown, untouched = true): never => {
    try {
      db.close();
    } catch {
      // already unusable
    }
    throw new StoreError(file, untouched ? `${message} ${NOTHING_CHANGED}` : message, { cause });
  };

  let tables: string[] = [];
  let appId = 0;
  try {
    const check = pragma(db, "quick_check");
    if (check !== "ok") fail(`${Name} ${file} is corrupted (SQLite quick_check: ${String(check)}). ${WAY_OUT}`);
    appId = Number(pragma(db, "application_id"));
    tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all()
      .map((r) => String(r.name));
  } catch (e) {
    if (e instanceof StoreError) throw e;
    fail(
      `${Name} ${file} is not a readable SQLite database (${errText(e)}). It is corrupted or not a store. ${WAY_OUT}`,
      e,
    );
  }

  const fresh = tables.length === 0 && appId === 0;
  if (!fresh && appId !== kind.applicationId) {
    fail(
      `${file} is a SQLite database but not a ${kind.name} (application_id ${appId}, tables: ${tables.join(", ") || "none"}). ` +
        kind.foreign,
    );
  }
  if (!fresh && !tables.includes("schema_version")) {
    fail(`${Name} ${file} has no schema_version table: it is damaged. ${WAY_OUT}`);
  }

  // Read-only checks first: a store we refuse is left byte-for-byte as it was.
  const applied = fresh
    ? []
    : db
        .prepare("SELECT version FROM schema_version ORDER BY version")
        .all()
        .map((r) => Number(r.version));
  const current = applied.length > 0 ? (applied[applied.length - 1] as number) : 0;
  if (current > latest) {
    fail(
      `${Name} ${file} has schema version ${current}, newer than this ${kind.program} knows (${latest}): ` +
        `it was written by a newer release. ${kind.newer}`,
    );
  }
  if (applied.some((v, i) => v !== i + 1)) {
    fail(`${Name} ${file} has schema versions [${applied.join(", ")}], not 1..${current}: it is damaged. ${WAY_OUT}`);
  }

  if (current > 0) {
    const damage = schemaDifference(db, expectedSchema(migrations, current));
    if (damage !== undefined)
      fail(
        `${Name} ${file} says schema version ${current} but its tables are not that version's (${damage}): ` +
          `it was damaged or edited by hand. ${WAY_OUT}`,
      );
  }

  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA busy_timeout = 5000");
    if (fresh) {
      inTransaction(db, () => {
        db.exec(`PRAGMA application_id = ${kind.applicationId}`);
        db.exec(
          "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
        );
      });
    }
  } catch (e) {
    fail(`Cannot prepare ${kind.name} ${file}: ${errText(e)}.${cannotOpen}`, e);
  }

  for (const m of migrations) {
    if (m.version <= current) continue;
    try {
      inTransaction(db, () => {
        db.exec(m.sql);
        db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)").run(
          m.version,
          m.name,
          Date.now(),
        );
      });
    } catch (e) {
      fail(
        `Migration ${m.version} (${m.name}) of ${kind.name} ${file} failed: ${errText(e)}. ` +
          `That migration was rolled back; the store stays at version ${schemaVersion(db)}.`,
        e,
        false,
      );
    }
  }
  return db;
}

type Schema = Map<string, string[]>;

function tablesOf(db: DatabaseSync): Schema {
  const out: Schema = new Map();
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => String(r.name));
  for (const name of names) {
    const cols = db
      .prepare(`PRAGMA table_info(${JSON.stringify(name)})`)
      .all()
      .map(
        (c) => `${String(c.name)} ${String(c.type)}${Number(c.notnull) ? " NOT NULL" : ""}${Number(c.pk) ? " PK" : ""}`,
      );
    out.set(name, cols);
  }
  return out;
}

const expected = new WeakMap<readonly Migration[], Map<number, Schema>>();

/** The tables and columns migrations 1..`version` create (computed once, in memory). */
function expectedSchema(migrations: readonly Migration[], version: number): Schema {
  let byVersion = expected.get(migrations);
  if (!byVersion) expected.set(migrations, (byVersion = new Map()));
  let schema = byVersion.get(version);
  if (!schema) {
    const mem = new sqlite.DatabaseSync(":memory:");
    try {
      mem.exec(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
      );
      for (const m of migrations) if (m.version <= version) mem.exec(m.sql);
      schema = tablesOf(mem);
    } finally {
      mem.close();
    }
    byVersion.set(version, schema);
  }
  return schema;
}

/** What differs from `want` in the store's tables (tables the store has beyond them are allowed), or undefined. */
function schemaDifference(db: DatabaseSync, want: Schema): string | undefined {
  const have = tablesOf(db);
  const problems: string[] = [];
  for (const [table, cols] of want) {
    const got = have.get(table);
    if (!got) {
      problems.push(`table ${table} is missing`);
      continue;
    }
    const missing = cols.filter((c) => !got.includes(c));
    if (missing.length > 0) problems.push(`table ${table} lacks column ${missing.map((c) => `"${c}"`).join(", ")}`);
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** The schema version of an open store. */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_version").get();
  return Number(row?.v ?? 0);
}
