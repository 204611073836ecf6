import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/** The leaf types of an epoch result tree, in the order the contract hashes them. */
export const LEAF_TYPES = ["uint16", "uint64", "uint16", "address", "uint256", "uint256"] as const;

/** One uid's result for an epoch: what a claim credits to `hotkey`. */
export interface EpochEntry {
  uid: number;
  hotkey: Address;
  incentive: bigint;
  dividend: bigint;
}

/** A leaf as the tree stores it: (netuid, epoch, uid, hotkey, incentive, dividend). */
export type EpochLeaf = [number, bigint, number, Address, bigint, bigint];

/** An epoch's result tree plus what is voted on and claimed. */
export interface EpochTree {
  tree: StandardMerkleTree<EpochLeaf>;
  root: Hex;
  totals: { incentive: bigint; dividend: bigint };
  /** The claim arguments of every entry, with its proof, in entry order. */
  claims: Array<EpochEntry & { proof: Hex[] }>;
}

/** Builds the OpenZeppelin standard tree of an epoch's entries (uids must be distinct, 0..255). */
export function buildEpochTree(netuid: number, epoch: bigint, entries: readonly EpochEntry[]): EpochTree {
  const seen = new Set<number>();
  for (const e of entries) {
    if (!Number.isInteger(e.uid) || e.uid < 0 || e.uid > 255) {
      throw new Error(`uid ${e.uid} is out of range: uids are integers 0..255`);
    }
    if (seen.has(e.uid)) throw new Error(`uid ${e.uid} appears twice: one leaf per uid`);
    seen.add(e.uid);
  }
  const values: EpochLeaf[] = entries.map((e) => [netuid, epoch, e.uid, e.hotkey, e.incentive, e.dividend]);
  const tree = StandardMerkleTree.of(values, [...LEAF_TYPES]);
  const totals = entries.reduce(
    (t, e) => ({ incentive: t.incentive + e.incentive, dividend: t.dividend + e.dividend }),
    { incentive: 0n, dividend: 0n },
  );
  const claims = entries.map((e, i) => ({ ...e, proof: tree.getProof(i) as Hex[] }));
  return { tree, root: tree.root as Hex, totals, claims };
}

/** The hash the contract counts votes under: keccak256(abi.encode(root, permitsBitmap, bondsHash, incentive, dividend)). */
export function tupleHash(
  root: Hex,
  permitsBitmap: bigint,
  bondsHash: Hex,
  totals: { incentive: bigint; dividend: bigint },
): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }, { type: "uint256" }, { type: "uint256" }],
      [root, permitsBitmap, bondsHash, totals.incentive, totals.dividend],
    ),
  );
}

/** A bitmap with bit `uid` set for each uid given. */
export function bitmapOf(uids: readonly number[]): bigint {
  return uids.reduce((b, u) => b | (1n << BigInt(u)), 0n);
}
