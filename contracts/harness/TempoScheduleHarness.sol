// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TempoSchedule} from "../libraries/TempoSchedule.sol";

/// @notice One tempo schedule (creation slot `base`, default tempo `baseTempo`) for the differential tests of its
/// lookups: `TempoSchedule`'s (newest anchor, the one before, then bisection) against the linear scan from the
/// newest anchor that they replaced (the reference, below).
contract TempoScheduleHarness {
    using TempoSchedule for TempoSchedule.Schedule;

    TempoSchedule.Schedule private _schedule;
    uint64 public immutable base;
    uint16 public immutable baseTempo;

    constructor(uint64 base_, uint16 baseTempo_) {
        base = base_;
        baseTempo = baseTempo_;
    }

    function setTempo(uint64 nowSlot, uint16 tempo) external returns (uint64 fromEpoch, uint64 fromSlot) {
        return _schedule.setTempo(base, baseTempo, nowSlot, tempo);
    }

    function count() external view returns (uint64) {
        return _schedule.count;
    }

    /// @notice Explicit anchor `i` (1..count) as stored.
    function anchor(uint256 i) external view returns (TempoSchedule.Anchor memory) {
        return _unpack(_schedule.anchors[i]);
    }

    function anchorAtSlot(uint64 slot) external view returns (TempoSchedule.Anchor memory) {
        return _schedule.anchorAtSlot(base, baseTempo, slot);
    }

    function anchorAtEpoch(uint64 epoch) external view returns (TempoSchedule.Anchor memory) {
        return _schedule.anchorAtEpoch(base, baseTempo, epoch);
    }

    function epochAt(uint64 slot) external view returns (uint64 epoch, uint64 start, uint64 close) {
        return _schedule.epochAt(base, baseTempo, slot);
    }

    function epochBounds(uint64 epoch) external view returns (uint64 start, uint64 close) {
        return _schedule.epochBounds(base, baseTempo, epoch);
    }

    function epochNow(uint64 nowSlot) external view returns (uint64 epoch, uint64 start, uint64 close) {
        return _schedule.epochNow(base, baseTempo, nowSlot);
    }

    function tempoAt(uint64 slot) external view returns (uint16) {
        return _schedule.tempoAt(base, baseTempo, slot);
    }

    function tempoNow(uint64 nowSlot) external view returns (uint16) {
        return _schedule.tempoNow(base, baseTempo, nowSlot);
    }

    // --- reference: the linear scans, newest anchor first ---

    function linearAnchorAtSlot(uint64 slot) external view returns (TempoSchedule.Anchor memory) {
        for (uint256 i = _schedule.count; i != 0; --i) {
            TempoSchedule.Anchor memory a = _unpack(_schedule.anchors[i]);
            if (a.slot <= slot) return a;
        }
        return TempoSchedule.Anchor(base, 0, baseTempo);
    }

    function linearAnchorAtEpoch(uint64 epoch) external view returns (TempoSchedule.Anchor memory) {
        for (uint256 i = _schedule.count; i != 0; --i) {
            TempoSchedule.Anchor memory a = _unpack(_schedule.anchors[i]);
            if (a.epoch <= epoch) return a;
        }
        return TempoSchedule.Anchor(base, 0, baseTempo);
    }

    /// @dev The packed layout: slot (64) | epoch (64) << 64 | tempo (16) << 128.
    function _unpack(uint256 a) private pure returns (TempoSchedule.Anchor memory) {
        return TempoSchedule.Anchor(uint64(a), uint64(a >> 64), uint16(a >> 128));
    }
}
