/** The epoch result: merkle proofs, dump/load, bonds hash and permits bitmap encodings. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { concat, encodeAbiParameters, encodePacked, keccak256, parseAbiParameters, type Hex } from "viem";
import { bondsHash, permitsBitmap } from "../../offchain/result/encoding.js";
import { LEAF_ENCODING, buildEpochResult, loadTree, proofFor, saveTree } from "../../offchain/result/tree.js";
import { runEpoch } from "../../offchain/yuma/epoch.js";
import { syntheticEpoch } from "../../offchain/yuma/synthetic.js";
import { sumOf } from "./helpers.js";

const output = runEpoch(syntheticEpoch({ uids: 40, validators: 8, seed: 9, density256: 128 }));
const hotkeys = output.stake.map((_, uid) => `0x${(0xa000 + uid).toString(16).padStart(40, "0")}`);
const result = buildEpochResult({ netuid: 7, epoch: 123n, hotkeys, output });
const dir = mkdtempSync(path.join(tmpdir(), "yuma-tree-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("epoch result tree", () => {
  it("every uid's proof verifies against the root", () => {
    for (let uid = 0; uid < hotkeys.length; uid++) {
      const { leaf, proof } = proofFor(result.tree, uid);
      assert.equal(leaf[2], uid);
      assert.equal(leaf[4], output.incentiveEmission[uid]!.toString());
      assert.equal(leaf[5], output.dividendEmission[uid]!.toString());
      assert.ok(StandardMerkleTree.verify(result.root, [...LEAF_ENCODING], leaf, proof), `uid ${uid}`);
    }
  });

  it("a proof does not verify a leaf with a changed amount", () => {
    const { leaf, proof } = proofFor(result.tree, 3);
    const forged: typeof leaf = [...leaf];
    forged[4] = (BigInt(leaf[4]) + 1n).toString();
    assert.equal(StandardMerkleTree.verify(result.root, [...LEAF_ENCODING], forged, proof), false);
  });

  it("leaves hash as keccak256(keccak256(abi.encode(...))) — what Solidity's MerkleProof expects", () => {
    const { leaf } = proofFor(result.tree, 5);
    const encoded = encodeAbiParameters(parseAbiParameters("uint16, uint64, uint16, address, uint256, uint256"), [
      leaf[0],
      BigInt(leaf[1]),
      leaf[2],
      leaf[3],
      BigInt(leaf[4]),
      BigInt(leaf[5]),
    ]);
    assert.equal(result.tree.leafHash(leaf), keccak256(keccak256(encoded)));
  });

  it("dump → file → load keeps the root and every value", () => {
    const file = path.join(dir, "tree.json");
    saveTree(result.tree, file);
    const loaded = loadTree(file);
    assert.equal(loaded.root, result.root);
    assert.deepEqual([...loaded.entries()], [...result.tree.entries()]);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).format, "standard-v1");
  });

  it("is deterministic and commits to netuid and epoch", () => {
    assert.equal(buildEpochResult({ netuid: 7, epoch: 123n, hotkeys, output }).root, result.root);
    assert.notEqual(buildEpochResult({ netuid: 8, epoch: 123n, hotkeys, output }).root, result.root);
    assert.notEqual(buildEpochResult({ netuid: 7, epoch: 124n, hotkeys, output }).root, result.root);
  });

  it("totals are the sums of the leaves' amounts", () => {
    assert.equal(result.totals.incentive, sumOf(output.incentiveEmission));
    assert.equal(result.totals.dividend, sumOf(output.dividendEmission));
    assert.equal(result.totals.total, result.totals.incentive + result.totals.dividend);
  });

  it("refuses a hotkey list that does not match the uids", () => {
    assert.throws(
      () => buildEpochResult({ netuid: 7, epoch: 1n, hotkeys: hotkeys.slice(1), output }),
      /39 hotkeys for 40 uids/,
    );
    const bad = [...hotkeys];
    bad[2] = "0x1234";
    assert.throws(
      () => buildEpochResult({ netuid: 7, epoch: 1n, hotkeys: bad, output }),
      /hotkeys\[2\] = 0x1234 is not an address/,
    );
  });
});

describe("permits bitmap", () => {
  it("sets bit uid for each permit", () => {
    assert.equal(permitsBitmap([true, false, true, true]), 0b1101n);
    assert.equal(permitsBitmap([]), 0n);
    const all = Array.from({ length: 256 }, () => true);
    assert.equal(permitsBitmap(all), (1n << 256n) - 1n);
    let expected = 0n;
    output.validatorPermit.forEach((p, uid) => (expected |= p ? 1n << BigInt(uid) : 0n));
    assert.equal(result.permitsBitmap, expected);
  });

  it("refuses more than 256 uids", () => {
    assert.throws(() => permitsBitmap(Array.from({ length: 257 }, () => false)), /uids 0\.\.255; this subnet has 257/);
  });
});

describe("bonds hash", () => {
  it("is keccak256 over, per uid, abi.encodePacked(uint16 count, (uint16 uid, uint16 value)…)", () => {
    const bonds: Array<Array<[number, number]>> = [
      [
        [1, 5],
        [3, 65535],
      ],
      [],
      [[0, 2]],
    ];
    const bytes: Hex = concat([
      "0x0002",
      "0x0001",
      "0x0005",
      "0x0003",
      "0xffff",
      "0x0000",
      "0x0001",
      "0x0000",
      "0x0002",
    ]);
    assert.equal(bondsHash(bonds), keccak256(bytes));
  });

  it("equals viem's abi.encodePacked of the same uint16 sequence", () => {
    const types: "uint16"[] = [];
    const values: number[] = [];
    for (const row of output.bonds) {
      types.push("uint16");
      values.push(row.length);
      for (const [j, v] of row) {
        types.push("uint16", "uint16");
        values.push(j, v);
      }
    }
    assert.equal(result.bondsHash, keccak256(encodePacked(types, values)));
  });

  it("is deterministic and changes with any bond value", () => {
    assert.equal(bondsHash(output.bonds), result.bondsHash);
    const changed = output.bonds.map((row) => row.map(([j, v]) => [j, v] as [number, number]));
    const row = changed.findIndex((r) => r.length > 0);
    changed[row]![0]![1] = changed[row]![0]![1] === 1 ? 2 : changed[row]![0]![1] - 1;
    assert.notEqual(bondsHash(changed), result.bondsHash);
  });

  it("refuses rows that are not canonical", () => {
    assert.throws(
      () =>
        bondsHash([
          [
            [3, 1],
            [2, 1],
          ],
        ]),
      /strictly ascending/,
    );
    assert.throws(() => bondsHash([[[3, 0]]]), /must be a non-zero u16/);
  });
});
