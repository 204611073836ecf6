// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {TempoScheduleHarness} from "../../contracts/harness/TempoScheduleHarness.sol";
import {TempoSchedule} from "../../contracts/libraries/TempoSchedule.sol";

/// @notice The tempo schedule's lookups (newest anchor, the one before it, then bisection) against the linear
/// scan they replaced, on random schedules built by `setTempo`; and what they cost on a long schedule.
contract TempoScheduleTest is TestBase {
    uint64 internal constant BASE = 1_000;
    uint16 internal constant BASE_TEMPO = 360;

    TempoScheduleHarness internal h;

    function setUp() public {
        h = new TempoScheduleHarness(BASE, BASE_TEMPO);
    }

    /// @dev Random schedules: up to 64 changes, each 0..3 epochs after the previous one (so about a third replace
    /// a pending anchor and others skip epochs), tempos 1..40 and now and then up to 50,400. Around every anchor,
    /// at random slots and epochs and at the extremes, every lookup equals the linear scan's answer; for slots
    /// from the last change on ("now"), so do the no-search `epochNow` and `tempoNow`.
    function testFuzz_lookupsEqualLinearScan(uint256 seed) public {
        uint256 changes = bound(seed, 0, 64);
        uint64 nowSlot = BASE;
        for (uint256 i; i < changes; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            nowSlot += uint64(bound(seed, 0, 3 * uint256(h.tempoAt(nowSlot))));
            uint16 tempo =
                (seed >> 128) % 8 == 0 ? uint16(bound(seed >> 64, 1, 50_400)) : uint16(bound(seed >> 64, 1, 40));
            h.setTempo(nowSlot, tempo);
        }
        uint64 n = h.count();
        TempoSchedule.Anchor memory prev = TempoSchedule.Anchor(BASE, 0, BASE_TEMPO);
        for (uint256 i = 1; i <= n; ++i) {
            TempoSchedule.Anchor memory a = h.anchor(i);
            // What the search relies on: slots and epochs strictly increase (anchor 0 is the implicit one), and
            // only the newest anchor may start after the current slot.
            assertTrue(a.slot > prev.slot && a.epoch > prev.epoch, "anchors increase");
            if (i < n) assertLe(a.slot, nowSlot, "only the newest anchor is pending");
            _checkSlot(a.slot - 1, nowSlot);
            _checkSlot(a.slot, nowSlot);
            _checkSlot(a.slot + 1, nowSlot);
            _checkEpoch(a.epoch - 1);
            _checkEpoch(a.epoch);
            _checkEpoch(a.epoch + 1);
            prev = a;
        }
        uint256 end = uint256(prev.slot) + 4 * uint256(prev.tempo);
        for (uint256 j; j < 32; ++j) {
            seed = uint256(keccak256(abi.encode(seed, "query", j)));
            _checkSlot(uint64(bound(seed, 0, end)), nowSlot);
            _checkSlot(uint64(bound(seed >> 64, nowSlot, end)), nowSlot);
            _checkEpoch(uint64(bound(seed >> 128, 0, uint256(prev.epoch) + 4)));
        }
        _checkSlot(0, nowSlot);
        _checkSlot(BASE, nowSlot);
        _checkSlot(nowSlot, nowSlot);
        _checkEpoch(0);
        _assertSame(h.anchorAtSlot(type(uint64).max), h.linearAnchorAtSlot(type(uint64).max), "last slot");
        _assertSame(h.anchorAtEpoch(type(uint64).max), h.linearAnchorAtEpoch(type(uint64).max), "last epoch");
    }

    /// @dev 1,024 tempo changes: the first epoch and the first slot are found with at most 2 + 10 anchor reads
    /// (under 40k gas even with every slot cold), where the linear scan read all 1,024 (over 200k gas warm); the
    /// present costs the same as on a schedule with a single change.
    function test_lookupsOnALongScheduleAreLogarithmic() public {
        uint64 nowSlot = BASE;
        for (uint256 i; i < 1_024; ++i) {
            (, nowSlot) = h.setTempo(nowSlot, uint16(1 + (i % 7))); // appends at the current epoch's close
        }
        assertEq(h.count(), 1_024, "anchors");
        uint256 g = gasleft();
        h.anchorAtEpoch(0);
        uint256 firstEpoch = g - gasleft();
        g = gasleft();
        h.epochAt(BASE + 1);
        uint256 firstSlot = g - gasleft();
        uint64 midEpoch = h.anchor(512).epoch;
        g = gasleft();
        h.epochBounds(midEpoch + 1);
        uint256 middle = g - gasleft();
        g = gasleft();
        h.linearAnchorAtEpoch(0);
        uint256 linear = g - gasleft();
        assertLe(firstEpoch, 40_000, "first epoch");
        assertLe(firstSlot, 40_000, "first slot");
        assertLe(middle, 40_000, "an epoch in the middle");
        assertTrue(linear > 200_000, "the reference reads every anchor");

        TempoScheduleHarness one = new TempoScheduleHarness(BASE, BASE_TEMPO);
        (, uint64 oneSlot) = one.setTempo(BASE, 3);
        // Warm both (same slots touched), then compare the present's cost.
        TempoScheduleHarness long = h; // on the stack, as `one` is
        long.epochAt(nowSlot);
        one.epochAt(oneSlot);
        g = gasleft();
        long.epochAt(nowSlot);
        uint256 presentLong = g - gasleft();
        g = gasleft();
        one.epochAt(oneSlot);
        uint256 presentShort = g - gasleft();
        assertEq(presentLong, presentShort, "the present does not depend on the number of changes");
    }

    function _checkSlot(uint64 slot, uint64 nowSlot) private view {
        TempoSchedule.Anchor memory want = h.linearAnchorAtSlot(slot);
        _assertSame(h.anchorAtSlot(slot), want, "anchorAtSlot");
        assertEq(h.tempoAt(slot), want.tempo, "tempoAt");
        if (slot < BASE) return; // epochs start at the creation slot
        uint64 k = (slot - want.slot) / want.tempo;
        (uint64 e, uint64 start, uint64 close) = h.epochAt(slot);
        assertEq(e, want.epoch + k, "epochAt: epoch");
        assertEq(start, want.slot + k * want.tempo, "epochAt: start");
        assertEq(close, start + want.tempo, "epochAt: close");
        if (slot < nowSlot) return; // the no-search lookups are for the present on
        (uint64 e2, uint64 start2, uint64 close2) = h.epochNow(slot);
        assertTrue(e2 == e && start2 == start && close2 == close, "epochNow = epochAt");
        assertEq(h.tempoNow(slot), want.tempo, "tempoNow");
    }

    function _checkEpoch(uint64 epoch) private view {
        TempoSchedule.Anchor memory want = h.linearAnchorAtEpoch(epoch);
        _assertSame(h.anchorAtEpoch(epoch), want, "anchorAtEpoch");
        (uint64 start, uint64 close) = h.epochBounds(epoch);
        assertEq(start, want.slot + (epoch - want.epoch) * want.tempo, "epochBounds: start");
        assertEq(close, start + want.tempo, "epochBounds: close");
    }

    function _assertSame(
        TempoSchedule.Anchor memory got,
        TempoSchedule.Anchor memory want,
        string memory what
    ) private pure {
        assertEq(got.slot, want.slot, string.concat(what, ": slot"));
        assertEq(got.epoch, want.epoch, string.concat(what, ": epoch"));
        assertEq(got.tempo, want.tempo, string.concat(what, ": tempo"));
    }
}
