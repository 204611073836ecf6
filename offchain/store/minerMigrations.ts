/**
 * Schema migrations of the miner's store (`<data dir>/miner.db`), with the same rules as the validator's
 * (migrations.ts): applied in order, each in its own transaction; never edit a released one, add the next.
 *
 * A scope is the domain a validator's request signature covers: (chain id, netuid, miner hotkey). A request
 * signed for one scope never verifies in another, so a watermark is only ever applied in its own scope.
 * Nonces are INTEGER (`ms × 1000 + seq`, about 1.8e15: below 2^53); hotkeys are 0x-prefixed lowercase hex TEXT;
 * timestamps are unix milliseconds.
 */
import type { Migration } from "./migrations.js";

export const MINER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "nonce watermarks",
    sql: `
      -- Each scope this store has served. not_before_ms is the first start with this store plus the clock skew:
      -- an earlier process on the same scope that had no store (or another one) may have accepted any nonce
      -- dated before it, so those stay refused for good (they are stale within a clock skew anyway).
      CREATE TABLE nonce_scopes (
        chain_id      INTEGER NOT NULL,
        netuid        INTEGER NOT NULL,
        miner         TEXT    NOT NULL,
        not_before_ms INTEGER NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (chain_id, netuid, miner)
      );

      -- The highest nonce the axon accepted from each validator hotkey in a scope. It is on disk before any work
      -- is done for a request carrying it, so after a restart (or a crash) a nonce at or below it is a replay.
      CREATE TABLE nonce_watermarks (
        chain_id   INTEGER NOT NULL,
        netuid     INTEGER NOT NULL,
        miner      TEXT    NOT NULL,
        validator  TEXT    NOT NULL,
        nonce      INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chain_id, netuid, miner, validator)
      );
    `,
  },
];

export const MINER_SCHEMA_VERSION = MINER_MIGRATIONS[MINER_MIGRATIONS.length - 1]?.version ?? 0;
