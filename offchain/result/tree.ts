/**
 * The epoch result validators agree on: an OpenZeppelin StandardMerkleTree of per-uid payouts plus the
 * bonds hash, the permits bitmap and the totals. Pure and deterministic: the same Yuma output and
 * hotkeys always give the same root.
 *
 * Leaf (Solidity): keccak256(bytes.concat(keccak256(abi.encode(uint16 netuid, uint64 epoch, uint16 uid,
 * address hotkey, uint256 incentive, uint256 dividend)))) — incentive/dividend are the uid's
 * incentiveEmission/dividendEmission in rao. Verify with OpenZeppelin MerkleProof.verify.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import type { YumaOutput } from "../yuma/types.js";
import { bondsHash, permitsBitmap } from "./encoding.js";

export const LEAF_ENCODING = ["uint16", "uint64", "uint16", "address", "uint256", "uint256"] as const;

/** [netuid, epoch, uid, hotkey, incentive, dividend]; uint64/uint256 as decimal strings (JSON-safe dumps). */
export type EpochLeaf = [number, string, number, Address, string, string];

export interface EpochResultInput {
  netuid: number;
  /** Epoch index (uint64). */
  epoch: bigint;
  /** Hotkey address of each uid (index = uid). */
  hotkeys: readonly string[];
  output: YumaOutput;
}

export interface EpochTotals {
  incentive: bigint;
  dividend: bigint;
  /** incentive + dividend. */
  total: bigint;
}

export interface EpochResult {
  root: Hex;
  tree: StandardMerkleTree<EpochLeaf>;
  bondsHash: Hex;
  permitsBitmap: bigint;
  totals: EpochTotals;
}

const U64_MAX = (1n << 64n) - 1n;

/** What StandardMerkleTree.dump() returns (the package does not export the type from its entry point). */
type TreeDump = ReturnType<StandardMerkleTree<EpochLeaf>["dump"]>;

/** The leaves in uid order (leaf index = uid). */
export function epochLeaves(input: EpochResultInput): EpochLeaf[] {
  const { netuid, epoch, hotkeys, output } = input;
  const n = output.incentiveEmission.length;
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > 65535) throw new RangeError(`netuid ${netuid} must be a u16`);
  if (epoch < 0n || epoch > U64_MAX) throw new RangeError(`epoch ${epoch} must be a u64`);
  if (hotkeys.length !== n) throw new RangeError(`${hotkeys.length} hotkeys for ${n} uids: pass one hotkey per uid`);
  if (output.dividendEmission.length !== n)
    throw new RangeError("incentiveEmission and dividendEmission lengths differ");
  return hotkeys.map((hotkey, uid) => {
    if (!isAddress(hotkey, { strict: false })) throw new RangeError(`hotkeys[${uid}] = ${hotkey} is not an address`);
    return [
      netuid,
      epoch.toString(),
      uid,
      getAddress(hotkey),
      output.incentiveEmission[uid]!.toString(),
      output.dividendEmission[uid]!.toString(),
    ];
  });
}

/** Build the epoch result. */
export function buildEpochResult(input: EpochResultInput): EpochResult {
  const tree = StandardMerkleTree.of(epochLeaves(input), [...LEAF_ENCODING]);
  let incentive = 0n;
  let dividend = 0n;
  for (const x of input.output.incentiveEmission) incentive += x;
  for (const x of input.output.dividendEmission) dividend += x;
  return {
    root: tree.root as Hex,
    tree,
    bondsHash: bondsHash(input.output.bonds),
    permitsBitmap: permitsBitmap(input.output.validatorPermit),
    totals: { incentive, dividend, total: incentive + dividend },
  };
}

/** Proof of uid's leaf (its index in the value list is the uid). */
export function proofFor(tree: StandardMerkleTree<EpochLeaf>, uid: number): { leaf: EpochLeaf; proof: Hex[] } {
  if (!Number.isInteger(uid) || uid < 0 || uid >= tree.length)
    throw new RangeError(`uid ${uid} is not in the tree (${tree.length} leaves)`);
  return { leaf: tree.at(uid)!, proof: tree.getProof(uid) as Hex[] };
}

/** Write the tree's StandardMerkleTree dump as JSON. */
export function saveTree(tree: StandardMerkleTree<EpochLeaf>, file: string): void {
  writeFileSync(file, `${JSON.stringify(tree.dump(), null, 2)}\n`);
}

/** Load a dump written by saveTree; StandardMerkleTree.load re-validates every node and leaf hash. */
export function loadTree(file: string): StandardMerkleTree<EpochLeaf> {
  const data = JSON.parse(readFileSync(file, "utf8")) as TreeDump;
  const encoding = data.leafEncoding;
  if (!Array.isArray(encoding) || encoding.join(",") !== LEAF_ENCODING.join(",")) {
    throw new Error(`${file}: leaf encoding ${JSON.stringify(encoding)} is not ${JSON.stringify(LEAF_ENCODING)}`);
  }
  return StandardMerkleTree.load(data);
}
