// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title TempoSchedule
/// @notice A subnet's epoch numbering under tempo changes. The schedule is a list of anchors
/// `(slot, epoch, tempo)`: from `slot` on, epoch `epoch + k` covers `[slot + k*tempo, slot + (k+1)*tempo)`.
/// Anchor 0 is implicit: (the subnet's creation slot, epoch 0, the default tempo). A tempo change at slot `now`
/// appends an anchor at the close of the current epoch, so every past and current epoch keeps its bounds and
/// numbering stays monotonic in slots; a second change before that boundary replaces the pending anchor.
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

    function _unpack(uint256 a) private pure returns (Anchor memory) {
        return Anchor(uint64(a), uint64(a >> 64), uint16(a >> 128));
    }

    function _pack(Anchor memory a) private pure returns (uint256) {
        return uint256(a.slot) | (uint256(a.epoch) << 64) | (uint256(a.tempo) << 128);
    }

    /// @notice The anchor in effect at `slot` (the last one whose slot is <= `slot`). Tempo changes are rare, so
    /// the list is searched from its end.
    function anchorAtSlot(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 slot
    ) internal view returns (Anchor memory) {
        for (uint256 i = s.count; i != 0; --i) {
            Anchor memory a = _unpack(s.anchors[i]);
            if (a.slot <= slot) return a;
        }
        return Anchor(base, 0, baseTempo);
    }

    /// @notice The anchor in effect for epoch `epoch`.
    function anchorAtEpoch(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 epoch
    ) internal view returns (Anchor memory) {
        for (uint256 i = s.count; i != 0; --i) {
            Anchor memory a = _unpack(s.anchors[i]);
            if (a.epoch <= epoch) return a;
        }
        return Anchor(base, 0, baseTempo);
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
        Anchor memory a = anchorAtSlot(s, base, baseTempo, slot);
        uint64 k = (slot - a.slot) / a.tempo; // a.slot <= slot; tempo >= 1
        epoch = a.epoch + k;
        start = a.slot + k * a.tempo;
        close = start + a.tempo;
    }

    /// @notice Bounds of epoch `epoch`.
    function epochBounds(
        Schedule storage s,
        uint64 base,
        uint16 baseTempo,
        uint64 epoch
    ) internal view returns (uint64 start, uint64 close) {
        Anchor memory a = anchorAtEpoch(s, base, baseTempo, epoch);
        start = a.slot + (epoch - a.epoch) * a.tempo;
        close = start + a.tempo;
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
