/**
 * Schema migrations, applied in order, each in its own transaction with its row in `schema_version`. Never edit
 * a released migration: add the next one. Opening a store applies the missing ones; a store already at the
 * latest version is left untouched (idempotent).
 *
 * Conventions: slots, epochs, netuids and uids are INTEGER; u64 values that can exceed 2^53 (version keys) are
 * TEXT in decimal; hashes, salts and tx hashes are 0x-prefixed lowercase hex TEXT; packed weights and bonds are
 * BLOBs exactly as the codec / epoch worker produce them; timestamps are unix milliseconds.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      -- Weight commits, written BEFORE the commit transaction is sent (write-ahead): the salt must survive a
      -- crash, or the commit can never be revealed.
      -- status: intent (recorded, maybe sent) -> sent (commit tx hash known) -> committed (confirmed)
      --         -> revealing (reveal tx hash known) -> revealed (confirmed); or expired (window missed,
      --         or never landed).
      CREATE TABLE commits (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        netuid      INTEGER NOT NULL,
        epoch       INTEGER NOT NULL,
        hotkey      TEXT    NOT NULL,
        hash        TEXT    NOT NULL,
        salt        TEXT    NOT NULL,
        weights     BLOB    NOT NULL,
        version_key TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('intent', 'sent', 'committed', 'revealing', 'revealed', 'expired')),
        commit_tx   TEXT,
        reveal_tx   TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        UNIQUE (netuid, hotkey, epoch)
      );
      CREATE INDEX commits_open ON commits (netuid, status);

      -- EMA score per uid, tied to the hotkey it was earned by.
      CREATE TABLE scores (
        netuid       INTEGER NOT NULL,
        uid          INTEGER NOT NULL,
        hotkey       TEXT    NOT NULL,
        ema          REAL    NOT NULL,
        samples      INTEGER NOT NULL,
        updated_slot INTEGER NOT NULL,
        PRIMARY KEY (netuid, uid)
      );

      -- Bonds after each epoch (not on-chain: the root commits to their hash).
      CREATE TABLE bonds (
        netuid     INTEGER NOT NULL,
        epoch      INTEGER NOT NULL,
        blob       BLOB    NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (netuid, epoch)
      );

      -- Epoch settlement: computed (root recorded before submitting) -> submitted -> finalised -> claimed.
      CREATE TABLE settlements (
        netuid     INTEGER NOT NULL,
        epoch      INTEGER NOT NULL,
        root       TEXT    NOT NULL,
        status     TEXT    NOT NULL CHECK (status IN ('computed', 'submitted', 'finalised', 'claimed')),
        submit_tx  TEXT,
        claim_tx   TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (netuid, epoch)
      );

      -- Last slot the validator fully processed per subnet (resume point).
      CREATE TABLE progress (
        netuid    INTEGER PRIMARY KEY,
        last_slot INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "commit epoch from chain",
    sql: `
      -- The epoch the chain recorded for the commit (the registry's epoch at the block it landed in), set when the
      -- commit is confirmed on chain. It decides the reveal epoch; "epoch" stays the epoch the commit was made for
      -- (one commit per epoch). NULL until confirmed, and for rows confirmed before this column existed.
      ALTER TABLE commits ADD COLUMN commit_epoch INTEGER;
    `,
  },
  {
    version: 3,
    name: "subnet lives, store identity",
    sql: `
      -- Whose store this is: one validator hotkey on one deployment (chain id + Settlement address). Its salts,
      -- commits and settlements mean nothing anywhere else, so a store opened for another is refused.
      CREATE TABLE identity (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        chain_id   INTEGER NOT NULL,
        settlement TEXT    NOT NULL,
        hotkey     TEXT    NOT NULL
      );

      -- The life (registry generation) of each netuid the rows of the other tables belong to. A dissolved subnet's
      -- netuid can be created again, with epochs numbered from 0 again: its commits, scores, bonds and
      -- settlements must not be read as the new subnet's. Rows from before this table existed count as the life
      -- first recorded here.
      CREATE TABLE subnet_lives (
        netuid     INTEGER PRIMARY KEY,
        generation INTEGER NOT NULL,
        since_slot INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "store identity: genesis time",
    sql: `
      -- The deployment's genesis time (unix seconds, the contracts' genesisTime()): a redeployed local chain repeats
      -- the chain id and, with deterministic deployer nonces, every address, but not its genesis. NULL for a store
      -- bound before this column existed: the first bind afterwards records it.
      ALTER TABLE identity ADD COLUMN genesis_time INTEGER;
    `,
  },
  {
    version: 5,
    name: "commit tx nonce",
    sql: `
      -- The nonce of the commit tx, recorded with its hash before the tx is broadcast (it is signed first). A tx the
      -- node does not know can still land until another tx of the hotkey takes its nonce: the commit is only given
      -- up once the nonce is used. NULL for rows sent before this column existed.
      ALTER TABLE commits ADD COLUMN commit_nonce INTEGER;
    `,
  },
  {
    version: 6,
    name: "scores per task kind",
    sql: `
      -- A moving average per uid over verifiable tasks and one over open prompts (offchain/scoring/ema.ts): with open
      -- prompts in the mix the weights are the open average gated by the verifiable one, never their sum. "ema" and
      -- "samples" stay the average over both kinds. Rows from before this migration: the verifiable average starts
      -- as their "ema" (the very same average for a validator that scored verifiable tasks only, as every one without
      -- a model did), the open average at 0 with no samples (their share of "ema" cannot be told apart; carrying it
      -- would keep paying a code solver until it decays).
      ALTER TABLE scores ADD COLUMN verifiable_ema REAL NOT NULL DEFAULT 0;
      ALTER TABLE scores ADD COLUMN verifiable_samples INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE scores ADD COLUMN open_ema REAL NOT NULL DEFAULT 0;
      ALTER TABLE scores ADD COLUMN open_samples INTEGER NOT NULL DEFAULT 0;
      UPDATE scores SET verifiable_ema = ema, verifiable_samples = samples;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
