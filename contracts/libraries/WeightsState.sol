// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title WeightsState
/// @notice One validator's packed state word on one subnet: its rate-limit anchor, where and when its current
/// weights were set, and the metadata of its commit queue (a ring of 10 hash slots kept beside the word).
///
/// Layout (bit offsets, low to high):
/// | bits      | field        | meaning                                                                   |
/// |-----------|--------------|---------------------------------------------------------------------------|
/// | 0..39     | lastUpdate   | slot of the last commit (commit-reveal on) or setWeights (off)            |
/// | 40        | updated      | 1 once lastUpdate has been set (slot 0 is a real slot)                    |
/// | 48..87    | weightsSlot  | slot at which the current weights were set                                |
/// | 88..103   | weightsUid   | uid the hotkey held when it set them                                      |
/// | 104..111  | head         | ring index (0..9) of the oldest pending commit                            |
/// | 112..119  | len          | pending commits (0..10)                                                   |
/// | 120..159  | baseEpoch    | epoch the offsets count from                                              |
/// | 160..239  | offsets[10]  | u8 per ring index: that commit's epoch minus baseEpoch                    |
///
/// 40-bit slots and epochs last 2^40 slots (418,000 years of 12 s slots); epochs (at most one per slot) never
/// exceed the slot count. A pending commit's epoch is `baseEpoch + offsets[i]`. Offsets fit a byte because, once
/// expired commits are dropped, every pending commit is at most `revealPeriodEpochs` (a uint8) epochs older than
/// the current epoch; `push` rebases to the oldest pending commit when a new offset would not fit.
library WeightsState {
    /// @notice Ring capacity: subtensor's limit of 10 unrevealed commits per hotkey and subnet.
    uint256 internal constant MAX_PENDING = 10;

    uint256 private constant MASK40 = (1 << 40) - 1;
    uint256 private constant UPDATED_BIT = 1 << 40;
    uint256 private constant SHIFT_WSLOT = 48;
    uint256 private constant SHIFT_WUID = 88;
    uint256 private constant SHIFT_HEAD = 104;
    uint256 private constant SHIFT_LEN = 112;
    uint256 private constant SHIFT_BASE = 120;
    uint256 private constant SHIFT_OFFSETS = 160;
    /// @dev All fields but the queue (head, len, base, offsets).
    uint256 private constant QUEUE_MASK = ((1 << 240) - 1) & ~((1 << SHIFT_HEAD) - 1);

    // ----- rate-limit anchor ---------------------------------------------------------------------------------

    function lastUpdate(uint256 w) internal pure returns (uint64 slot, bool updated) {
        return (uint64(w & MASK40), w & UPDATED_BIT != 0);
    }

    /// @dev `slot` < 2^40 (see layout).
    function withLastUpdate(uint256 w, uint64 slot) internal pure returns (uint256) {
        return (w & ~MASK40) | (uint256(slot) & MASK40) | UPDATED_BIT;
    }

    // ----- current weights -----------------------------------------------------------------------------------

    function weightsSlot(uint256 w) internal pure returns (uint64) {
        return uint64((w >> SHIFT_WSLOT) & MASK40);
    }

    function weightsUid(uint256 w) internal pure returns (uint16) {
        return uint16(w >> SHIFT_WUID);
    }

    /// @dev `slot` < 2^40 (see layout).
    function withWeights(uint256 w, uint64 slot, uint16 uid) internal pure returns (uint256) {
        uint256 cleared = w & ~((MASK40 << SHIFT_WSLOT) | (uint256(0xffff) << SHIFT_WUID));
        return cleared | ((uint256(slot) & MASK40) << SHIFT_WSLOT) | (uint256(uid) << SHIFT_WUID);
    }

    // ----- commit queue --------------------------------------------------------------------------------------

    function head(uint256 w) internal pure returns (uint256) {
        return (w >> SHIFT_HEAD) & 0xff;
    }

    function len(uint256 w) internal pure returns (uint256) {
        return (w >> SHIFT_LEN) & 0xff;
    }

    /// @notice Ring index of the `i`-th pending commit (0 = oldest); `i < MAX_PENDING`.
    function ringIndex(uint256 w, uint256 i) internal pure returns (uint256) {
        unchecked {
            // head <= 9 and i <= 9: no overflow.
            return (head(w) + i) % MAX_PENDING;
        }
    }

    /// @notice Epoch of the commit stored at ring index `r`.
    function epochAtRing(uint256 w, uint256 r) internal pure returns (uint64) {
        unchecked {
            // 40-bit base + 8-bit offset < 2^64.
            return uint64(((w >> SHIFT_BASE) & MASK40) + ((w >> (SHIFT_OFFSETS + 8 * r)) & 0xff));
        }
    }

    /// @notice Epoch of the `i`-th pending commit (0 = oldest).
    function epochOf(uint256 w, uint256 i) internal pure returns (uint64) {
        return epochAtRing(w, ringIndex(w, i));
    }

    /// @notice Drops the `n <= len` oldest pending commits. An emptied queue restarts at ring index 0, so a
    /// validator that reveals everything it commits keeps rewriting the same (already non-zero) hash slots.
    function pop(uint256 w, uint256 n) internal pure returns (uint256) {
        uint256 count = len(w);
        unchecked {
            // Caller guarantees n <= count.
            count -= n;
        }
        uint256 h = count == 0 ? 0 : (head(w) + n) % MAX_PENDING;
        return (w & ~((uint256(0xffff)) << SHIFT_HEAD)) | (h << SHIFT_HEAD) | (count << SHIFT_LEN);
    }

    /// @notice Number of oldest pending commits expired at `currentEpoch`: those with
    /// `currentEpoch > commitEpoch + revealPeriod`. Commits are in epoch order, so the expired ones are a prefix.
    function expiredCount(uint256 w, uint64 currentEpoch, uint8 revealPeriod) internal pure returns (uint256 n) {
        uint256 count = len(w);
        while (n < count && currentEpoch > uint256(epochOf(w, n)) + revealPeriod) {
            unchecked {
                ++n; // n < count <= 10
            }
        }
    }

    /// @notice Appends a commit of `epoch`; returns the new word and the ring index to store its hash at.
    /// The caller has dropped expired commits (so every pending one is within `revealPeriod` <= 255 epochs of
    /// `epoch`) and checked `len < MAX_PENDING`. Reverts through the caller's check if `epoch` is below the
    /// newest pending commit's epoch (see `newestEpoch`).
    function push(uint256 w, uint64 epoch) internal pure returns (uint256, uint256 r) {
        uint256 count = len(w);
        uint256 base = (w >> SHIFT_BASE) & MASK40;
        if (count == 0) {
            // Fresh queue: base = this epoch, head = 0; clear the stale offsets.
            w = (w & ~QUEUE_MASK) | (uint256(1) << SHIFT_LEN) | ((uint256(epoch) & MASK40) << SHIFT_BASE);
            return (w, 0);
        }
        uint256 offset = uint256(epoch) - base; // epoch >= newest >= base (caller checked): no underflow
        if (offset > 0xff) {
            // Rebase to the oldest pending commit: subtract its offset from every pending offset.
            uint256 shift = (w >> (SHIFT_OFFSETS + 8 * head(w))) & 0xff;
            uint256 offsets = (w >> SHIFT_OFFSETS) & ((1 << 80) - 1);
            uint256 rebased;
            for (uint256 i; i < count; ++i) {
                uint256 ri = ringIndex(w, i);
                // Pending commits are in epoch order, so each offset >= the oldest one's: no underflow.
                rebased |= (((offsets >> (8 * ri)) & 0xff) - shift) << (8 * ri);
            }
            base += shift;
            offset -= shift; // <= revealPeriod <= 255 (caller dropped expired commits)
            w =
                (w & ~((MASK40 << SHIFT_BASE) | (((1 << 80) - 1) << SHIFT_OFFSETS))) |
                (base << SHIFT_BASE) |
                (rebased << SHIFT_OFFSETS);
        }
        r = ringIndex(w, count);
        uint256 bit = SHIFT_OFFSETS + 8 * r;
        w = (w & ~(uint256(0xff) << bit)) | (offset << bit);
        w = (w & ~(uint256(0xff) << SHIFT_LEN)) | ((count + 1) << SHIFT_LEN);
        return (w, r);
    }

    /// @notice Epoch of the newest pending commit; only meaningful when `len > 0`.
    function newestEpoch(uint256 w) internal pure returns (uint64) {
        return epochOf(w, len(w) - 1);
    }
}
