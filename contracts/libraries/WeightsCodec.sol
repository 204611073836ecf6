// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title WeightsCodec
/// @notice The packed weight vector (IWeights): 4-byte entries `uid (u16 BE) ‖ value (u16 BE)`, strictly ascending by
/// uid. `scan` checks and summarises a vector in one pass over 32-byte calldata words, eight entries at a time
/// (SWAR: SIMD within a register), so a 256-entry vector costs 32 loop iterations; `findOrderViolation` and
/// `rowMax` are the slow scalar paths, used only to build an error.
library WeightsCodec {
    /// @notice Bytes per entry.
    uint256 internal constant ENTRY_BYTES = 4;
    /// @notice Most entries in one vector (one per possible uid).
    uint256 internal constant MAX_ENTRIES = 256;
    /// @notice The value a max-upscaled row's maximum takes.
    uint16 internal constant U16_MAX = type(uint16).max;

    // Lane constants: a 32-byte word holds eight 32-bit lanes; lane j is bits [32j, 32j+32) and holds entry 7-j.
    /// @dev The low 16 bits of each lane.
    uint256 private constant LO16 = 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff;
    /// @dev Bit 16 of each lane: the guard bit that reads "no borrow" / "carry".
    uint256 private constant GUARD = 0x0001000000010000000100000001000000010000000100000001000000010000;
    /// @dev 1 in each lane.
    uint256 private constant ONES = 0x0000000100000001000000010000000100000001000000010000000100000001;
    /// @dev 1 in each lane but the top one (entry 0 of the word compares against the previous word instead).
    uint256 private constant ONES_LOW7 = 0x0000000000000001000000010000000100000001000000010000000100000001;

    /// @notice What `scan` learnt about a vector.
    struct Summary {
        uint256 entries; // number of 4-byte entries
        uint16 firstUid; // uid of entry 0 (0 if empty)
        uint16 lastUid; // uid of the last entry (0 if empty); the largest uid when `ascending`
        bool ascending; // every uid is strictly above the previous one
        bool hasU16Max; // some value is 65535
        bool anyNonZero; // some value is not 0
        uint256 sum; // sum of the values (< 256 * 65536)
    }

    /// @notice One pass over `packed`, whose length the caller has checked is a multiple of 4 and at most
    /// `MAX_ENTRIES * 4` bytes.
    /// @dev Per word `w`: `u` = uids and `v` = values in the low half of each lane; `p` = each entry's predecessor
    /// uid plus one, aligned on its lane (entry 0 of a word takes the previous word's last uid plus one; the
    /// vector's first entry has no predecessor, so 0). In each lane `(u | 2^16) - p` is in [0, 2^17): no borrow
    /// crosses lanes, and bit 16 is set iff `u >= p`, i.e. `u > predecessor`; AND-ing those over words keeps every
    /// guard bit set iff the whole vector ascends. `v + 1` carries into bit 16 iff
    /// `v == 65535`, and never past it, so OR-ing it over words and masking with GUARD at the end finds a 65535.
    /// Lane sums cannot overflow: at most 32 words of at most 65535 each stay below 2^21 per lane. A last, partial
    /// word has its bytes past the end masked to zero and only its real lanes checked.
    function scan(bytes calldata packed) internal pure returns (Summary memory s) {
        uint256 ok = type(uint256).max; // AND of every lane's `(u | 2^16) - p`: bit 16 stays set iff ascending
        uint256 maxAcc;
        uint256 sumAcc;
        uint256 last;
        assembly ("memory-safe") {
            let ptr := packed.offset
            let end := add(ptr, packed.length)
            let endFull := add(ptr, and(packed.length, not(31)))
            let prev := 0 // predecessor uid + 1, shifted to the top lane
            for {} lt(ptr, endFull) {
                ptr := add(ptr, 32)
            } {
                let w := calldataload(ptr)
                let u := and(shr(16, w), LO16)
                let v := and(w, LO16)
                ok := and(ok, sub(or(u, GUARD), add(add(shr(32, u), ONES_LOW7), prev)))
                maxAcc := or(maxAcc, add(v, ONES))
                sumAcc := add(sumAcc, v)
                prev := shl(224, add(and(u, 0xffff), 1))
            }
            let rem := sub(end, ptr)
            if rem {
                // Bits past the end of the vector in this word: 8 * (32 - rem).
                let tail := shl(3, sub(32, rem))
                let lanes := shl(tail, not(0))
                let w := and(calldataload(ptr), lanes)
                let u := and(shr(16, w), LO16)
                let v := and(w, LO16)
                // Lanes past the end count as ascending: all their bits are set before the AND.
                ok := and(ok, or(sub(or(u, GUARD), add(add(shr(32, u), ONES_LOW7), prev)), not(lanes)))
                maxAcc := or(maxAcc, add(v, ONES)) // masked lanes: v + 1 = 1, no carry
                sumAcc := add(sumAcc, v)
                prev := shl(224, add(and(shr(tail, u), 0xffff), 1))
            }
            if prev {
                last := sub(shr(224, prev), 1)
            }
        }
        sumAcc = _foldLanes(sumAcc);
        s.entries = packed.length / ENTRY_BYTES;
        s.firstUid = _firstUid(packed);
        s.lastUid = uint16(last);
        s.ascending = ok & GUARD == GUARD;
        s.hasU16Max = maxAcc & GUARD != 0;
        s.anyNonZero = sumAcc != 0;
        s.sum = sumAcc;
    }

    /// @dev The uid of entry 0 (0 for an empty vector).
    function _firstUid(bytes calldata packed) private pure returns (uint16 uid) {
        assembly ("memory-safe") {
            uid := mul(iszero(iszero(packed.length)), shr(240, calldataload(packed.offset)))
        }
    }

    /// @dev Adds the eight 32-bit lanes of `x`: 8 -> 4 -> 2 -> 1 lanes; every partial sum stays below 2^24.
    function _foldLanes(uint256 x) private pure returns (uint256) {
        unchecked {
            // Each partial sum < 2^24 (see above): no overflow.
            x = (x >> 128) + (x & type(uint128).max);
            x = (x >> 64) + (x & type(uint64).max);
            return (x >> 32) + (x & type(uint32).max);
        }
    }

    /// @notice Entry `i` of `packed` (no bounds check beyond calldata's own).
    function entryAt(bytes calldata packed, uint256 i) internal pure returns (uint16 uid, uint16 value) {
        uint256 word;
        assembly ("memory-safe") {
            word := shr(224, calldataload(add(packed.offset, mul(i, 4))))
        }
        uid = uint16(word >> 16);
        value = uint16(word);
    }

    /// @notice The first entry whose uid is not above its predecessor's: its index, its uid and the previous uid.
    /// Slow path for errors; returns `found = false` for an ascending vector.
    function findOrderViolation(
        bytes calldata packed
    ) internal pure returns (bool found, uint256 index, uint16 uid, uint16 previousUid) {
        uint256 n = packed.length / ENTRY_BYTES;
        if (n < 2) return (false, 0, 0, 0);
        (previousUid, ) = entryAt(packed, 0);
        for (index = 1; index < n; ++index) {
            (uid, ) = entryAt(packed, index);
            if (uid <= previousUid) return (true, index, uid, previousUid);
            previousUid = uid;
        }
        return (false, 0, 0, 0);
    }

    /// @notice The largest value of `packed`. Slow path for errors.
    function rowMax(bytes calldata packed) internal pure returns (uint16 max) {
        uint256 n = packed.length / ENTRY_BYTES;
        for (uint256 i; i < n; ++i) {
            (, uint16 value) = entryAt(packed, i);
            if (value > max) max = value;
        }
    }

    /// @notice `keccak256(packed)`: the weights hash stored per validator and emitted in `WeightsSet`.
    function weightsHash(bytes calldata packed) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, packed.offset, packed.length)
            h := keccak256(ptr, packed.length)
        }
    }

    /// @notice The commit hash: `keccak256(abi.encodePacked(hotkey, netuid, packed, salt, versionKey))`.
    function commitHash(
        address hotkey,
        uint16 netuid,
        bytes calldata packed,
        bytes32 salt,
        uint64 versionKey
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hotkey, netuid, packed, salt, versionKey));
    }

    /// @notice The largest share `65535 / sum` of a max-upscaled row as I32F32 bits, as subtensor's
    /// `check_vec_max_limited` computes it (I32F32 division truncates), and the limit `maxWeightLimit / 65535`
    /// the same way. `sum` must be non-zero.
    function maxShareQ32(uint256 sum, uint16 maxWeightLimit) internal pure returns (uint64 share, uint64 limit) {
        share = uint64((uint256(U16_MAX) << 32) / sum);
        limit = uint64((uint256(maxWeightLimit) << 32) / U16_MAX);
    }
}
