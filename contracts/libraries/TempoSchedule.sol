// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title TempoSchedule
/// @notice A subnet's epoch numbering under tempo changes. The schedule is a list of anchors
/// `(slot, epoch, tempo)`: from `slot` on, epoch `epoch + k` covers `[slot + k*tempo, slot + (k+1)*tempo)`.
/// Anchor 0 is implicit: (the subnet's creation slot, epoch 0, the default tempo). A tempo change at slot `now`
/// appends an anchor at the close of the current epoch, so every past and current epoch keeps its bounds and
/// numbering stays monotonic in slots; a second change before that boundary replaces the pending anchor.
/// Hence anchor slots and epochs strictly increase with the index, only the newest anchor can start after the
/// current slot, and a lookup reads the newest anchor, then the one before it, then bisects: the present costs
/// one or two anchor reads and any past slot or epoch O(log changes).
/// Anchors are stored packed: `slot` (64) | `epoch` (64) << 64 | `tempo` (16) << 128.
library TempoSchedule {
    struct Schedule {
        uint64 count; // explicit anchors, at keys 1..count
        mapping(uint256 => uint256) anchors;
    }

    struct Anchor {
        uint64 slot;
        uint64 epoch;
        uint16 tempo;
    }

    /// @dev Bit offsets of an anchor's slot and epoch in its packed word (the lookup keys).
    uint256 private constant SLOT_SHIFT = 0;
    uint256 private constant EPOCH_SHIFT = 64;

    function _unpack(uint256 a) private pure returns (Anchor memory) {
        return Anchor(uint64(a), uint64(a >> 64), uint16(a >> 128));
    }

    function _pack(Anchor memory a) private pure returns (uint256) {
        return uint256(a.slot) | (uint256(a.epoch) << 64) | (uint256(a.tempo) << 128);
    }

    /// @dev Anchor 0, packed.
    function _implicit(uint64 base, uint16 baseTempo) private pure returns (uint256) {
        return uint256(base) | (uint256(baseTempo) << 128);
    }

    // --- lookups (packed anchors on the stack; the struct forms are for tests and views) ---

    /// @notice The anchor in effect at `slot` (the last one whose slot is <= `slot`).
    function anchorAtSlot(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 slot
    ) internal view returns (Anchor memory) {
        return _unpack(_atSlot(s, base, baseTempo, slot));
    }

    /// @notice The anchor in effect for epoch `epoch` (the last one whose epoch is <= `epoch`).
    function anchorAtEpoch(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 epoch
    ) internal view returns (Anchor memory) {
        return _unpack(_atEpoch(s, base, baseTempo, epoch));
    }

    /// @notice The tempo in effect at `slot`.
    function tempoAt(Schedule storage s, uint64 base, uint16 baseTempo, uint64 slot) internal view returns (uint16) {
        return uint16(_atSlot(s, base, baseTempo, slot) >> 128);
    }

    /// @notice The tempo in effect at `nowSlot`, which must not be before the current slot (see {epochNow}).
    function tempoNow(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 nowSlot
    ) internal view returns (uint16) {
        return uint16(_now(s, base, baseTempo, nowSlot) >> 128);
    }

    /// @dev {anchorAtSlot}, packed.
    function _atSlot(Schedule storage s, uint64 base, uint16 baseTempo, uint64 slot) private view returns (uint256 a) {
        uint256 n = s.count;
        if (n == 0) return _implicit(base, baseTempo);
        a = s.anchors[n]; // the newest: nearly every lookup is for the present
        if (uint64(a) > slot) a = _older(s, n - 1, SLOT_SHIFT, slot, _implicit(base, baseTempo));
    }

    /// @dev {anchorAtEpoch}, packed.
    function _atEpoch(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 epoch
    ) private view returns (uint256 a) {
        uint256 n = s.count;
        if (n == 0) return _implicit(base, baseTempo);
        a = s.anchors[n];
        if (uint64(a >> EPOCH_SHIFT) > epoch) a = _older(s, n - 1, EPOCH_SHIFT, epoch, _implicit(base, baseTempo));
    }

    /// @dev The anchor in effect at `nowSlot` >= the current slot, packed: the newest anchor, or the one before
    /// it while the newest is pending (only the newest can start after the current slot). No search.
    function _now(Schedule storage s, uint64 base, uint16 baseTempo, uint64 nowSlot) private view returns (uint256 a) {
        uint256 n = s.count;
        if (n == 0) return _implicit(base, baseTempo);
        a = s.anchors[n];
        if (uint64(a) > nowSlot) {
            unchecked {
                a = n == 1 ? _implicit(base, baseTempo) : s.anchors[n - 1]; // n >= 2 in the second case
            }
        }
    }

    /// @dev The last of anchors `1..hi` whose key (`uint64(anchor >> shift)`: its slot or its epoch) is <= `key`,
    /// packed; `implicit` (anchor 0) if none is. Keys strictly increase with the index. Anchor `hi` is read first
    /// (the present while a change is pending: one read), then the rest is bisected: at most 1 + ceil(log2(hi))
    /// reads.
    function _older(
        Schedule storage s,
        uint256 hi,
        uint256 shift,
        uint64 key,
        uint256 implicit
    ) private view returns (uint256 anchor) {
        anchor = implicit;
        if (hi == 0) return anchor;
        uint256 a = s.anchors[hi];
        if (uint64(a >> shift) <= key) return a;
        // Invariant: the keys of anchors lo - 1 (anchor 0 when lo = 1) and below are <= `key`, those of anchors
        // hi and above are > `key`; `anchor` is anchor lo - 1.
        uint256 lo = 1;
        while (lo < hi) {
            uint256 mid;
            unchecked {
                mid = (lo + hi) >> 1; // lo < hi <= count < 2^64: no overflow
            }
            a = s.anchors[mid];
            if (uint64(a >> shift) > key) {
                hi = mid;
            } else {
                anchor = a;
                unchecked {
                    lo = mid + 1; // mid < hi < 2^64
                }
            }
        }
    }

    /// @notice The last anchor (possibly pending: its slot may be in the future).
    function latest(Schedule storage s, uint64 base, uint16 baseTempo) internal view returns (Anchor memory) {
        if (s.count == 0) return Anchor(base, 0, baseTempo);
        return _unpack(s.anchors[s.count]);
    }

    /// @notice Epoch containing `slot` (>= base) and its bounds.
    function epochAt(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 slot
    ) internal view returns (uint64 epoch, uint64 start, uint64 close) {
        return _epochIn(_atSlot(s, base, baseTempo, slot), slot);
    }

    /// @notice {epochAt} for `nowSlot`, which must not be before the current slot: reads the newest anchor and,
    /// while a change is pending, the one before it, without searching.
    function epochNow(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 nowSlot
    ) internal view returns (uint64 epoch, uint64 start, uint64 close) {
        return _epochIn(_now(s, base, baseTempo, nowSlot), nowSlot);
    }

    /// @dev The epoch of packed anchor `a` that contains `slot` (>= the anchor's slot), and its bounds.
    function _epochIn(uint256 a, uint64 slot) private pure returns (uint64 epoch, uint64 start, uint64 close) {
        uint64 tempo = uint16(a >> 128);
        uint64 k = (slot - uint64(a)) / tempo; // the anchor's slot <= slot; tempo >= 1
        epoch = uint64(a >> 64) + k;
        start = uint64(a) + k * tempo;
        close = start + tempo;
    }

    /// @notice Bounds of epoch `epoch`.
    function epochBounds(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 epoch
    ) internal view returns (uint64 start, uint64 close) {
        uint256 a = _atEpoch(s, base, baseTempo, epoch);
        uint64 tempo = uint16(a >> 128);
        start = uint64(a) + (epoch - uint64(a >> 64)) * tempo;
        close = start + tempo;
    }

    /// @notice Schedules `tempo` from the next epoch boundary after `nowSlot`; returns that epoch and its slot.
    function setTempo(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 nowSlot,
        uint16 tempo
    ) internal returns (uint64 fromEpoch, uint64 fromSlot) {
        Anchor memory last = latest(s, base, baseTempo);
        if (last.slot > nowSlot) {
            // A change is pending at the current epoch's close: replace its tempo, keep its boundary.
            last.tempo = tempo;
            s.anchors[s.count] = _pack(last);
            return (last.epoch, last.slot);
        }
        uint64 k = (nowSlot - last.slot) / last.tempo;
        fromEpoch = last.epoch + k + 1;
        fromSlot = last.slot + (k + 1) * last.tempo;
        uint64 n = s.count + 1;
        s.count = n;
        s.anchors[n] = _pack(Anchor(fromSlot, fromEpoch, tempo));
    }
}
