import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";
import { writeFileAtomic } from "../util/atomicWrite.js";
import { asidePath, genesisLabel } from "../util/genesis.js";
import type { EpochLeaf } from "../result/tree.js";
import type { U16Pairs } from "../yuma/types.js";

const IDENTITY_FILE = "deployment.json";

/** The deployment a results directory belongs to. */
export interface ResultsIdentity {
  chainId: number;
  settlement: string;
  /** The deployment's genesis time (unix seconds): a local chain deployed again repeats the id and addresses. */
  genesisTime: number;
}

/** What a validator keeps of each epoch it computed: enough to vote, to claim, and to seed the next epoch. */
export interface StoredEpoch {
  netuid: number;
  epoch: string;
  root: Hex;
  bondsHash: Hex;
  permitsBitmap: string;
  /**
   * Yuma's own permits, kept when the finalised `permitsBitmap` differs from them while the root and the bonds
   * agree: `permitsBitmap` is then the finalised one (the next epoch carries it over, as every peer does), and
   * this, what the permits should have been (the epoch worker challenges the finalised ones).
   */
  yumaPermitsBitmap?: string;
  totals: { incentive: string; dividend: string };
  bonds: U16Pairs[];
  tree: ReturnType<StandardMerkleTree<EpochLeaf>["dump"]>;
  /** The settlement's generation of the netuid (its life; bumped when the subnet is dissolved); absent = 0. */
  generation?: number;
  /** Yuma's per-uid scores, u16 (value / 65535), for display (`tao metagraph`); absent in older results. */
  scores?: { consensus: number[]; validatorTrust: number[]; incentive: number[]; dividends: number[] };
}

/**
 * Epoch results on disk, one JSON file per (netuid, life, epoch): `<dir>/<netuid>/<epoch>.json` for a netuid's
 * first life (generation 0), `<dir>/<netuid>/life-<generation>/<epoch>.json` after it was dissolved and created
 * again (its epochs restart from 0). The tree dump lets anyone produce claim proofs; the bonds seed the next
 * epoch's Yuma input.
 */
export class ResultStore {
  constructor(readonly dir: string) {}

  /** `<dir>/deployment.json`: which deployment the results are of (see {@link bind}). */
  get identityFile(): string {
    return path.join(this.dir, IDENTITY_FILE);
  }

  /**
   * Binds the directory to one deployment (chain id, Settlement address, genesis time): the first call records
   * it, a later one for another deployment throws, naming both and the fix. Results hold no chain id, and a
   * directory shared between two chains (or two deployments of a local chain) would have one's result voted (or
   * claimed from) on the other. A file written before genesis times were recorded takes this one, unless the
   * caller found its results to be past the chain (`unrecordedIsStale`: an epoch not reached yet, a later life). A
   * directory of the same chain and Settlement with another genesis (the chain was reset and deployed again), or
   * such a stale one, is moved to `<dir>.genesis-<old genesis | unrecorded>` and a new one started: returns where
   * it went.
   */
  bind(id: ResultsIdentity, o: { unrecordedIsStale?: boolean } = {}): string | undefined {
    const want = { chainId: id.chainId, settlement: id.settlement.toLowerCase(), genesisTime: id.genesisTime };
    const have = this.recordedIdentity();
    if (
      have !== undefined &&
      (have.chainId !== want.chainId || String(have.settlement).toLowerCase() !== want.settlement)
    ) {
      throw new Error(
        `the epoch results in ${this.dir} are of chain ${have.chainId} (Settlement ${have.settlement}), not of ` +
          `chain ${want.chainId} (Settlement ${want.settlement}): pass another results directory for this ` +
          "deployment (--results-dir), or delete that one if its deployment is gone",
      );
    }
    if (have?.genesisTime === want.genesisTime) return undefined;
    // Another genesis (the chain was reset and deployed again: the results are of contracts that are gone), or an
    // unrecorded one whose results the caller found past this chain: kept aside, and an empty directory started.
    // An unrecorded genesis otherwise takes this one.
    const unrecorded = have?.genesisTime === undefined;
    let aside: string | undefined;
    if (unrecorded ? o.unrecordedIsStale === true && existsSync(this.dir) : true) {
      aside = asidePath(this.dir, have?.genesisTime);
      renameSync(this.dir, aside);
      mkdirSync(this.dir, { recursive: true });
    }
    writeFileAtomic(this.identityFile, `${JSON.stringify(want)}\n`);
    return aside;
  }

  /**
   * The identity recorded in {@link identityFile}, as written; undefined when there is none. A corrupt one throws,
   * naming the file and the fix.
   */
  recordedIdentity(): Partial<ResultsIdentity> | undefined {
    const file = this.identityFile;
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Partial<ResultsIdentity>;
    } catch (err) {
      throw new Error(`${file} is corrupt (${(err as Error).message}): delete it, or pass another results directory`);
    }
  }

  /** The newest stored epoch of each (netuid, life) in the directory (set-aside files not counted). */
  newestEpochs(): Array<{ netuid: number; generation: number; epoch: bigint }> {
    const newest = (dir: string): bigint | undefined => {
      let top: bigint | undefined;
      for (const name of existsSync(dir) ? readdirSync(dir) : []) {
        const m = /^(\d+)\.json$/.exec(name);
        if (m && (top === undefined || BigInt(m[1]!) > top)) top = BigInt(m[1]!);
      }
      return top;
    };
    const out: Array<{ netuid: number; generation: number; epoch: bigint }> = [];
    for (const n of existsSync(this.dir) ? readdirSync(this.dir) : []) {
      if (!/^\d+$/.test(n)) continue;
      const netuid = Number(n);
      const first = newest(path.join(this.dir, n));
      if (first !== undefined) out.push({ netuid, generation: 0, epoch: first });
      for (const life of readdirSync(path.join(this.dir, n))) {
        const m = /^life-(\d+)$/.exec(life);
        const top = m ? newest(path.join(this.dir, n, life)) : undefined;
        if (m && top !== undefined) out.push({ netuid, generation: Number(m[1]), epoch: top });
      }
    }
    return out;
  }

  /** The file of (netuid, epoch, generation). */
  file(netuid: number, epoch: bigint, generation = 0): string {
    const life = generation === 0 ? [] : [`life-${generation}`];
    return path.join(this.dir, String(netuid), ...life, `${epoch}.json`);
  }

  /**
   * Moves the stored result of (netuid, epoch, generation), whose root is `root`, aside to
   * `<file>.mismatch-<root>` (kept for debugging; `load` no longer finds it). Returns where it went, or undefined
   * when nothing was stored.
   */
  setAside(netuid: number, epoch: bigint, generation: number, root: Hex): string | undefined {
    const file = this.file(netuid, epoch, generation);
    if (!existsSync(file)) return undefined;
    const aside = `${file}.mismatch-${root}`;
    renameSync(file, aside);
    return aside;
  }

  /** Writes `result` straight to its set-aside file `<file>.mismatch-<root>` (never to the file `load` reads). */
  saveAside(result: StoredEpoch): string {
    const aside = `${this.file(result.netuid, BigInt(result.epoch), result.generation ?? 0)}.mismatch-${result.root}`;
    writeFileAtomic(aside, JSON.stringify(result));
    return aside;
  }

  /**
   * Deletes the stored result of (netuid, epoch, generation) and its set-aside copies (`<file>.mismatch-*`): once
   * every leaf of the epoch is claimed its tree proves nothing anyone still needs. Returns how many files went.
   */
  remove(netuid: number, epoch: bigint, generation = 0): number {
    const file = this.file(netuid, epoch, generation);
    const dir = path.dirname(file);
    const base = path.basename(file);
    let removed = 0;
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (name !== base && !name.startsWith(`${base}.mismatch-`)) continue;
      rmSync(path.join(dir, name), { force: true });
      removed++;
    }
    return removed;
  }

  save(result: StoredEpoch): void {
    const file = this.file(result.netuid, BigInt(result.epoch), result.generation ?? 0);
    writeFileAtomic(file, JSON.stringify(result)); // never half a file
  }

  load(netuid: number, epoch: bigint, generation = 0): StoredEpoch | undefined {
    const file = this.file(netuid, epoch, generation);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, "utf8")) as StoredEpoch;
    } catch (err) {
      throw new Error(`epoch result ${file} is corrupt (${(err as Error).message}): delete it to recompute it`);
    }
  }

  tree(stored: StoredEpoch): StandardMerkleTree<EpochLeaf> {
    return StandardMerkleTree.load(stored.tree);
  }
}
