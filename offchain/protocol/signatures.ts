/**
 * EIP-191 signatures for axon traffic, bit-compatible with viem's `signMessage` / `recoverMessageAddress`,
 * with a fast path for the axon's hot loop.
 *
 * Cost model (pure-JS secp256k1; on the reference machine ~740 recoveries/s on one core): a request needs
 * one signature check and one response signature. Two things make that cheaper:
 * - `createHotkeySigner` signs with @noble/curves (the library viem itself uses) after widening the
 *   generator's precomputed window from 8 to 12 bits (24 point additions a signature instead of 34, ~20 MB
 *   once). Signing stays constant-time and RFC 6979 deterministic: signatures equal viem's byte for byte.
 * - `SignatureVerifier` recovers the signer once per key, caches the public key of each address it has
 *   verified (LRU), and from the second check on uses a precomputed 8-bit-window table for that key
 *   (~0.35 MB, built once off the request path), so a check is two table multiplications: ~3x cheaper than
 *   a recovery. Only signatures that recovered to the expected address ever create a cache entry.
 * Both paths accept exactly what recovery accepts, restricted to canonical low-s signatures with v in
 * {27, 28} (or {0, 1}): the recovered point must equal the cached key AND the parity of R must match v.
 */
import { secp256k1 } from "@noble/curves/secp256k1";
import { hashMessage, keccak256, type Address, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";

type Point = InstanceType<typeof secp256k1.ProjectivePoint>;
const Point = secp256k1.ProjectivePoint;
const N = secp256k1.CURVE.n;
const HALF_N = N >> 1n;

/** Anything that signs EIP-191 messages for a hotkey: a viem `LocalAccount` or `createHotkeySigner`. */
export interface HotkeySigner {
  readonly address: Address;
  signMessage(args: { message: string }): Promise<Hex>;
}

/** Window of the generator's precomputed table (noble's default is 8; 12 costs ~20 MB once, ~0.2 s to build). */
const BASE_WINDOW = 12;
let basePrecomputed = false;

/** Builds the generator table now (otherwise done on first use). */
export function warmSecp256k1(): void {
  if (basePrecomputed) return;
  secp256k1.utils.precompute(BASE_WINDOW, Point.BASE);
  basePrecomputed = true;
}

function hex64(x: bigint): string {
  return x.toString(16).padStart(64, "0");
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
      warmSecp256k1();
      const digest = hashMessage(message, "bytes");
      const sig = secp256k1.sign(digest, keyBytes, { lowS: true });
      return Promise.resolve(`0x${hex64(sig.r)}${hex64(sig.s)}${(27 + sig.recovery).toString(16)}` as Hex);
    },
  };
}

interface ParsedSignature {
  r: bigint;
  s: bigint;
  recovery: 0 | 1;
}

const SIGNATURE_PATTERN = /^0x[0-9a-fA-F]{130}$/;

/** Strict 65-byte `r || s || v` parse: low s, r and s in [1, n), v in {0, 1, 27, 28}. */
export function parseSignature(signature: string): ParsedSignature | undefined {
  if (typeof signature !== "string" || !SIGNATURE_PATTERN.test(signature)) return undefined;
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return undefined;
  if (r <= 0n || r >= N || s <= 0n || s > HALF_N) return undefined;
  return { r, s, recovery };
}

function invert(a: bigint, m: bigint): bigint {
  let [x, y, u, v] = [0n, 1n, m, a % m];
  while (v !== 0n) {
    const q = u / v;
    [u, v] = [v, u - q * v];
    [x, y] = [y, x - q * y];
  }
  return ((x % m) + m) % m;
}

function addressOf(point: Point): Address {
  const raw = point.toRawBytes(false); // 0x04 || x || y
  return `0x${keccak256(raw.subarray(1)).slice(26)}` as Address;
}

/** Recovers the EIP-191 signer of `message`, or undefined for a malformed or non-canonical signature. */
export function recoverSigner(message: string, signature: string): Address | undefined {
  const sig = parseSignature(signature);
  if (sig === undefined) return undefined;
  return recoverParsed(BigInt(hashMessage(message)) % N, sig)?.address;
}

function recoverParsed(h: bigint, sig: ParsedSignature): { point: Point; address: Address } | undefined {
  try {
    const point = new secp256k1.Signature(sig.r, sig.s).addRecoveryBit(sig.recovery).recoverPublicKey(hex64(h));
    return { point, address: addressOf(point).toLowerCase() as Address };
  } catch {
    return undefined;
  }
}

interface CachedKey {
  point: Point;
  uses: number;
  precomputed: boolean;
}

export interface SignatureVerifierOptions {
  /** Public keys kept (LRU); 0 disables the cache and every check is a recovery. Default 64. */
  cacheKeys?: number;
  /** Checks of a key before its precomputed table is built (~0.35 MB, ~25 ms, off the request path). Default 2. */
  precomputeAfter?: number;
  /** Window of the per-key tables. Default 8. */
  window?: number;
}

export class SignatureVerifier {
  readonly #cache = new Map<string, CachedKey>();
  readonly #capacity: number;
  readonly #precomputeAfter: number;
  readonly #window: number;
  /** Counters for metrics and tests. */
  readonly stats = { recoveries: 0, cachedChecks: 0, tablesBuilt: 0 };

  constructor(options: SignatureVerifierOptions = {}) {
    this.#capacity = options.cacheKeys ?? 64;
    this.#precomputeAfter = Math.max(1, options.precomputeAfter ?? 2);
    this.#window = options.window ?? 8;
    if (this.#capacity > 0) warmSecp256k1();
  }

  /** True when `signature` is a canonical EIP-191 signature of `message` by `expected`. Never throws. */
  verify(message: string, signature: string, expected: Address): boolean {
    const sig = parseSignature(signature);
    if (sig === undefined) return false;
    const key = expected.toLowerCase();
    const h = BigInt(hashMessage(message)) % N;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.stats.cachedChecks++;
      this.#touch(key, cached);
      return this.#checkWithKey(h, sig, cached.point);
    }
    this.stats.recoveries++;
    const recovered = recoverParsed(h, sig);
    if (recovered === undefined || recovered.address !== key) return false;
    if (this.#capacity > 0) this.#insert(key, recovered.point);
    return true;
  }

  /** Number of public keys cached. */
  get cachedKeys(): number {
    return this.#cache.size;
  }

  #checkWithKey(h: bigint, sig: ParsedSignature, point: Point): boolean {
    const w = invert(sig.s, N);
    const u1 = (h * w) % N;
    const u2 = (sig.r * w) % N;
    // Constant-time table multiplications (noble's `multiplyUnsafe` is not used on precomputed points).
    const a = u1 === 0n ? Point.ZERO : Point.BASE.multiply(u1);
    const R = a.add(point.multiply(u2));
    if (R.equals(Point.ZERO)) return false;
    const { x, y } = R.toAffine();
    // Exactly recovery's acceptance: R.x = r (recovery ids 2/3 are rejected at parse) and y parity = v.
    return x === sig.r && Number(y & 1n) === sig.recovery;
  }

  #touch(key: string, entry: CachedKey): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    entry.uses++;
    if (!entry.precomputed && entry.uses >= this.#precomputeAfter) {
      entry.precomputed = true;
      // Building a table blocks for ~25 ms: do it after this request, not inside it.
      setImmediate(() => {
        if (this.#cache.get(key) !== entry) return;
        const table = Point.fromAffine(entry.point.toAffine());
        secp256k1.utils.precompute(this.#window, table);
        entry.point = table;
        this.stats.tablesBuilt++;
      });
    }
  }

  #insert(key: string, point: Point): void {
    this.#cache.set(key, { point, uses: 1, precomputed: false });
    while (this.#cache.size > this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}
