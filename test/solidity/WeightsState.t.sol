// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {WeightsState} from "../../contracts/libraries/WeightsState.sol";

/// @notice The packed state word's queue against a plain array model, through the same commit/reveal steps the
/// contract takes (drop expired, push; or pop a prefix), with epochs that jump far enough to force rebases.
contract WeightsStateTest is TestBase {
    using WeightsState for uint256;

    uint64[] internal model;

    function _check(uint256 w, uint64 lastUpdate, uint64 wSlot, uint16 wUid) internal view {
        assertEq(w.len(), model.length, "len");
        for (uint256 i; i < model.length; ++i) assertEq(w.epochOf(i), model[i], "epoch");
        (uint64 lu, bool updated) = w.lastUpdate();
        assertTrue(updated && lu == lastUpdate, "lastUpdate untouched");
        assertTrue(w.weightsSlot() == wSlot && w.weightsUid() == wUid, "weights fields untouched");
        assertTrue(w >> 240 == 0, "top bits clear");
    }

    function _dropFront(uint256 n) internal {
        for (uint256 i; i + n < model.length; ++i) model[i] = model[i + n];
        for (uint256 i; i < n; ++i) model.pop();
    }

    function testFuzz_queueMatchesModel(uint256 seed) public {
        uint64 lastUpdate = uint64(seed % (1 << 40));
        uint64 wSlot = uint64((seed >> 40) % (1 << 40));
        uint16 wUid = uint16(seed >> 80);
        uint256 w = uint256(0).withLastUpdate(lastUpdate).withWeights(wSlot, wUid);
        uint64 epoch = uint64((seed >> 96) % 1000);
        for (uint256 step; step < 60; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint8 period = uint8(bound(r >> 8, 1, 255));
            if (r % 3 != 0) {
                // A commit in `epoch`: epochs move on by 0..300 (often 0-2) between steps.
                epoch += uint64((r >> 16) % 4 == 0 ? (r >> 24) % 301 : (r >> 24) % 3);
                uint256 expired = w.expiredCount(epoch, period);
                for (uint256 i; i < expired; ++i) assertTrue(epoch > uint256(model[i]) + period, "expired");
                if (expired < model.length) assertTrue(epoch <= uint256(model[expired]) + period, "live");
                w = w.pop(expired);
                _dropFront(expired);
                if (model.length < WeightsState.MAX_PENDING) {
                    uint256 ring;
                    (w, ring) = w.push(epoch);
                    model.push(epoch);
                    assertEq(ring, w.ringIndex(model.length - 1), "ring index of the new entry");
                }
            } else if (model.length > 0) {
                // A reveal popping the first k pending commits.
                uint256 k = bound(r >> 32, 1, model.length);
                w = w.pop(k);
                _dropFront(k);
                if (model.length == 0) assertEq(w.head(), 0, "an emptied queue restarts at ring slot 0");
            }
            _check(w, lastUpdate, wSlot, wUid);
        }
    }

    function test_ringIndicesAreDistinct() public pure {
        uint256 w;
        for (uint256 i; i < 7; ++i) (w, ) = w.push(uint64(i));
        w = w.pop(5); // head at 5, 2 pending
        for (uint256 i; i < 8; ++i) (w, ) = w.push(uint64(10));
        uint256 seen;
        for (uint256 i; i < w.len(); ++i) {
            uint256 r = w.ringIndex(i);
            assertTrue(seen & (1 << r) == 0, "distinct");
            seen |= 1 << r;
        }
        assertEq(w.len(), 10, "full");
        assertEq(w.ringIndex(0), 5, "wrapped head");
    }

    function test_rebaseKeepsEpochs() public pure {
        uint256 w;
        (w, ) = w.push(1000); // base 1000
        (w, ) = w.push(1100);
        (w, ) = w.push(1200);
        w = w.pop(1); // head epoch 1100, base still 1000
        (w, ) = w.push(1300); // offset 300 > 255: rebase to 1100
        assertEq(w.len(), 3, "three pending");
        assertEq(w.epochOf(0), 1100, "head");
        assertEq(w.epochOf(1), 1200, "middle");
        assertEq(w.epochOf(2), 1300, "new");
        assertEq(w.newestEpoch(), 1300, "newest");
    }

    function test_lastUpdateInSlotZeroIsRecorded() public pure {
        (uint64 s, bool updated) = uint256(0).lastUpdate();
        assertTrue(!updated && s == 0, "never updated");
        (s, updated) = uint256(0).withLastUpdate(0).lastUpdate();
        assertTrue(updated && s == 0, "updated in slot 0");
    }
}
