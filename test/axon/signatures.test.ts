import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import secp256k1 from "secp256k1";
import { hashMessage, recoverMessageAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  SignatureVerifier,
  createHotkeySigner,
  eip191Digest,
  parseSignature,
  recoverSigner,
  secp256k1Native,
} from "../../offchain/protocol/index.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const hex64 = (x: bigint): string => x.toString(16).padStart(64, "0");

/** Messages of many shapes: empty, ASCII, multi-byte UTF-8 (the EIP-191 length prefix counts bytes), long. */
function randomMessage(i: number): string {
  switch (i % 5) {
    case 0:
      return i === 0 ? "" : `m${i}`;
    case 1:
      return randomBytes(1 + (i % 300)).toString("base64");
    case 2:
      return `héllo wörld ✓ 🦀 ${i}\nline two`;
    case 3:
      return "x".repeat(135 + (i % 5)); // around keccak's 136-byte block boundary once prefixed
    default:
      return randomBytes(2000).toString("hex");
  }
}

function withV(sig: Hex, v: number): Hex {
  return `${sig.slice(0, 130)}${v.toString(16).padStart(2, "0")}` as Hex;
}

function withS(sig: Hex, s: bigint): Hex {
  return `${sig.slice(0, 66)}${hex64(s)}${sig.slice(130)}` as Hex;
}

function withR(sig: Hex, r: bigint): Hex {
  return `0x${hex64(r)}${sig.slice(66)}` as Hex;
}

describe("signatures: compatibility with viem", () => {
  it("uses the libsecp256k1 binding whenever one exists for this platform (elliptic only where none does)", () => {
    const dir = path.dirname(createRequire(import.meta.url).resolve("secp256k1/package.json"));
    const binary =
      existsSync(path.join(dir, "prebuilds", `${process.platform}-${process.arch}`)) ||
      existsSync(path.join(dir, "build", "Release", "secp256k1.node"));
    assert.equal(secp256k1Native, binary);
  });

  it("eip191Digest equals viem's hashMessage", () => {
    for (let i = 0; i < 25; i++) {
      const m = randomMessage(i);
      assert.equal(`0x${Buffer.from(eip191Digest(m)).toString("hex")}`, hashMessage(m), JSON.stringify(m.slice(0, 40)));
    }
  });

  it("createHotkeySigner's signatures equal viem's signMessage byte for byte, for random keys and messages", async () => {
    for (let i = 0; i < 40; i++) {
      const pk = generatePrivateKey();
      const message = randomMessage(i);
      const fast = await createHotkeySigner(pk).signMessage({ message });
      assert.equal(fast, await privateKeyToAccount(pk).signMessage({ message }), `key ${i}`);
      assert.equal(createHotkeySigner(pk).address, privateKeyToAccount(pk).address);
    }
  });

  it("recoverSigner equals viem's recoverMessageAddress, for random keys and messages", async () => {
    for (let i = 0; i < 40; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const message = randomMessage(i);
      const signature = await account.signMessage({ message });
      const expected = (await recoverMessageAddress({ message, signature })).toLowerCase();
      assert.equal(recoverSigner(message, signature), expected);
      assert.equal(expected, account.address.toLowerCase());
      // Same signature over another message: both recover the same (wrong) key.
      const other = `${message}!`;
      assert.equal(
        recoverSigner(other, signature),
        (await recoverMessageAddress({ message: other, signature })).toLowerCase(),
      );
    }
  });
});

describe("signatures: what is refused", () => {
  it("high s, v outside {0,1,27,28}, r or s zero or >= n, and wrong lengths", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const message = "bittensor-evm/axon/v1\nchain:1";
    const sig = await account.signMessage({ message });
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    const verifier = new SignatureVerifier();
    assert.equal(verifier.verify(message, sig, account.address), true);
    const refused: Array<[string, string]> = [
      ["high s (the malleable twin, v flipped)", withV(withS(sig, N - s), v === 27 ? 28 : 27)],
      ["high s, v kept", withS(sig, N - s)],
      ["s = n/2 + 1", withS(sig, HALF_N + 1n)],
      ["s = 0", withS(sig, 0n)],
      ["s = n", withS(sig, N)],
      ["r = 0", withR(sig, 0n)],
      ["r = n", withR(sig, N)],
      ["r = 2^256 - 1", withR(sig, 2n ** 256n - 1n)],
      ["v = 29", withV(sig, 29)],
      ["v = 30", withV(sig, 30)],
      ["v = 2", withV(sig, 2)],
      ["v = 26", withV(sig, 26)],
      ["64 bytes", sig.slice(0, 130)],
      ["66 bytes", `${sig}00`],
      ["no 0x", sig.slice(2)],
      ["odd length", sig.slice(0, 131)],
    ];
    for (const [name, bad] of refused) {
      assert.equal(parseSignature(bad), undefined, name);
      assert.equal(recoverSigner(message, bad), undefined, name);
      assert.equal(verifier.verify(message, bad, account.address), false, name);
    }
    // Boundaries that are fine: s = n/2 parses, v as 0/1 means the same as 27/28.
    assert.equal(parseSignature(withS(sig, HALF_N))?.s, HALF_N);
    assert.equal(verifier.verify(message, withV(sig, v - 27), account.address), true);
    assert.equal(recoverSigner(message, withV(sig, v - 27)), account.address.toLowerCase());
    // Upper-case hex is the same signature.
    assert.equal(verifier.verify(message, `0x${sig.slice(2).toUpperCase()}`, account.address), true);
  });

  it("the cached-key path refuses another key's signature, a flipped v and another message", async () => {
    const a = createHotkeySigner(generatePrivateKey());
    const b = createHotkeySigner(generatePrivateKey());
    const verifier = new SignatureVerifier({ cacheKeys: 8 });
    const m0 = "first";
    assert.equal(verifier.verify(m0, await a.signMessage({ message: m0 }), a.address), true);
    assert.equal(verifier.cachedKeys, 1);
    const before = { ...verifier.stats };

    const m = "second";
    const good = await a.signMessage({ message: m });
    const byB = await b.signMessage({ message: m });
    const v = Number.parseInt(good.slice(130), 16);
    assert.equal(verifier.verify(m, byB, a.address), false, "B's signature checked against A's cached key");
    assert.equal(verifier.verify(m, withV(good, v === 27 ? 28 : 27), a.address), false, "flipped v");
    assert.equal(verifier.verify(m, withV(good, v === 27 ? 1 : 0), a.address), false, "flipped v as 0/1");
    assert.equal(verifier.verify("other", good, a.address), false, "another message");
    assert.equal(verifier.verify(m, good, a.address), true);
    // All five went through the cached key (none hashed a key to an address), and nothing new was cached.
    assert.equal(verifier.stats.cachedChecks - before.cachedChecks, 5);
    assert.equal(verifier.stats.recoveries, before.recoveries);
    assert.equal(verifier.cachedKeys, 1);
  });

  it("a failed first check caches nothing, so a later check still hashes the key", async () => {
    const a = createHotkeySigner(generatePrivateKey());
    const b = createHotkeySigner(generatePrivateKey());
    const verifier = new SignatureVerifier();
    const m = "hello";
    assert.equal(verifier.verify(m, await b.signMessage({ message: m }), a.address), false);
    assert.equal(verifier.cachedKeys, 0);
    assert.equal(verifier.verify(m, await a.signMessage({ message: m }), a.address), true);
    assert.equal(verifier.stats.recoveries, 2);
    assert.equal(verifier.stats.cachedChecks, 0);
  });

  it("with the cache off every check hashes the recovered key, with the same answers", async () => {
    const a = createHotkeySigner(generatePrivateKey());
    const b = createHotkeySigner(generatePrivateKey());
    const verifier = new SignatureVerifier({ cacheKeys: 0 });
    for (let i = 0; i < 3; i++) {
      const m = `m${i}`;
      assert.equal(verifier.verify(m, await a.signMessage({ message: m }), a.address), true);
      assert.equal(verifier.verify(m, await b.signMessage({ message: m }), a.address), false);
    }
    assert.equal(verifier.cachedKeys, 0);
    assert.equal(verifier.stats.recoveries, 6);
    assert.equal(verifier.stats.cachedChecks, 0);
  });

  it("verify and recoverSigner never throw on garbage", () => {
    const verifier = new SignatureVerifier();
    const addr = "0x00000000000000000000000000000000000000aa" as Address;
    for (const bad of [undefined, null, 42, {}, "", "0x", `0x${"00".repeat(65)}`, `0x${"ff".repeat(65)}`]) {
      assert.equal(verifier.verify("m", bad as unknown as string, addr), false);
      assert.equal(recoverSigner("m", bad as unknown as string), undefined);
    }
    // r that is not the x of any curve point (x^3 + 7 is not a square for x = 5): recovery fails cleanly.
    const noPoint = `0x${hex64(5n)}${hex64(1n)}1b`;
    assert.notEqual(parseSignature(noPoint), undefined);
    assert.equal(recoverSigner("m", noPoint), undefined);
    assert.equal(verifier.verify("m", noPoint, addr), false);
  });
});

describe("signatures: the pure-JS fallback of the secp256k1 package", () => {
  // On platforms without a prebuild, `secp256k1` loads its `elliptic` implementation behind the same API.
  // These are the exact calls signatures.ts makes; both implementations must agree on them.
  const fallback = createRequire(import.meta.url)("secp256k1/elliptic.js") as typeof secp256k1;

  it("is a different implementation from the one in use", () => {
    assert.notEqual(fallback, secp256k1);
  });

  it("ecdsaSign (RFC 6979, low s) and ecdsaRecover agree with the native build", () => {
    for (let i = 0; i < 30; i++) {
      const key = randomBytes(32);
      if (!secp256k1.privateKeyVerify(key)) continue;
      const digest = randomBytes(32);
      const a = secp256k1.ecdsaSign(digest, key);
      const b = fallback.ecdsaSign(digest, key);
      assert.deepEqual(Buffer.from(b.signature), Buffer.from(a.signature));
      assert.equal(b.recid, a.recid);
      const s = BigInt(`0x${Buffer.from(a.signature.subarray(32)).toString("hex")}`);
      assert.ok(s <= HALF_N, "low s");
      const pubA = secp256k1.ecdsaRecover(a.signature, a.recid, digest, false);
      const pubB = fallback.ecdsaRecover(a.signature, a.recid, digest, false);
      assert.deepEqual(Buffer.from(pubB), Buffer.from(pubA));
      assert.deepEqual(Buffer.from(pubA), Buffer.from(secp256k1.publicKeyCreate(key, false)));
      // The other recovery id yields a different key on both.
      const flipped = fallback.ecdsaRecover(a.signature, 1 - a.recid, digest, false);
      assert.deepEqual(
        Buffer.from(flipped),
        Buffer.from(secp256k1.ecdsaRecover(a.signature, 1 - a.recid, digest, false)),
      );
      assert.notDeepEqual(Buffer.from(flipped), Buffer.from(pubA));
    }
  });

  it("both throw (which signatures.ts turns into a refusal) when r is not the x of a curve point", () => {
    const rs = Buffer.from(`${hex64(5n)}${hex64(1n)}`, "hex");
    const digest = randomBytes(32);
    assert.throws(() => secp256k1.ecdsaRecover(rs, 0, digest, false));
    assert.throws(() => fallback.ecdsaRecover(rs, 0, digest, false));
  });
});
