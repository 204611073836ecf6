import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { keccak256 } from "viem";
import { bodyHash } from "../../offchain/protocol/index.js";
import { keccak256Bytes } from "../../offchain/protocol/keccak.js";

const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString("hex")}`;

describe("keccak256Bytes", () => {
  it("matches the known vector for the empty input (Keccak padding, not SHA3-256)", () => {
    assert.equal(
      hex(keccak256Bytes(new Uint8Array(0))),
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    assert.equal(
      hex(keccak256Bytes(new TextEncoder().encode("abc"))),
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
  });

  it("equals viem's keccak256 for every length from 0 to past three blocks (136-byte rate)", () => {
    for (let len = 0; len <= 3 * 136 + 8; len++) {
      const data = randomBytes(len);
      assert.equal(hex(keccak256Bytes(data)), keccak256(data), `length ${len}`);
    }
  });

  it("equals viem's for large inputs, all-ones bytes, and views at an offset into a larger buffer", () => {
    const big = randomBytes(100_003);
    assert.equal(hex(keccak256Bytes(big)), keccak256(big));
    const ones = new Uint8Array(500).fill(0xff);
    assert.equal(hex(keccak256Bytes(ones)), keccak256(ones));
    const view = big.subarray(7, 7 + 300);
    assert.equal(hex(keccak256Bytes(view)), keccak256(new Uint8Array(view)));
  });

  it("keeps no state between calls and returns a fresh array each time", () => {
    const a = randomBytes(200);
    const b = randomBytes(50);
    const first = keccak256Bytes(a);
    keccak256Bytes(b);
    const again = keccak256Bytes(a);
    assert.deepEqual(again, first);
    assert.notEqual(again, first);
    assert.equal(hex(first), keccak256(a));
  });

  it("bodyHash is the lower-case 0x-hex of the same digest", () => {
    const body = randomBytes(77);
    assert.equal(bodyHash(body), keccak256(body));
    assert.match(bodyHash(body), /^0x[0-9a-f]{64}$/);
  });
});
