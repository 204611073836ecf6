/**
 * EIP-191 signatures for axon traffic, bit-compatible with viem's `signMessage` / `recoverMessageAddress`.
 *
 * Acceptance (both `recoverSigner` and `SignatureVerifier`): exactly 65 bytes `r || s || v` as 0x-hex;
 * r and s in [1, n); s canonical (low, s <= n/2); v in {27, 28} or {0, 1}; and the key recovered from
 * (r, s, v) over the EIP-191 digest of the message must be the expected address. Malleable high-s twins,
 * recovery ids 2/3 (v = 29, 30) and any other length are refused before any curve arithmetic.
 *
 * Curve arithmetic is libsecp256k1 through the `secp256k1` package (N-API prebuilds for linux-x64,
 * darwin-arm64, win32-x64; elsewhere it is built at install when a C toolchain is present, else the package
 * falls back to pure-JS `elliptic` behind the same API: the same answers, ~30x slower). Signing is
 * RFC 6979 deterministic with low s, like viem/noble, so `createHotkeySigner` produces viem's signatures
 * byte for byte.
 *
 * Cost model (reference machine, one core, native path, best of many runs): a request costs one signature
 * check and one response signature. A check is the EIP-191 digest (~15 µs for a ~300-byte request message
 * with @noble/hashes' `keccak_256` on bytes; viem's `hashMessage` adds hex conversions) plus one key recovery (~70 µs): ~87 µs,
 * ~11 500/s. The verifier caches the 65-byte public key of each address it has verified (LRU), so a repeat
 * check compares the recovered key's bytes with the cached key instead of hashing it to an address (one
 * keccak less); it stays a recovery, not a verify, because recovery also pins v. Signing is the digest plus
 * ~50 µs: ~66 µs, ~15 000/s. The pure-JS code this replaced (noble with precomputed tables) took ~0.7 ms a
 * cached-key check and ~0.35 ms a signature on the same machine.
 */
import { createRequire } from "node:module";
import secp256k1 from "secp256k1";
import type { Address, Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { keccak_256 } from "@noble/hashes/sha3.js";

/**
 * True when `secp256k1` loaded its libsecp256k1 binding; false on a platform with neither a prebuild nor a
 * compiler at install time, where it runs pure-JS `elliptic` (the same answers, ~30x slower).
 */
export const secp256k1Native: boolean = (() => {
  try {
    return createRequire(import.meta.url)("secp256k1/bindings.js") === secp256k1;
  } catch {
    return false;
  }
})();

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

/** Anything that signs EIP-191 messages for a hotkey: a viem `LocalAccount` or `createHotkeySigner`. */
export interface HotkeySigner {
  readonly address: Address;
  signMessage(args: { message: string }): Promise<Hex>;
}

/** The EIP-191 (`personal_sign`) digest of a text message: keccak256("\x19Ethereum Signed Message:\n" + len + message). */
export function eip191Digest(message: string): Uint8Array {
  const prefixed = `\x19Ethereum Signed Message:\n${Buffer.byteLength(message, "utf8")}${message}`;
  return keccak_256(Buffer.from(prefixed, "utf8"));
}

const PRIVATE_KEY_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** A fast local signer for a raw hotkey private key (the same signatures as viem's `privateKeyToAccount`). */
export function createHotkeySigner(privateKey: Hex): HotkeySigner {
  if (!PRIVATE_KEY_PATTERN.test(privateKey)) {
    throw new Error("hotkey private key must be 0x followed by 64 hex digits");
  }
  const d = BigInt(privateKey);
  if (d <= 0n || d >= N) throw new Error("hotkey private key is outside the secp256k1 scalar range");
  const address = privateKeyToAddress(privateKey);
  const keyBytes = Buffer.from(privateKey.slice(2), "hex");
  return {
    address,
    signMessage({ message }: { message: string }): Promise<Hex> {
      const { signature, recid } = secp256k1.ecdsaSign(eip191Digest(message), keyBytes);
      const rs = Buffer.from(signature.buffer, signature.byteOffset, 64).toString("hex");
      return Promise.resolve(`0x${rs}${recid === 0 ? "1b" : "1c"}` as Hex);
    },
  };
}

export interface ParsedSignature {
  r: bigint;
  s: bigint;
  recovery: 0 | 1;
  /** `r || s`, 64 bytes, as libsecp256k1 takes it. */
  rs: Uint8Array;
}

const SIGNATURE_PATTERN = /^0x[0-9a-fA-F]{130}$/;

/** Strict 65-byte `r || s || v` parse: low s, r and s in [1, n), v in {0, 1, 27, 28}. */
export function parseSignature(signature: string): ParsedSignature | undefined {
  if (typeof signature !== "string" || !SIGNATURE_PATTERN.test(signature)) return undefined;
  const v = Number.parseInt(signature.slice(130, 132), 16);
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return undefined;
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (r <= 0n || r >= N || s <= 0n || s > HALF_N) return undefined;
  return { r, s, recovery, rs: Buffer.from(signature.slice(2, 130), "hex") };
}

/** The uncompressed public key (0x04 || x || y) that signed `digest`, or undefined when none does. */
function recoverKey(digest: Uint8Array, sig: ParsedSignature): Uint8Array | undefined {
  try {
    return secp256k1.ecdsaRecover(sig.rs, sig.recovery, digest, false);
  } catch {
    return undefined; // r is not the x of a curve point, or the key would be the point at infinity
  }
}

/** Lower-case address of an uncompressed public key. */
function addressOf(publicKey: Uint8Array): Address {
  const h = keccak_256(publicKey.subarray(1));
  return `0x${Buffer.from(h.buffer, h.byteOffset + 12, 20).toString("hex")}`;
}

/** Recovers the EIP-191 signer of `message` (lower case), or undefined for a malformed or non-canonical signature. */
export function recoverSigner(message: string, signature: string): Address | undefined {
  const sig = parseSignature(signature);
  if (sig === undefined) return undefined;
  const key = recoverKey(eip191Digest(message), sig);
  return key === undefined ? undefined : addressOf(key);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface SignatureVerifierOptions {
  /** Public keys kept (LRU); 0 disables the cache and every check hashes the recovered key. Default 64. */
  cacheKeys?: number;
}

export class SignatureVerifier {
  readonly #cache = new Map<string, Uint8Array>();
  readonly #capacity: number;
  /** Counters for metrics and tests: checks that derived the address from the key, and checks against a cached key. */
  readonly stats = { recoveries: 0, cachedChecks: 0 };

  constructor(options: SignatureVerifierOptions = {}) {
    this.#capacity = options.cacheKeys ?? 64;
  }

  /** True when `signature` is a canonical EIP-191 signature of `message` by `expected`. Never throws. */
  verify(message: string, signature: string, expected: Address): boolean {
    const sig = parseSignature(signature);
    if (sig === undefined) return false;
    const key = expected.toLowerCase();
    const recovered = recoverKey(eip191Digest(message), sig);
    if (recovered === undefined) return false;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.stats.cachedChecks++;
      this.#cache.delete(key); // LRU: most recent last
      this.#cache.set(key, cached);
      // Only a key that hashed to `key` is ever cached, so equal bytes means the same address.
      return sameBytes(recovered, cached);
    }
    this.stats.recoveries++;
    if (addressOf(recovered) !== key) return false;
    if (this.#capacity > 0) this.#insert(key, recovered);
    return true;
  }

  /** Number of public keys cached. */
  get cachedKeys(): number {
    return this.#cache.size;
  }

  #insert(key: string, publicKey: Uint8Array): void {
    this.#cache.set(key, publicKey);
    while (this.#cache.size > this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}
