import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, recoverMessageAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  AxonRejection,
  H,
  NonceSource,
  SignatureVerifier,
  createHotkeySigner,
  encodeRequestHeaders,
  nonceTimeMs,
  parseRequestHeaders,
  parseSignature,
  recoverSigner,
  requestMessage,
  responseMessage,
  signRequest,
  taskSchema,
  type RequestFields,
} from "../../offchain/protocol/index.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function fields(over: Partial<RequestFields> = {}): RequestFields {
  return {
    chainId: 31337,
    netuid: 3,
    miner: "0x00000000000000000000000000000000000000AA",
    validator: "0x00000000000000000000000000000000000000bB",
    nonce: 1_700_000_000_000_000,
    requestId: "req-1",
    bodyHash: `0x${"ab".repeat(32)}`,
    timeoutMs: 12_000,
    ...over,
  };
}

/** Flips s to n - s and v to the other parity: the same signature in its malleable high-s form. */
function highS(sig: Hex): Hex {
  const s = BigInt(`0x${sig.slice(66, 130)}`);
  const v = Number.parseInt(sig.slice(130), 16);
  return `${sig.slice(0, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

describe("protocol: canonical messages", () => {
  it("request message is versioned, one key:value per line, addresses lower-cased", () => {
    assert.equal(
      requestMessage(fields()),
      [
        "bittensor-evm/axon/v1",
        "chain:31337",
        "netuid:3",
        "miner:0x00000000000000000000000000000000000000aa",
        "validator:0x00000000000000000000000000000000000000bb",
        "nonce:1700000000000000",
        "request:req-1",
        `body:0x${"ab".repeat(32)}`,
        "timeout:12000",
      ].join("\n"),
    );
  });

  it("response message differs in its domain line, so a request signature never passes as a response", () => {
    const m = responseMessage({ ...fields(), requestId: "req-1" });
    assert.ok(m.startsWith("bittensor-evm/axon/v1/response\n"));
    assert.notEqual(m.split("\n")[0], requestMessage(fields()).split("\n")[0]);
  });
});

describe("protocol: signatures", () => {
  it("createHotkeySigner signs exactly like viem's privateKeyToAccount", async () => {
    for (let i = 0; i < 5; i++) {
      const pk = generatePrivateKey();
      const message = requestMessage(fields({ nonce: 1_700_000_000_000_000 + i }));
      const fast = await createHotkeySigner(pk).signMessage({ message });
      const viemSig = await privateKeyToAccount(pk).signMessage({ message });
      assert.equal(fast, viemSig);
      assert.equal(createHotkeySigner(pk).address, privateKeyToAccount(pk).address);
    }
  });

  it("rejects malformed private keys with a message naming the fix", () => {
    assert.throws(() => createHotkeySigner("0x1234" as Hex), /64 hex digits/);
    assert.throws(() => createHotkeySigner(`0x${"00".repeat(32)}` as Hex), /scalar range/);
  });

  it("verifier agrees with viem's recoverMessageAddress, on the recovery path and the cached-key path", async () => {
    const verifier = new SignatureVerifier({ cacheKeys: 4 });
    const keys = [generatePrivateKey(), generatePrivateKey()];
    for (let round = 0; round < 6; round++) {
      for (const pk of keys) {
        const account = privateKeyToAccount(pk);
        const message = requestMessage(fields({ nonce: 1_700_000_000_000_000 + round, validator: account.address }));
        const sig = await account.signMessage({ message });
        assert.equal(
          (await recoverMessageAddress({ message, signature: sig })).toLowerCase(),
          account.address.toLowerCase(),
        );
        assert.equal(verifier.verify(message, sig, account.address), true, `round ${round}`);
        // The other key must never verify, nor a different message.
        const other = privateKeyToAccount(keys[0] === pk ? keys[1] : keys[0]).address;
        assert.equal(verifier.verify(message, sig, other), false);
        assert.equal(verifier.verify(`${message}x`, sig, account.address), false);
        // Wrong recovery bit: recovery yields another key, so the fast path must refuse it too.
        const flippedV = `${sig.slice(0, 130)}${sig.endsWith("1b") ? "1c" : "1b"}`;
        assert.equal(verifier.verify(message, flippedV, account.address), false);
        // The malleable high-s twin is refused (viem would accept it: the axon is stricter).
        assert.equal(verifier.verify(message, highS(sig), account.address), false);
      }
    }
    assert.ok(verifier.stats.cachedChecks > 0, "cached path exercised");
    // Hashed to an address only while a key was not cached yet: A's first check, B-as-other before B was
    // cached, B's first check. Everything else (6 rounds x 2 keys x 4 checks) compared cached keys.
    assert.equal(verifier.stats.recoveries, 3);
    assert.equal(verifier.stats.cachedChecks, 6 * 2 * 4 - 3);
  });

  it("an LRU of one key still verifies both signers correctly", async () => {
    const verifier = new SignatureVerifier({ cacheKeys: 1 });
    const a = privateKeyToAccount(generatePrivateKey());
    const b = privateKeyToAccount(generatePrivateKey());
    for (let i = 0; i < 3; i++) {
      for (const acct of [a, b]) {
        const m = `m${i}${acct.address}`;
        assert.equal(verifier.verify(m, await acct.signMessage({ message: m }), acct.address), true);
      }
    }
    assert.equal(verifier.cachedKeys, 1);
  });

  it("parseSignature refuses garbage, out-of-range values and bad v", () => {
    for (const bad of [
      "",
      "0x",
      "0x12",
      `0x${"zz".repeat(65)}`,
      `0x${"00".repeat(65)}`,
      `0x${"11".repeat(64)}1d`,
      42 as unknown as string,
    ]) {
      assert.equal(parseSignature(bad), undefined, String(bad));
    }
    assert.equal(parseSignature(`0x${"11".repeat(64)}1b`)?.recovery, 0);
    assert.equal(parseSignature(`0x${"11".repeat(64)}01`)?.recovery, 1);
  });

  it("recoverSigner returns the signer or undefined, never throws", async () => {
    const acct = privateKeyToAccount(generatePrivateKey());
    const sig = await acct.signMessage({ message: "hello" });
    assert.equal(recoverSigner("hello", sig), acct.address.toLowerCase());
    assert.equal(recoverSigner("hello", `0x${"ff".repeat(65)}`), undefined);
    // r that is not the x of any curve point: recovery fails cleanly.
    assert.equal(recoverSigner("hello", `0x${"00".repeat(31)}05${"00".repeat(31)}011b`), undefined);
  });
});

describe("protocol: nonces", () => {
  it("strictly increasing even when the clock stalls or steps back", () => {
    let now = 1_000;
    const src = new NonceSource(() => now);
    const a = src.next();
    const b = src.next();
    now = 900;
    const c = src.next();
    now = 2_000;
    const d = src.next();
    assert.ok(a < b && b < c && c < d);
    assert.equal(nonceTimeMs(a), 1_000);
    assert.equal(nonceTimeMs(d), 2_000);
  });
});

describe("protocol: headers", () => {
  const sig = `0x${"11".repeat(64)}1b` as Hex;
  const good = encodeRequestHeaders({ ...fields(), signature: sig });

  it("round-trips, lower-casing addresses and hash", () => {
    const parsed = parseRequestHeaders(good);
    assert.equal(parsed.miner, "0x00000000000000000000000000000000000000aa");
    assert.equal(parsed.validator, "0x00000000000000000000000000000000000000bb");
    assert.equal(parsed.nonce, 1_700_000_000_000_000);
    assert.equal(parsed.timeoutMs, 12_000);
  });

  const cases: Array<[string, Record<string, string | string[] | undefined>, string]> = [
    ["no signature", { ...good, [H.signature]: undefined }, "unsigned"],
    ["empty signature", { ...good, [H.signature]: "" }, "unsigned"],
    ["wrong version", { ...good, [H.version]: "2" }, "unsupported_version"],
    ["short signature", { ...good, [H.signature]: "0x1234" }, "bad_signature"],
    ["duplicated nonce", { ...good, [H.nonce]: ["1", "2"] }, "bad_request"],
    ["nonce not a number", { ...good, [H.nonce]: "12abc" }, "bad_request"],
    ["nonce with leading zero", { ...good, [H.nonce]: "0123" }, "bad_request"],
    ["nonce beyond 2^53", { ...good, [H.nonce]: "99999999999999999" }, "bad_request"],
    ["netuid too big", { ...good, [H.netuid]: "65536" }, "bad_request"],
    ["timeout zero", { ...good, [H.timeoutMs]: "0" }, "bad_request"],
    ["miner not an address", { ...good, [H.miner]: "0xnothex" }, "bad_request"],
    ["request id with newline", { ...good, [H.requestId]: "a\nb" }, "bad_request"],
    ["request id too long", { ...good, [H.requestId]: "a".repeat(65) }, "bad_request"],
    ["body hash short", { ...good, [H.bodyHash]: "0xabcd" }, "bad_request"],
    ["validator missing", { ...good, [H.validator]: undefined }, "bad_request"],
  ];
  for (const [name, headers, code] of cases) {
    it(`rejects ${name} as ${code}`, () => {
      assert.throws(
        () => parseRequestHeaders(headers),
        (e: unknown) => e instanceof AxonRejection && e.code === code,
      );
    });
  }
});

describe("protocol: signRequest", () => {
  it("headers carry a signature the verifier accepts, over the body's keccak256", async () => {
    const signer = createHotkeySigner(generatePrivateKey());
    const body = new TextEncoder().encode(JSON.stringify({ kind: "text", prompt: "hi" }));
    const signed = await signRequest(signer, {
      chainId: 1,
      netuid: 2,
      miner: "0x00000000000000000000000000000000000000aa" as Address,
      nonce: 5_000,
      requestId: "r",
      timeoutMs: 1_000,
      body,
    });
    const parsed = parseRequestHeaders(signed.headers);
    assert.equal(new SignatureVerifier().verify(requestMessage(parsed), parsed.signature, signer.address), true);
    assert.equal(parsed.bodyHash, keccak256(body));
  });

  it("task schema accepts the text task and rejects unknown fields or kinds", () => {
    assert.equal(taskSchema.safeParse({ kind: "text", prompt: "What is 1 + 1?" }).success, true);
    assert.equal(taskSchema.safeParse({ kind: "text", prompt: "x", maxTokens: 10, stream: true }).success, true);
    assert.equal(taskSchema.safeParse({ kind: "text", prompt: "" }).success, false);
    assert.equal(taskSchema.safeParse({ kind: "text", prompt: "x", extra: 1 }).success, false);
    assert.equal(taskSchema.safeParse({ kind: "image", prompt: "x" }).success, false);
    assert.equal(taskSchema.safeParse({ kind: "text", prompt: "x", maxTokens: 1.5 }).success, false);
  });
});
