// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {WeightsFixture} from "./WeightsFixture.t.sol";
import {IWeights} from "../../contracts/interfaces/IWeights.sol";

/// @notice The vector checks, through setWeights on the commit-reveal-off subnet (reveal runs the same checks).
contract WeightsSetWeightsTest is WeightsFixture {
    function test_setWeightsStoresHashAndAnchors() public {
        bytes memory v = _vector();
        uint64 s = _slot();
        _set(A, v);
        (bytes32 wh, uint16 uid, uint64 slot) = weights.weightsOf(DIRECT, A);
        assertTrue(wh == keccak256(v) && uid == UID_A && slot == s, "weightsOf");
        (uint64 last, bool updated) = weights.lastUpdateOf(DIRECT, A);
        assertTrue(updated && last == s, "rate-limit anchor");
    }

    function test_setWeightsRejectedWithCommitRevealOn() public {
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitRevealEnabled.selector, CR));
        weights.setWeights(CR, _vector(), 0);
    }

    function test_setWeightsNotRegistered() public {
        _expectSetRevert(
            address(0xBEEF),
            _vector(),
            abi.encodeWithSelector(IWeights.NotRegistered.selector, DIRECT, address(0xBEEF))
        );
    }

    function test_rateLimit() public {
        uint64 s = _slot();
        _set(A, _vector());
        _warpSlots(RATE_LIMIT - 1);
        _expectSetRevert(A, _vector(), abi.encodeWithSelector(IWeights.RateLimited.selector, s + RATE_LIMIT));
        _warpSlots(1);
        _set(A, _one(7, 65535));
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(_one(7, 65535)), "allowed at the limit");
    }

    function test_rateLimitFromSlotZero() public {
        // A first update in slot 0 still anchors the rate limit (the word keeps an "updated" flag).
        vm.warp(genesis);
        registry.setWeightRules(DIRECT, 1, type(uint16).max, 10, 0);
        _set(A, _vector());
        _expectSetRevert(A, _vector(), abi.encodeWithSelector(IWeights.RateLimited.selector, uint64(10)));
    }

    function test_versionKey() public {
        registry.setWeightRules(DIRECT, 1, type(uint16).max, uint16(RATE_LIMIT), 3);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.VersionKeyTooLow.selector, uint64(2), uint64(3)));
        weights.setWeights(DIRECT, _vector(), 2);
        vm.prank(A);
        weights.setWeights(DIRECT, _vector(), 3);
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(_vector()), "version >= key accepted");
    }

    function test_lengthNotMultipleOf4() public {
        _expectSetRevert(A, hex"0001ffff00", abi.encodeWithSelector(IWeights.PackedLengthNotMultipleOf4.selector, 5));
    }

    function test_tooManyEntries() public {
        bytes memory big = new bytes(257 * 4);
        _expectSetRevert(A, big, abi.encodeWithSelector(IWeights.TooManyEntries.selector, 257, 256));
    }

    function test_duplicateUid() public {
        bytes memory v = abi.encodePacked(uint16(1), uint16(65535), uint16(4), uint16(5), uint16(4), uint16(6));
        _expectSetRevert(A, v, abi.encodeWithSelector(IWeights.DuplicateUid.selector, 2, uint16(4)));
    }

    function test_uidsNotAscending() public {
        bytes memory v = abi.encodePacked(uint16(1), uint16(65535), uint16(6), uint16(5), uint16(4), uint16(6));
        _expectSetRevert(A, v, abi.encodeWithSelector(IWeights.UidsNotAscending.selector, 2, uint16(4), uint16(6)));
    }

    function test_uidOutOfRange() public {
        _expectSetRevert(A, _two(1, 65535, N, 3), abi.encodeWithSelector(IWeights.UidOutOfRange.selector, N, N));
    }

    function test_tooFewEntries() public {
        registry.setWeightRules(DIRECT, 3, type(uint16).max, uint16(RATE_LIMIT), 0);
        _expectSetRevert(A, _two(1, 65535, 2, 3), abi.encodeWithSelector(IWeights.TooFewEntries.selector, 2, 3));
        _expectSetRevert(A, "", abi.encodeWithSelector(IWeights.TooFewEntries.selector, 0, 3));
        // A single weight on another uid is not a self-weight.
        _expectSetRevert(A, _one(1, 65535), abi.encodeWithSelector(IWeights.TooFewEntries.selector, 1, 3));
    }

    function test_minAllowedWeightsCappedAtNeuronCount() public {
        registry.setWeightRules(DIRECT, 50, type(uint16).max, uint16(RATE_LIMIT), 0);
        uint16[] memory uids = new uint16[](N);
        uint16[] memory values = new uint16[](N);
        for (uint16 i; i < N; ++i) (uids[i], values[i]) = (i, i == 3 ? 65535 : 100 + i);
        _set(A, _pack(uids, values));
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(_pack(uids, values)), "N entries suffice");
        _warpSlots(RATE_LIMIT);
        _expectSetRevert(A, _two(1, 65535, 2, 1), abi.encodeWithSelector(IWeights.TooFewEntries.selector, 2, N));
    }

    function test_emptyVectorAllowedWhenMinIsZero() public {
        registry.setWeightRules(DIRECT, 0, type(uint16).max, uint16(RATE_LIMIT), 0);
        _set(A, "");
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(""), "empty row stored");
    }

    function test_selfWeightNeedsNoPermitAndNoLength() public {
        registry.setWeightRules(DIRECT, 5, 100, uint16(RATE_LIMIT), 0); // min 5, strict max limit
        _set(C, _one(UID_C, 65535));
        assertTrue(weights.weightsHashOf(DIRECT, C) == keccak256(_one(UID_C, 65535)), "self-weight stored");
    }

    function test_nonPermittedNeuronCannotWeighOthers() public {
        _expectSetRevert(C, _vector(), _noPermit(DIRECT, UID_C));
        _expectSetRevert(C, _one(UID_A, 65535), _noPermit(DIRECT, UID_C));
    }

    function test_ownerHotkeyAlwaysAllowed() public {
        _set(OWNER_HOT, _vector());
        assertTrue(weights.weightsHashOf(DIRECT, OWNER_HOT) == keccak256(_vector()), "owner without bit");
    }

    function test_bootstrapRuleIgnoresUnfinalisedBitmap() public {
        permits.setPermits(DIRECT, type(uint256).max, false);
        _expectSetRevert(A, _vector(), _noPermit(DIRECT, UID_A));
        _set(OWNER_HOT, _vector());
    }

    function test_notMaxUpscaled() public {
        _expectSetRevert(
            A,
            _two(1, 65534, 2, 7),
            abi.encodeWithSelector(IWeights.NotMaxUpscaled.selector, uint16(65534))
        );
        // Self-weights must be upscaled too.
        _expectSetRevert(C, _one(UID_C, 1), abi.encodeWithSelector(IWeights.NotMaxUpscaled.selector, uint16(1)));
    }

    function test_allZeroRowAccepted() public {
        _set(A, _two(1, 0, 2, 0));
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(_two(1, 0, 2, 0)), "all-zero row");
    }

    function test_maxWeightLimit() public {
        // limit 32768/65535 ~ 0.5: two equal maxima (0.5 each) pass, 65535 + 1000 (~0.985) does not.
        registry.setWeightRules(DIRECT, 1, 32768, uint16(RATE_LIMIT), 0);
        uint64 share = uint64((uint256(65535) << 32) / 66535);
        uint64 limit = uint64((uint256(32768) << 32) / 65535);
        _expectSetRevert(
            A,
            _two(1, 65535, 2, 1000),
            abi.encodeWithSelector(IWeights.MaxWeightExceeded.selector, share, limit)
        );
        _set(A, _two(1, 65535, 2, 65535));
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(_two(1, 65535, 2, 65535)), "at the limit");
    }

    /// @dev subtensor's `test_check_vec_max_limited` cases (already max-upscaled vectors).
    function test_maxWeightLimitMatchesSubtensorCases() public {
        uint16 m = type(uint16).max;
        _limitCase(_one(1, m), m - 1, false);
        _limitCase(_one(1, m), 0, false);
        _limitCase(abi.encodePacked(uint16(1), uint16(0), uint16(2), m, uint16(3), m), m / 2, false);
        _limitCase(abi.encodePacked(uint16(1), uint16(0), uint16(2), m, uint16(3), m), m / 2 + 1, true);
        _limitCase(abi.encodePacked(uint16(1), uint16(0), uint16(2), m, uint16(3), m, uint16(5), m), m / 3 - 1, false);
        _limitCase(abi.encodePacked(uint16(1), uint16(0), uint16(2), m, uint16(3), m, uint16(5), m), m / 3, true);
        _limitCase(_two(1, 0, 2, 0), 0, true); // all zero: nothing to exceed
    }

    function _limitCase(bytes memory v, uint16 limit, bool ok) private {
        registry.setWeightRules(DIRECT, 1, limit, 0, 0);
        vm.prank(A);
        (bool success, bytes memory ret) = address(weights).call(abi.encodeCall(weights.setWeights, (DIRECT, v, 0)));
        assertTrue(success == ok, "limit case");
        if (!ok) assertTrue(bytes4(ret) == IWeights.MaxWeightExceeded.selector, "MaxWeightExceeded");
    }

    function test_full256EntryVector() public {
        registry.fill(DIRECT, 256 - N);
        uint16[] memory uids = new uint16[](256);
        uint16[] memory values = new uint16[](256);
        for (uint256 i; i < 256; ++i) (uids[i], values[i]) = (uint16(i), i == 200 ? 65535 : uint16(i * 251));
        bytes memory v = _pack(uids, values);
        _set(A, v);
        assertTrue(weights.weightsHashOf(DIRECT, A) == keccak256(v), "256 entries");
    }

    function test_errorsReportTheLastEntryOfAPartialWord() public {
        // 9 entries: the 9th (index 8, in the second 32-byte word) is out of order.
        uint16[] memory uids = new uint16[](9);
        uint16[] memory values = new uint16[](9);
        for (uint256 i; i < 9; ++i) (uids[i], values[i]) = (uint16(i), 65535);
        uids[8] = 7;
        _expectSetRevert(A, _pack(uids, values), abi.encodeWithSelector(IWeights.DuplicateUid.selector, 8, uint16(7)));
    }
}
