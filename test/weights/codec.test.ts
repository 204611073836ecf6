import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodePacked, keccak256 } from "viem";
import {
  type CommitInput,
  WeightsInputError,
  commitHash,
  isMaxUpscaled,
  maxUpscaleU16,
  normaliseScores,
  packWeights,
  summarisePacked,
  unpackWeights,
  weightsHash,
} from "../../offchain/weights/index.js";

const HOTKEY = "0x00000000000000000000000000000000000000a1";
const SALT = `0x${"11".repeat(32)}` as const;

describe("packWeights / unpackWeights", () => {
  it("packs 4 bytes an entry, uid then value, big-endian, sorted by uid", () => {
    const packed = packWeights([
      { uid: 258, value: 1 },
      { uid: 1, value: 65535 },
    ]);
    assert.equal(packed, "0x0001ffff01020001");
    assert.deepEqual(unpackWeights(packed), [
      { uid: 1, value: 65535 },
      { uid: 258, value: 1 },
    ]);
    assert.equal(packWeights([]), "0x");
    assert.deepEqual(unpackWeights("0x"), []);
  });

  it("rejects duplicates, non-u16 numbers and more than 256 entries, naming the value", () => {
    assert.throws(
      () =>
        packWeights([
          { uid: 3, value: 1 },
          { uid: 3, value: 2 },
        ]),
      /uid 3 appears twice/,
    );
    assert.throws(() => packWeights([{ uid: 65536, value: 1 }]), /uid 65536 at entry 0/);
    assert.throws(() => packWeights([{ uid: 1, value: 1.5 }]), /value 1.5 at entry 0/);
    assert.throws(() => packWeights([{ uid: -1, value: 1 }]), WeightsInputError);
    const many = Array.from({ length: 257 }, (_, uid) => ({ uid, value: 1 }));
    assert.throws(() => packWeights(many), /257 entries/);
  });

  it("unpack rejects partial entries and (strictly) unsorted uids", () => {
    assert.throws(() => unpackWeights("0x000100"), /3 bytes: must be a multiple of 4/);
    assert.throws(
      () => unpackWeights(("0x00020001" + "00010001") as `0x${string}`),
      /uid 1 at entry 1 is not above the previous uid 2/,
    );
    assert.deepEqual(unpackWeights("0x0002000100010001", { strict: false }), [
      { uid: 2, value: 1 },
      { uid: 1, value: 1 },
    ]);
    assert.throws(() => unpackWeights("0x0g" as `0x${string}`), /not an even-length 0x hex string/);
  });
});

describe("commitHash / weightsHash", () => {
  it("is keccak256(abi.encodePacked(hotkey, uint16 netuid, bytes, bytes32 salt, uint64 versionKey))", () => {
    const packedWeights = packWeights([{ uid: 1, value: 65535 }]);
    const expected = keccak256(
      `0x${HOTKEY.slice(2)}0007${packedWeights.slice(2)}${SALT.slice(2)}${9n.toString(16).padStart(16, "0")}`,
    );
    assert.equal(commitHash({ hotkey: HOTKEY, netuid: 7, packedWeights, salt: SALT, versionKey: 9n }), expected);
    assert.equal(
      expected,
      keccak256(
        encodePacked(["address", "uint16", "bytes", "bytes32", "uint64"], [HOTKEY, 7, packedWeights, SALT, 9n]),
      ),
    );
    assert.equal(weightsHash(packedWeights), keccak256(packedWeights));
  });

  it("rejects a short salt, a non-u16 netuid and a version key outside u64", () => {
    const base: CommitInput = { hotkey: HOTKEY, netuid: 1, packedWeights: "0x", salt: SALT, versionKey: 0n };
    assert.throws(() => commitHash({ ...base, salt: "0x1234" }), /salt 0x1234 must be 32 bytes/);
    assert.throws(() => commitHash({ ...base, netuid: 70000 }), /netuid 70000/);
    assert.throws(() => commitHash({ ...base, versionKey: 1n << 64n }), /versionKey/);
  });
});

describe("normaliseScores (exact max-upscale of floats)", () => {
  it("max becomes 65535, others round(score * 65535 / max) with halves up", () => {
    assert.deepEqual(normaliseScores([1, 0.5, 0.25]), [
      { uid: 0, value: 65535 },
      { uid: 1, value: 32768 }, // 32767.5 -> 32768
      { uid: 2, value: 16384 }, // 16383.75 -> 16384
    ]);
    // Exact ties from integers: 1 * 65535 / 131070 = 0.5 -> 1; 3 * 65535 / 131070 = 1.5 -> 2.
    assert.deepEqual(
      normaliseScores([131070, 1, 3]).map((e) => e.value),
      [65535, 1, 2],
    );
    assert.deepEqual(
      normaliseScores([3, 1]).map((e) => e.value),
      [65535, 21845],
    );
  });

  it("uses the doubles' exact values, not float arithmetic", () => {
    // (x / 0.7) * 65535 evaluates to 2.5 in floats (so Math.round says 3), but the exact value is just below 2.5.
    const x = 0.000026703288319218735;
    assert.equal(Math.round((x / 0.7) * 65535), 3);
    assert.deepEqual(normaliseScores([0.7, x]), [
      { uid: 0, value: 65535 },
      { uid: 1, value: 2 },
    ]);
  });

  it("drops zeros unless asked, accepts maps, handles subnormals and huge values", () => {
    assert.deepEqual(normaliseScores([0, 2, 0]), [{ uid: 1, value: 65535 }]);
    assert.deepEqual(
      normaliseScores([0, 2, 0], { keepZeros: true }).map((e) => e.value),
      [0, 65535, 0],
    );
    assert.deepEqual(normaliseScores([0, 0]), []);
    assert.deepEqual(
      normaliseScores(
        new Map([
          [9, 1],
          [4, 4],
        ]),
      ),
      [
        { uid: 4, value: 65535 },
        { uid: 9, value: 16384 }, // 16383.75
      ],
    );
    assert.deepEqual(
      normaliseScores([Number.MIN_VALUE, 2 * Number.MIN_VALUE]).map((e) => e.value),
      [32768, 65535],
    );
    assert.deepEqual(
      normaliseScores([Number.MAX_VALUE, Number.MAX_VALUE / 4]).map((e) => e.value),
      [65535, 16384],
    );
  });

  it("rejects NaN, infinities, negatives and bad uids", () => {
    assert.throws(() => normaliseScores([1, Number.NaN]), /score NaN of uid 1/);
    assert.throws(() => normaliseScores([Number.POSITIVE_INFINITY]), /score Infinity of uid 0/);
    assert.throws(() => normaliseScores([1, -0.5]), /score -0.5 of uid 1/);
    assert.throws(() => normaliseScores(new Map([[70000, 1]])), /uid 70000/);
  });

  it("always yields a vector the contract accepts (max 65535)", () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let t = 0; t < 200; t++) {
      const scores = Array.from({ length: 1 + (t % 50) }, () => rand() * 10 ** ((t % 7) - 3));
      const out = normaliseScores(scores, { keepZeros: true });
      assert.ok(isMaxUpscaled(out.map((e) => e.value)));
      assert.equal(Math.max(...out.map((e) => e.value)), 65535);
      // Within half a unit of the float estimate, everywhere.
      const max = Math.max(...scores);
      out.forEach((e, i) => assert.ok(Math.abs(e.value - (scores[i]! / max) * 65535) <= 0.5 + 1e-6));
    }
  });
});

describe("maxUpscaleU16 (subtensor's vec_u16_max_upscale_to_u16)", () => {
  it("matches subtensor's own test vectors", () => {
    const cases: Array<[number[], number[]]> = [
      [[], []],
      [[0], [0]],
      [
        [0, 0],
        [0, 0],
      ],
      [[1], [65535]],
      [
        [0, 1],
        [0, 65535],
      ],
      [[65534], [65535]],
      [[65535], [65535]],
      [
        [65535, 65535],
        [65535, 65535],
      ],
      [
        [0, 1, 65534],
        [0, 1, 65535],
      ],
      [
        [0, 1, 2, 3, 4, 65533, 65535],
        [0, 1, 2, 3, 4, 65533, 65535],
      ],
    ];
    for (const [input, expected] of cases) assert.deepEqual(maxUpscaleU16(input), expected, `${input}`);
  });

  it("is the identity on max-upscaled vectors and lands on one otherwise", () => {
    assert.deepEqual(maxUpscaleU16([1, 2]), [32768, 65535]); // 32767.5 rounds away from zero
    assert.deepEqual(maxUpscaleU16([32768, 1]), [65535, 2]); // (1 * 65535) / 32768 = 1.99997
    assert.deepEqual(maxUpscaleU16([40000, 1]), [65535, 2]); // 1 * (65535 / 40000) = 1.638
    for (let max = 1; max <= 65535; max += 997) {
      const v = [0, 1, Math.floor(max / 3), max];
      const up = maxUpscaleU16(v);
      assert.equal(Math.max(...up), 65535);
      assert.deepEqual(maxUpscaleU16(up), up);
    }
    assert.throws(() => maxUpscaleU16([1, 65536]), /value 65536 at index 1/);
  });
});

describe("summarisePacked", () => {
  it("reports what the contract's scan reports", () => {
    const s = summarisePacked(
      packWeights([
        { uid: 2, value: 65535 },
        { uid: 9, value: 3 },
      ]),
    );
    assert.deepEqual(s, {
      entries: 2,
      firstUid: 2,
      lastUid: 9,
      ascending: true,
      hasU16Max: true,
      anyNonZero: true,
      sum: 65538n,
    });
    assert.equal(summarisePacked("0x0002000000020000").ascending, false);
    assert.throws(() => summarisePacked("0x00"), /multiple of 4/);
  });
});
