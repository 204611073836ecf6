import { existsSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";
import { writeFileAtomic } from "../util/atomicWrite.js";
import type { EpochLeaf } from "../result/tree.js";
import type { U16Pairs } from "../yuma/types.js";

/** What a validator keeps of each epoch it computed: enough to vote, to claim, and to seed the next epoch. */
export interface StoredEpoch {
  netuid: number;
  epoch: string;
  root: Hex;
  bondsHash: Hex;
  permitsBitmap: string;
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
