/**
 * Keccak-256 (the original Keccak padding Ethereum uses, not NIST SHA3-256) for the axon's hot path.
 *
 * A request costs four keccak256 calls on the axon (the request's EIP-191 digest, ~300 bytes; the body; the
 * response body; the response's digest): 7 permutations. viem's `keccak256` (noble-hashes 1.x) allocates a
 * fresh sponge and typed arrays on every call, so those four took ~70 µs on the reference machine, about
 * half of a key recovery. This one reuses one state and keeps the round's temporaries in locals: ~35 µs
 * for the same four. It is synchronous and never yields, so sharing the state is safe. Output is checked
 * against viem's for every length from 0 past three blocks, and the empty-input vector, in
 * test/axon/keccak.test.ts.
 *
 * Lanes are 64-bit, held as two 32-bit words (low word first), state word 2i/2i+1 = lane i = (x + 5y).
 */

const RATE = 136; // bytes absorbed per permutation (1088 bits) for a 256-bit output

/** Round constants, as [low, high] 32-bit words. */
const RC = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000, 0x0000808b,
  0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000, 0x0000008a, 0x00000000,
  0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000, 0x8000808b, 0x00000000, 0x0000008b,
  0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x80000000,
  0x0000800a, 0x00000000, 0x8000000a, 0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001,
  0x00000000, 0x80008008, 0x80000000,
]);

/** Rho rotation of lane i (x + 5y); pi moves lane (x, y) to (y, 2x + 3y). */
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
/** Per lane 1..24: destination word index, rotation mod 32 (never 0: no offset is 0 or 32), and whether it is > 32. */
const DEST = new Int32Array(25);
const SHIFT = new Int32Array(25);
const SWAP = new Uint8Array(25);
for (let x = 0; x < 5; x++) {
  for (let y = 0; y < 5; y++) {
    const i = x + 5 * y;
    DEST[i] = 2 * (y + 5 * ((2 * x + 3 * y) % 5));
    SHIFT[i] = ROT[i]! % 32;
    SWAP[i] = ROT[i]! > 32 ? 1 : 0;
  }
}

const state = new Int32Array(50);
const b = new Int32Array(50);
const tail = new Uint8Array(RATE);

function permute(s: Int32Array): void {
  for (let round = 0; round < 48; round += 2) {
    // Theta: column parities C[x] (as lo/hi words), then every lane of column x ^= C[x-1] ^ rot(C[x+1], 1).
    const c0 = s[0]! ^ s[10]! ^ s[20]! ^ s[30]! ^ s[40]!;
    const c1 = s[1]! ^ s[11]! ^ s[21]! ^ s[31]! ^ s[41]!;
    const c2 = s[2]! ^ s[12]! ^ s[22]! ^ s[32]! ^ s[42]!;
    const c3 = s[3]! ^ s[13]! ^ s[23]! ^ s[33]! ^ s[43]!;
    const c4 = s[4]! ^ s[14]! ^ s[24]! ^ s[34]! ^ s[44]!;
    const c5 = s[5]! ^ s[15]! ^ s[25]! ^ s[35]! ^ s[45]!;
    const c6 = s[6]! ^ s[16]! ^ s[26]! ^ s[36]! ^ s[46]!;
    const c7 = s[7]! ^ s[17]! ^ s[27]! ^ s[37]! ^ s[47]!;
    const c8 = s[8]! ^ s[18]! ^ s[28]! ^ s[38]! ^ s[48]!;
    const c9 = s[9]! ^ s[19]! ^ s[29]! ^ s[39]! ^ s[49]!;
    theta(s, 0, c8 ^ ((c2 << 1) | (c3 >>> 31)), c9 ^ ((c3 << 1) | (c2 >>> 31)));
    theta(s, 2, c0 ^ ((c4 << 1) | (c5 >>> 31)), c1 ^ ((c5 << 1) | (c4 >>> 31)));
    theta(s, 4, c2 ^ ((c6 << 1) | (c7 >>> 31)), c3 ^ ((c7 << 1) | (c6 >>> 31)));
    theta(s, 6, c4 ^ ((c8 << 1) | (c9 >>> 31)), c5 ^ ((c9 << 1) | (c8 >>> 31)));
    theta(s, 8, c6 ^ ((c0 << 1) | (c1 >>> 31)), c7 ^ ((c1 << 1) | (c0 >>> 31)));
    // Rho and pi: B[pi(i)] = rot(A[i], ROT[i]); lane 0 is not rotated.
    b[0] = s[0]!;
    b[1] = s[1]!;
    for (let i = 1; i < 25; i++) {
      const swap = SWAP[i] === 1;
      const lo = swap ? s[2 * i + 1]! : s[2 * i]!;
      const hi = swap ? s[2 * i]! : s[2 * i + 1]!;
      const n = SHIFT[i]!;
      const d = DEST[i]!;
      b[d] = (lo << n) | (hi >>> (32 - n));
      b[d + 1] = (hi << n) | (lo >>> (32 - n));
    }
    // Chi, row by row: A[x] = B[x] ^ (~B[x+1] & B[x+2]).
    for (let y = 0; y < 50; y += 10) {
      const b0 = b[y]!;
      const b1 = b[y + 1]!;
      const b2 = b[y + 2]!;
      const b3 = b[y + 3]!;
      const b4 = b[y + 4]!;
      const b5 = b[y + 5]!;
      const b6 = b[y + 6]!;
      const b7 = b[y + 7]!;
      const b8 = b[y + 8]!;
      const b9 = b[y + 9]!;
      s[y] = b0 ^ (~b2 & b4);
      s[y + 1] = b1 ^ (~b3 & b5);
      s[y + 2] = b2 ^ (~b4 & b6);
      s[y + 3] = b3 ^ (~b5 & b7);
      s[y + 4] = b4 ^ (~b6 & b8);
      s[y + 5] = b5 ^ (~b7 & b9);
      s[y + 6] = b6 ^ (~b8 & b0);
      s[y + 7] = b7 ^ (~b9 & b1);
      s[y + 8] = b8 ^ (~b0 & b2);
      s[y + 9] = b9 ^ (~b1 & b3);
    }
    // Iota.
    s[0] ^= RC[round]!;
    s[1] ^= RC[round + 1]!;
  }
}

/** XORs D[x] (lo, hi) into the five lanes of column x (first word index w = 2x). */
function theta(s: Int32Array, w: number, lo: number, hi: number): void {
  for (let y = w; y < 50; y += 10) {
    s[y] ^= lo;
    s[y + 1] ^= hi;
  }
}

function absorb(s: Int32Array, bytes: Uint8Array, at: number): void {
  for (let w = 0; w < RATE / 4; w++, at += 4) {
    s[w] ^= bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  }
  permute(s);
}

/** keccak256 of `data`, as 32 bytes. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  const s = state;
  s.fill(0);
  let at = 0;
  for (; at + RATE <= data.length; at += RATE) absorb(s, data, at);
  tail.fill(0);
  tail.set(data.subarray(at));
  tail[data.length - at] ^= 0x01;
  tail[RATE - 1] ^= 0x80;
  absorb(s, tail, 0);
  const out = new Uint8Array(32);
  for (let w = 0; w < 8; w++) {
    const v = s[w]!;
    out[4 * w] = v;
    out[4 * w + 1] = v >>> 8;
    out[4 * w + 2] = v >>> 16;
    out[4 * w + 3] = v >>> 24;
  }
  return out;
}
