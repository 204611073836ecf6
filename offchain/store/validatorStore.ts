/**
 * The validator's persistent state (SQLite via node:sqlite): weight commits with their salts, EMA scores, bonds,
 * epoch settlements and the last processed slot per subnet.
 *
 * Write-ahead rule: whatever a chain action needs to be finished later is written (and fsynced: WAL,
 * synchronous=FULL) before the action is sent. For a commit: `recordCommitIntent` (salt, hash, weights) →
 * sign the commit tx → `markCommitSent(tx, nonce)` → broadcast it. After a crash the intent is still there, so
 * the validator can look the hash up on chain and resend or reveal it with the same salt, never with a new one.
 */
import { existsSync, renameSync } from "node:fs";
import type { EmaRecord } from "../scoring/ema.js";
import { inTransaction, openDatabase, schemaVersion, StoreError, type OpenOptions } from "./openDatabase.js";
import type { DatabaseSync, SQLInputValue } from "./sqlite.js";
import { asidePath, genesisLabel } from "../util/genesis.js";

export type CommitStatus = "intent" | "sent" | "committed" | "revealing" | "revealed" | "expired";
export type SettlementStatus = "computed" | "submitted" | "finalised" | "claimed";

export interface NewCommit {
  netuid: number;
  epoch: number;
  hotkey: string;
  /** Commit hash, 0x hex (32 bytes). */
  hash: string;
  /** Salt, 0x hex. */
  salt: string;
  /** Packed weights exactly as the reveal sends them. */
  weights: Uint8Array;
  versionKey: bigint;
}

export interface CommitRow extends NewCommit {
  id: number;
  status: CommitStatus;
  /**
   * The epoch the chain recorded the commit in (the registry's epoch at the block it landed in; its reveal
   * epoch is this + revealPeriodEpochs), once confirmed on chain; null before (and for rows from schema 1).
   */
  commitEpoch: number | null;
  commitTx: string | null;
  /** The commit tx's nonce (recorded with its hash before broadcast); null when unknown (older rows). */
  commitNonce: number | null;
  revealTx: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SettlementRow {
  netuid: number;
  epoch: number;
  root: string;
  status: SettlementStatus;
  submitTx: string | null;
  claimTx: string | null;
  updatedAt: number;
}

/** Whose store it is: a validator hotkey on one deployment. Addresses are kept lowercase. */
export interface StoreIdentity {
  chainId: number;
  settlement: string;
  hotkey: string;
  /** The deployment's genesis time (unix seconds); undefined in a store bound before it was recorded. */
  genesisTime?: number;
}

/**
 * The store is of an earlier deployment at the same chain id and Settlement address (another genesis): the chain
 * was reset and deployed again, so the contracts the store was bound to are gone (see {@link moveStoreAside}).
 */
export class StoreRedeployedError extends StoreError {
  constructor(
    file: string,
    message: string,
    /** Undefined: a store from before genesis times were recorded, whose slots are past this chain's. */
    readonly haveGenesis: number | undefined,
    readonly wantGenesis: number,
  ) {
    super(file, message);
    this.name = "StoreRedeployedError";
  }
}

/**
 * Renames a closed store to `<file>.genesis-<haveGenesis>`, so that a new one can start at `file` without losing
 * the old: returns the new name. Refused (StoreError, nothing moved) while another process has it open.
 */
export function moveStoreAside(file: string, haveGenesis: number | undefined): string {
  // A clean close by the last connection checkpoints the WAL and deletes it: one left is another process's open
  // store, whose unwritten pages a move would split from the file (and the next open here would drop them).
  const open = ["-wal", "-shm"].filter((suffix) => existsSync(file + suffix));
  if (open.length !== 0) {
    throw new StoreError(
      file,
      `validator store ${file} is open in another process (${open.map((x) => file + x).join(", ")} still ` +
        "there after closing it here); nothing was moved: stop that process (or give this validator another --db) " +
        "and start again",
    );
  }
  const aside = asidePath(file, haveGenesis);
  renameSync(file, aside);
  return aside;
}

/** What {@link ValidatorStore.bindIdentity} did. */
export type IdentityBinding = "recorded" | "matched" | "adopted-genesis";

/** A netuid's move to a new life, and the old life's rows that were dropped. */
export interface LifeChange {
  from: number;
  to: number;
  /** The slot at which this store first saw the old life (its rows are from then on). */
  fromSinceSlot: number;
  dropped: { commits: number; scores: number; bonds: number; settlements: number };
}

/** Which statuses each status may be reached from. */
const COMMIT_FROM: Record<CommitStatus, readonly CommitStatus[]> = {
  intent: [],
  sent: ["intent", "sent"],
  // From revealing: the reveal tx reverted or was dropped while the commit is still pending on chain.
  committed: ["intent", "sent", "committed", "revealing"],
  revealing: ["committed", "revealing"],
  revealed: ["committed", "revealing", "revealed"],
  expired: ["intent", "sent", "committed", "revealing", "expired"],
};
const SETTLEMENT_FROM: Record<SettlementStatus, readonly SettlementStatus[]> = {
  computed: [],
  submitted: ["computed", "submitted"],
  finalised: ["computed", "submitted", "finalised"],
  claimed: ["finalised", "claimed"],
};
export const OPEN_COMMIT_STATUSES: readonly CommitStatus[] = ["intent", "sent", "committed", "revealing"];

const HEX = /^0x[0-9a-fA-F]*$/;

function hex(label: string, value: string, bytes?: number): string {
  if (!HEX.test(value) || value.length % 2 !== 0 || (bytes !== undefined && value.length !== 2 + 2 * bytes)) {
    throw new RangeError(
      `${label} ${JSON.stringify(value)} must be 0x-prefixed hex${bytes ? ` of ${bytes} bytes` : ""}`,
    );
  }
  return value.toLowerCase();
}

function nonNegInt(label: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${label} ${v} must be a non-negative integer`);
  return v;
}

type Row = Record<string, unknown>;

function toCommit(r: Row): CommitRow {
  return {
    id: Number(r.id),
    netuid: Number(r.netuid),
    epoch: Number(r.epoch),
    hotkey: String(r.hotkey),
    hash: String(r.hash),
    salt: String(r.salt),
    weights: new Uint8Array(r.weights as Uint8Array),
    versionKey: BigInt(String(r.version_key)),
    status: String(r.status) as CommitStatus,
    commitEpoch: r.commit_epoch === null || r.commit_epoch === undefined ? null : Number(r.commit_epoch),
    commitTx: r.commit_tx === null ? null : String(r.commit_tx),
    commitNonce: r.commit_nonce === null || r.commit_nonce === undefined ? null : Number(r.commit_nonce),
    revealTx: r.reveal_tx === null ? null : String(r.reveal_tx),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toSettlement(r: Row): SettlementRow {
  return {
    netuid: Number(r.netuid),
    epoch: Number(r.epoch),
    root: String(r.root),
    status: String(r.status) as SettlementStatus,
    submitTx: r.submit_tx === null ? null : String(r.submit_tx),
    claimTx: r.claim_tx === null ? null : String(r.claim_tx),
    updatedAt: Number(r.updated_at),
  };
}

export class ValidatorStore {
  private depth = 0;

  private constructor(
    readonly file: string,
    private readonly db: DatabaseSync,
    private readonly now: () => number,
  ) {}

  /** Opens (creating and migrating if needed) the store at `file`; throws StoreError on a bad file. */
  static open(file: string, opts: OpenOptions & { now?: () => number } = {}): ValidatorStore {
    return new ValidatorStore(file, openDatabase(file, opts), opts.now ?? Date.now);
  }

  close(): void {
    this.db.close();
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Runs `fn` atomically; nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      return inTransaction(this.db, fn);
    } finally {
      this.depth--;
    }
  }

  private run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.db.prepare(sql).run(...params).changes);
  }
  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }
  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  // ------------------------------------------------------------------ commits

  /**
   * Records a commit before it is sent. Idempotent for the same (netuid, hotkey, epoch, hash): returns the
   * existing row. A different hash for an epoch that already has a commit is refused: one salt per epoch.
   */
  recordCommitIntent(c: NewCommit): CommitRow {
    const hotkey = hex("hotkey", c.hotkey, 20);
    const hash = hex("commit hash", c.hash, 32);
    const salt = hex("salt", c.salt);
    nonNegInt("netuid", c.netuid);
    nonNegInt("epoch", c.epoch);
    if (c.versionKey < 0n || c.versionKey >= 1n << 64n) throw new RangeError(`versionKey ${c.versionKey} is not a u64`);
    return this.transaction(() => {
      const existing = this.commitFor(c.netuid, hotkey, c.epoch);
      if (existing) {
        if (existing.hash === hash) return existing;
        throw new StoreError(
          this.file,
          `A commit for netuid ${c.netuid}, epoch ${c.epoch} by ${hotkey} is already recorded (hash ${existing.hash}, ` +
            `status ${existing.status}); refusing a second one with hash ${hash}.`,
        );
      }
      const t = this.now();
      this.run(
        `INSERT INTO commits (netuid, epoch, hotkey, hash, salt, weights, version_key, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'intent', ?, ?)`,
        c.netuid,
        c.epoch,
        hotkey,
        hash,
        salt,
        c.weights,
        c.versionKey.toString(),
        t,
        t,
      );
      return this.commitFor(c.netuid, hotkey, c.epoch) as CommitRow;
    });
  }

  commit(id: number): CommitRow | undefined {
    const r = this.get("SELECT * FROM commits WHERE id = ?", id);
    return r ? toCommit(r) : undefined;
  }

  commitFor(netuid: number, hotkey: string, epoch: number): CommitRow | undefined {
    const r = this.get(
      "SELECT * FROM commits WHERE netuid = ? AND hotkey = ? AND epoch = ?",
      netuid,
      hotkey.toLowerCase(),
      epoch,
    );
    return r ? toCommit(r) : undefined;
  }

  /** Commits of `netuid` (all, or those with one of `statuses`), oldest epoch first. */
  commits(netuid: number, statuses?: readonly CommitStatus[]): CommitRow[] {
    const rows = this.all("SELECT * FROM commits WHERE netuid = ? ORDER BY epoch, id", netuid).map(toCommit);
    return statuses ? rows.filter((r) => statuses.includes(r.status)) : rows;
  }

  /** Commits not yet revealed or expired. */
  openCommits(netuid: number): CommitRow[] {
    return this.commits(netuid, OPEN_COMMIT_STATUSES);
  }

  private moveCommit(id: number, to: CommitStatus, set: Record<string, SQLInputValue> = {}): CommitRow {
    return this.transaction(() => {
      const c = this.commit(id);
      if (!c) throw new StoreError(this.file, `No commit with id ${id}.`);
      if (!COMMIT_FROM[to].includes(c.status)) {
        throw new StoreError(
          this.file,
          `Commit ${id} (netuid ${c.netuid}, epoch ${c.epoch}) is ${c.status}; it cannot become ${to}.`,
        );
      }
      const cols = Object.keys(set);
      this.run(
        `UPDATE commits SET status = ?, updated_at = ?${cols.map((k) => `, ${k} = ?`).join("")} WHERE id = ?`,
        to,
        this.now(),
        ...cols.map((k) => set[k] as SQLInputValue),
        id,
      );
      return this.commit(id) as CommitRow;
    });
  }

  /**
   * The commit tx is signed and about to be broadcast, or was sent (hash known; not yet confirmed). `nonce`: its
   * nonce, when known (a resend records the new tx's, or clears it).
   */
  markCommitSent(id: number, tx: string, nonce?: number): CommitRow {
    return this.moveCommit(id, "sent", {
      commit_tx: hex("commit tx", tx, 32),
      commit_nonce: nonce === undefined ? null : nonNegInt("commit nonce", nonce),
    });
  }
  /**
   * The commit is on chain (confirmed, or found there after a crash: `tx` may then be unknown). `commitEpoch` is
   * the epoch the chain recorded it in (from `Weights.pendingCommits` or its `WeightsCommitted` log).
   */
  markCommitted(id: number, tx?: string, commitEpoch?: number): CommitRow {
    return this.moveCommit(id, "committed", {
      ...(tx ? { commit_tx: hex("commit tx", tx, 32) } : {}),
      ...(commitEpoch !== undefined ? { commit_epoch: nonNegInt("commit epoch", commitEpoch) } : {}),
    });
  }
  markRevealing(id: number, tx: string): CommitRow {
    return this.moveCommit(id, "revealing", { reveal_tx: hex("reveal tx", tx, 32) });
  }
  markRevealed(id: number, tx?: string): CommitRow {
    return this.moveCommit(id, "revealed", tx ? { reveal_tx: hex("reveal tx", tx, 32) } : {});
  }
  markExpired(id: number): CommitRow {
    return this.moveCommit(id, "expired");
  }

  // ------------------------------------------------------------------ scores

  /** The moving averages per uid (both kinds together, verifiable only, open only; see scoring/ema.ts). */
  scores(netuid: number): EmaRecord[] {
    return this.all("SELECT * FROM scores WHERE netuid = ? ORDER BY uid", netuid).map((r) => ({
      uid: Number(r.uid),
      hotkey: String(r.hotkey),
      ema: Number(r.ema),
      samples: Number(r.samples),
      verifiable: { ema: Number(r.verifiable_ema), samples: Number(r.verifiable_samples) },
      open: { ema: Number(r.open_ema), samples: Number(r.open_samples) },
      updatedSlot: Number(r.updated_slot),
    }));
  }

  score(netuid: number, uid: number): EmaRecord | undefined {
    return this.scores(netuid).find((s) => s.uid === uid);
  }

  /** Replaces the records of these uids, atomically. */
  putScores(netuid: number, records: readonly EmaRecord[]): void {
    this.transaction(() => {
      for (const r of records) {
        for (const [what, v] of [
          ["ema", r.ema],
          ["verifiable ema", r.verifiable.ema],
          ["open ema", r.open.ema],
        ] as const)
          if (!Number.isFinite(v)) throw new RangeError(`${what} ${v} for uid ${r.uid} is not finite`);
        this.run(
          `INSERT INTO scores (netuid, uid, hotkey, ema, samples, verifiable_ema, verifiable_samples, open_ema,
             open_samples, updated_slot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (netuid, uid) DO UPDATE SET hotkey = excluded.hotkey, ema = excluded.ema,
             samples = excluded.samples, verifiable_ema = excluded.verifiable_ema,
             verifiable_samples = excluded.verifiable_samples, open_ema = excluded.open_ema,
             open_samples = excluded.open_samples, updated_slot = excluded.updated_slot`,
          netuid,
          nonNegInt("uid", r.uid),
          r.hotkey.toLowerCase(),
          r.ema,
          r.samples,
          r.verifiable.ema,
          nonNegInt("verifiable samples", r.verifiable.samples),
          r.open.ema,
          nonNegInt("open samples", r.open.samples),
          nonNegInt("slot", r.updatedSlot),
        );
      }
    });
  }

  deleteScore(netuid: number, uid: number): void {
    this.run("DELETE FROM scores WHERE netuid = ? AND uid = ?", netuid, uid);
  }

  // ------------------------------------------------------------------ bonds

  putBonds(netuid: number, epoch: number, blob: Uint8Array): void {
    this.run(
      `INSERT INTO bonds (netuid, epoch, blob, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (netuid, epoch) DO UPDATE SET blob = excluded.blob`,
      netuid,
      nonNegInt("epoch", epoch),
      blob,
      this.now(),
    );
  }

  bonds(netuid: number, epoch: number): Uint8Array | undefined {
    const r = this.get("SELECT blob FROM bonds WHERE netuid = ? AND epoch = ?", netuid, epoch);
    return r ? new Uint8Array(r.blob as Uint8Array) : undefined;
  }

  /** The newest stored bonds of `netuid`. */
  latestBonds(netuid: number): { epoch: number; blob: Uint8Array } | undefined {
    const r = this.get("SELECT epoch, blob FROM bonds WHERE netuid = ? ORDER BY epoch DESC LIMIT 1", netuid);
    return r ? { epoch: Number(r.epoch), blob: new Uint8Array(r.blob as Uint8Array) } : undefined;
  }

  // ------------------------------------------------------------------ settlements

  /** Records the computed root of an epoch before submitting it (idempotent for the same root). */
  recordSettlement(netuid: number, epoch: number, root: string): SettlementRow {
    const r = hex("result root", root, 32);
    return this.transaction(() => {
      const existing = this.settlement(netuid, epoch);
      if (existing) {
        if (existing.root === r) return existing;
        throw new StoreError(
          this.file,
          `Epoch ${epoch} of netuid ${netuid} already has root ${existing.root} (${existing.status}); refusing ${r}.`,
        );
      }
      this.run(
        "INSERT INTO settlements (netuid, epoch, root, status, updated_at) VALUES (?, ?, ?, 'computed', ?)",
        netuid,
        nonNegInt("epoch", epoch),
        r,
        this.now(),
      );
      return this.settlement(netuid, epoch) as SettlementRow;
    });
  }

  settlement(netuid: number, epoch: number): SettlementRow | undefined {
    const r = this.get("SELECT * FROM settlements WHERE netuid = ? AND epoch = ?", netuid, epoch);
    return r ? toSettlement(r) : undefined;
  }

  settlements(netuid: number): SettlementRow[] {
    return this.all("SELECT * FROM settlements WHERE netuid = ? ORDER BY epoch", netuid).map(toSettlement);
  }

  private moveSettlement(
    netuid: number,
    epoch: number,
    to: SettlementStatus,
    set: Record<string, SQLInputValue> = {},
  ): SettlementRow {
    return this.transaction(() => {
      const s = this.settlement(netuid, epoch);
      if (!s) throw new StoreError(this.file, `No settlement recorded for netuid ${netuid}, epoch ${epoch}.`);
      if (!SETTLEMENT_FROM[to].includes(s.status)) {
        throw new StoreError(
          this.file,
          `Settlement of netuid ${netuid}, epoch ${epoch} is ${s.status}; it cannot become ${to}.`,
        );
      }
      const cols = Object.keys(set);
      this.run(
        `UPDATE settlements SET status = ?, updated_at = ?${cols.map((k) => `, ${k} = ?`).join("")} WHERE netuid = ? AND epoch = ?`,
        to,
        this.now(),
        ...cols.map((k) => set[k] as SQLInputValue),
        netuid,
        epoch,
      );
      return this.settlement(netuid, epoch) as SettlementRow;
    });
  }

  markSettlementSubmitted(netuid: number, epoch: number, tx: string): SettlementRow {
    return this.moveSettlement(netuid, epoch, "submitted", { submit_tx: hex("submit tx", tx, 32) });
  }
  markSettlementFinalised(netuid: number, epoch: number): SettlementRow {
    return this.moveSettlement(netuid, epoch, "finalised");
  }
  /** Claimed (`tx` undefined when there was nothing of ours to claim). */
  markSettlementClaimed(netuid: number, epoch: number, tx?: string): SettlementRow {
    return this.moveSettlement(netuid, epoch, "claimed", tx ? { claim_tx: hex("claim tx", tx, 32) } : {});
  }

  // ------------------------------------------------------------------ pruning

  /**
   * Deletes the rows of `netuid` no later step reads, from epochs before `beforeEpoch`, in one transaction:
   * revealed or expired commits (their salts are spent), claimed settlements (nothing is left to do for them),
   * and bonds except the newest (the epoch results on disk seed the next Yuma input; these are a copy). Open
   * commits and settlements stay whatever their age. Returns the counts deleted.
   */
  prune(netuid: number, beforeEpoch: number): { commits: number; settlements: number; bonds: number } {
    nonNegInt("epoch", beforeEpoch);
    return this.transaction(() => ({
      commits: this.run(
        "DELETE FROM commits WHERE netuid = ? AND epoch < ? AND status IN ('revealed', 'expired')",
        netuid,
        beforeEpoch,
      ),
      settlements: this.run(
        "DELETE FROM settlements WHERE netuid = ? AND epoch < ? AND status = 'claimed'",
        netuid,
        beforeEpoch,
      ),
      bonds: this.run(
        "DELETE FROM bonds WHERE netuid = ? AND epoch < ? AND epoch < (SELECT MAX(epoch) FROM bonds WHERE netuid = ?)",
        netuid,
        beforeEpoch,
        netuid,
      ),
    }));
  }

  // ------------------------------------------------------------------ identity

  /** Whose store this is, once {@link bindIdentity} recorded it. */
  identity(): StoreIdentity | undefined {
    const r = this.get("SELECT chain_id, settlement, hotkey, genesis_time FROM identity WHERE id = 1");
    if (!r) return undefined;
    const id: StoreIdentity = {
      chainId: Number(r.chain_id),
      settlement: String(r.settlement),
      hotkey: String(r.hotkey),
    };
    if (r.genesis_time !== null && r.genesis_time !== undefined) id.genesisTime = Number(r.genesis_time);
    return id;
  }

  /**
   * Binds the store to one validator hotkey on one deployment (chain id, Settlement address, genesis time): the
   * first call records it, a later one with another hotkey, chain, Settlement or genesis is refused (StoreError
   * naming both and the fix), before anything is read or sent: a commit's salt, a settled epoch or a score belong
   * to the hotkey and deployment they were made for (a store shared between two chains votes one chain's result
   * on the other; a local chain started again repeats the chain id and addresses, not the genesis). A store
   * bound before genesis times were recorded takes this one ("adopted-genesis").
   */
  bindIdentity(id: StoreIdentity & { genesisTime: number }, currentSlot?: number): IdentityBinding {
    const want = {
      chainId: id.chainId,
      settlement: id.settlement.toLowerCase(),
      hotkey: id.hotkey.toLowerCase(),
      genesisTime: id.genesisTime,
    };
    return this.transaction((): IdentityBinding => {
      const have = this.identity();
      if (have === undefined) {
        this.#refusePastChain(want, currentSlot, "has no recorded deployment");
        this.run(
          "INSERT INTO identity (id, chain_id, settlement, hotkey, genesis_time) VALUES (1, ?, ?, ?, ?)",
          nonNegInt("chain id", want.chainId),
          hex("settlement", want.settlement, 20),
          hex("hotkey", want.hotkey, 20),
          nonNegInt("genesis time", want.genesisTime),
        );
        return "recorded";
      }
      if (have.chainId !== want.chainId || have.settlement !== want.settlement || have.hotkey !== want.hotkey) {
        throw new StoreError(
          this.file,
          `validator store ${this.file} belongs to hotkey ${have.hotkey} on chain ${have.chainId} (Settlement ` +
            `${have.settlement}), not to hotkey ${want.hotkey} on chain ${want.chainId} (Settlement ${want.settlement}); ` +
            "nothing was changed: give this validator its own store (--db <file>, or leave --db out for the default " +
            "per wallet, hotkey and network)",
        );
      }
      if (have.genesisTime === undefined) {
        this.#refusePastChain(want, currentSlot, "predates recorded genesis times");
        this.run("UPDATE identity SET genesis_time = ? WHERE id = 1", nonNegInt("genesis time", want.genesisTime));
        return "adopted-genesis";
      }
      if (have.genesisTime !== want.genesisTime) {
        throw new StoreRedeployedError(
          this.file,
          `validator store ${this.file} is of a deployment with genesis ${genesisLabel(have.genesisTime)}; this one ` +
            `(chain ${want.chainId}, Settlement ${want.settlement}) has genesis ${genesisLabel(want.genesisTime)}: ` +
            "the chain was deployed again, and that store's commits and settlements are of the " +
            "old one; nothing was changed: delete the file, or pass another --db",
          have.genesisTime,
          want.genesisTime,
        );
      }
      return "matched";
    });
  }

  // ------------------------------------------------------------------ subnet lives

  /** The life (registry generation) the netuid's rows belong to; undefined before the first {@link enterLife}. */
  life(netuid: number): number | undefined {
    const r = this.get("SELECT generation FROM subnet_lives WHERE netuid = ?", netuid);
    return r ? Number(r.generation) : undefined;
  }

  /**
   * Records that `netuid` is in life `generation` (the registry's `generation(netuid)`) at `slot`. The first call
   * for a netuid keeps its rows (they are this life's). When the life changed (the subnet was dissolved and its
   * netuid created again), the old life's commits, scores, bonds and settlements are deleted in one transaction
   * and counted: its epochs restart from 0, so those rows would otherwise pass for the new subnet's (a commit
   * "already made" this epoch, an epoch "already claimed"), and nothing in them can be used on the new subnet.
   */
  enterLife(netuid: number, generation: number, slot: number): LifeChange | undefined {
    nonNegInt("generation", generation);
    return this.transaction(() => {
      const was = this.get("SELECT generation, since_slot FROM subnet_lives WHERE netuid = ?", netuid);
      const current = was ? Number(was.generation) : undefined;
      if (current === generation) return undefined;
      const dropped = { commits: 0, scores: 0, bonds: 0, settlements: 0 };
      if (current !== undefined) {
        for (const table of ["commits", "scores", "bonds", "settlements"] as const)
          dropped[table] = this.run(`DELETE FROM ${table} WHERE netuid = ?`, netuid);
      }
      this.run(
        `INSERT INTO subnet_lives (netuid, generation, since_slot) VALUES (?, ?, ?)
         ON CONFLICT (netuid) DO UPDATE SET generation = excluded.generation, since_slot = excluded.since_slot`,
        netuid,
        generation,
        nonNegInt("slot", slot),
      );
      return current === undefined
        ? undefined
        : { from: current, to: generation, fromSinceSlot: Number(was!.since_slot), dropped };
    });
  }

  // ------------------------------------------------------------------ progress

  /**
   * A store that records no genesis is taken for this deployment only if nothing in it is past this chain's current
   * slot: a reset chain starts again at 0 (StoreRedeployedError, nothing changed, otherwise).
   */
  #refusePastChain(
    want: { chainId: number; settlement: string; genesisTime: number },
    currentSlot: number | undefined,
    why: string,
  ): void {
    const ahead = this.highestSlot();
    if (currentSlot === undefined || ahead === undefined || ahead <= currentSlot) return;
    throw new StoreRedeployedError(
      this.file,
      `validator store ${this.file} ${why} and has progress up to slot ${ahead}, past this chain's current slot ` +
        `${currentSlot} (chain ${want.chainId}, Settlement ${want.settlement}, genesis ` +
        `${genesisLabel(want.genesisTime)}): the chain was reset and deployed again, and that store's commits and ` +
        "settlements are of the old one; nothing was changed: delete the file, or pass another --db",
      undefined,
      want.genesisTime,
    );
  }

  /** The highest slot this store has recorded for any netuid (progress, or a life's first slot). */
  highestSlot(): number | undefined {
    const r = this.get(
      `SELECT MAX(s) AS s FROM (SELECT MAX(last_slot) AS s FROM progress
       UNION ALL SELECT MAX(since_slot) AS s FROM subnet_lives)`,
    );
    return r?.s === null || r?.s === undefined ? undefined : Number(r.s);
  }

  lastSlot(netuid: number): number | undefined {
    const r = this.get("SELECT last_slot FROM progress WHERE netuid = ?", netuid);
    return r ? Number(r.last_slot) : undefined;
  }

  /** Records the last fully processed slot; never moves backwards. */
  setLastSlot(netuid: number, slot: number): void {
    this.run(
      `INSERT INTO progress (netuid, last_slot) VALUES (?, ?)
       ON CONFLICT (netuid) DO UPDATE SET last_slot = MAX(last_slot, excluded.last_slot)`,
      netuid,
      nonNegInt("slot", slot),
    );
  }
}
