// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SettlementFixture} from "./SettlementFixture.t.sol";
import {VmExtraWeights} from "./VmExtraWeights.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";

/// @notice {ISettlement-challengePermits}: a finalised `permitsBitmap` that is not Yuma's top-k can be disproved,
/// which widens the next epoch's voters; an honest one never can. Fixture: owner uid 0 (no stake), v1-v3 at uids
/// 1-3 with 600 / 300 / 100 (x1e9), all registered at slot 0; epoch 0 closes at slot 360.
contract SettlementPermitsChallengeTest is SettlementFixture {
    VmExtraWeights internal constant vmx = VmExtraWeights(address(vm));
    address internal sybil = address(0x15);
    address internal newcomer = address(0x16);
    uint64 internal constant CLOSE0 = 360;

    /// @notice Epoch 0 finalised by the owner (bootstrap) granting `permits`.
    function _bootstrapWith(uint256 permits) internal returns (Result memory r) {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        r = _result(0, [uint256(82e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        _submit(ownerHotkey, 0, r, permits);
        assertEq(uint256(_status(0)), uint256(ISettlement.EpochStatus.Finalised), "bootstrap finalised");
    }

    function _notDisproved(
        uint16 x,
        uint256 xs,
        uint16 p,
        uint256 ps,
        uint256 outrank,
        uint256 count,
        uint256 sum,
        uint16 k
    ) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.PermitsNotDisproved.selector, x, xs, p, ps, outrank, count, sum, k)
        );
        settlement.challengePermits(NETUID, x, p);
    }

    function _expectDisproved(uint64 epoch, uint16 x, uint256 xs, uint16 p, uint256 ps) internal {
        vmx.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.PermitsDisproved(NETUID, epoch, address(this), x, xs, p, ps);
    }

    // ------------------------------------------------------------------ the audit's entrenchment, broken

    function test_challenge_breaksTheOwnerEntrenchment() public {
        _bootstrapWith(1); // the owner grants its own uid alone
        uint256 credited = staking.totalCredited(NETUID);
        // Anyone may challenge.
        vmx.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.PermitsDisproved(NETUID, 0, address(0xBEEF), 1, 600e9, 0, 0);
        vm.prank(address(0xBEEF));
        settlement.challengePermits(NETUID, 1, 0);
        assertTrue(settlement.permitsDisproved(NETUID), "flagged");
        assertEq(staking.totalCredited(NETUID), credited, "no funds move");
        assertEq(settlement.missedEpochs(NETUID), 0, "misses untouched");

        _warpSlot(_closeOf(1) + 1);
        vmx.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.VotersWidened(NETUID, 1, 0);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertTrue(!info.bootstrap, "no longer bootstrap");
        assertEq(info.eligible, 0xE, "every uid with stake votes");
        assertEq(info.permittedStake, 1000e9, "600 + 300 + 100");

        // The owner alone cannot finalise its self-paying result any more (it has no stake: no vote at all).
        Result memory selfish = _result(1, [uint256(82e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, ownerHotkey));
        _submit(ownerHotkey, 1, selfish, 1);
        // The 60 % validator votes; with v2 the honest result reaches quorum.
        Result memory r = _defaultResult(1);
        _submit(v1, 1, r, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "600 of 1000 short of quorum");
        _submit(v2, 1, r, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "900 of 1000 finalise");
        assertTrue(!settlement.permitsDisproved(NETUID), "cleared by the new permits");

        // Epoch 2 is back to the (honest) finalised permits, which cannot be disproved.
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 2);
        assertEq(settlement.epochInfo(NETUID, 2).eligible, 0xE, "the new permits");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.ExcludedUidPermitted.selector, uint16(1)));
        settlement.challengePermits(NETUID, 1, 0);
    }

    function test_challenge_ownerWithStakeAndASybilLoseTheirQuorum() public {
        staking.setStakeWeight(NETUID, ownerHotkey, 0, 200e9);
        registry.setNeuron(NETUID, 4, sybil, 0);
        staking.setStakeWeight(NETUID, sybil, 0, 50e9);
        _bootstrapWith(0x11); // owner + sybil
        // X = 1 < P = 4: needs 2 x 50 + 0.05 (+1 rao), has 600.
        _expectDisproved(0, 1, 600e9, 4, 50e9);
        settlement.challengePermits(NETUID, 1, 4);

        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(info.eligible, 0x1F, "widened: owner, v1-v3, sybil");
        assertEq(info.permittedStake, 1250e9, "200 + 600 + 300 + 100 + 50");
        Result memory selfish = _result(1, [uint256(82e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        _submit(ownerHotkey, 1, selfish, 0x11);
        _submit(sybil, 1, selfish, 0x11);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "250 of 1250: no quorum");
        vm.prank(v1);
        settlement.submitEpochResult(NETUID, 1, selfish.root, 0x11, BONDS, selfish.totals); // not NotPermitted
    }

    function test_challenge_aLargeSybilIsDisprovedAsAnUnfilledSet() public {
        registry.setNeuron(NETUID, 4, sybil, 0);
        staking.setStakeWeight(NETUID, sybil, 0, 5000e9);
        _bootstrapWith(0x11); // owner + a sybil that outweighs everyone: only the unfilled way applies
        // 600 < 2 x 5000: not outranked; 2 bits < k = 64 and 600e9 > 5000e9 / 2^24.
        _expectDisproved(0, 1, 600e9, 4, 5000e9);
        settlement.challengePermits(NETUID, 1, 4);
        assertTrue(settlement.permitsDisproved(NETUID), "flagged");
    }

    // ------------------------------------------------------------------ honest results are never challengeable

    function test_challenge_honestTopKReverts() public {
        registry.setMaxValidators(2);
        _bootstrapWith(0x7); // top-2 {1, 2} + the owner's uid 0
        _notDisproved(3, 100e9, 2, 300e9, 300e9 + 300e6 + 1, 3, 0, 2);
        _notDisproved(3, 100e9, 1, 600e9, 600e9 + 600e6 + 1, 3, 0, 2);
        // The owner's uid is permitted whatever its stake: nothing outranks it.
        _notDisproved(3, 100e9, 0, 0, type(uint256).max, 3, 0, 2);
    }

    function test_challenge_tieAtTheCutOffReverts() public {
        registry.setMaxValidators(2);
        staking.setStakeWeight(NETUID, v3, 0, 300e9); // v2 and v3 tie at the cut-off: the lower uid (2) loses
        _bootstrapWith(0xB); // Yuma's: {1, 3} + owner
        _notDisproved(2, 300e9, 3, 300e9, 600e9 + 300e6 + 1, 3, 0, 2);
    }

    function test_challenge_equalStakesAreNeverEnough() public {
        registry.setMaxValidators(2);
        staking.setStakeWeight(NETUID, v3, 0, 300e9);
        // The tie broken the wrong way ({1, 2}): off by a rounding-sized difference, which a challenge never
        // claims (conservative).
        _bootstrapWith(0x7);
        _notDisproved(3, 300e9, 2, 300e9, 300e9 + 300e6 + 1, 3, 0, 2);
    }

    function test_challenge_marginSizedDifferenceAboveAHigherUid() public {
        registry.setMaxValidators(2);
        staking.setStakeWeight(NETUID, v3, 0, 300e9 + 300e6); // X = 3 > P = 2: p + p / 1000, one rao short
        _bootstrapWith(0x7);
        _notDisproved(3, 300e9 + 300e6, 2, 300e9, 300e9 + 300e6 + 1, 3, 0, 2);
        staking.setStakeWeight(NETUID, v3, 0, 300e9 + 300e6 + 1);
        _expectDisproved(0, 3, 300e9 + 300e6 + 1, 2, 300e9);
        settlement.challengePermits(NETUID, 3, 2);
    }

    function test_challenge_marginSizedDifferenceAboveALowerUid() public {
        registry.setMaxValidators(2);
        staking.setStakeWeight(NETUID, v2, 0, 200e9 + 100e6); // X = 2 < P = 3: 2p + p / 1000, one rao short
        _bootstrapWith(0xB);
        _notDisproved(2, 200e9 + 100e6, 3, 100e9, 200e9 + 100e6 + 1, 3, 0, 2);
        staking.setStakeWeight(NETUID, v2, 0, 200e9 + 100e6 + 1);
        _expectDisproved(0, 2, 200e9 + 100e6 + 1, 3, 100e9);
        settlement.challengePermits(NETUID, 2, 3);
    }

    function test_challenge_excludedRegisteredAfterTheCloseReverts() public {
        registry.setMaxValidators(2);
        _bootstrapWith(0x7);
        registry.setNeuron(NETUID, 4, newcomer, CLOSE0 + 1);
        staking.setStakeWeight(NETUID, newcomer, 0, 1000e9);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.UidNotHeldSincePermits.selector, uint16(4), CLOSE0 + 1, CLOSE0)
        );
        settlement.challengePermits(NETUID, 4, 2);
    }

    function test_challenge_replacedOccupantsRevert() public {
        registry.setMaxValidators(2);
        _bootstrapWith(0x7);
        // The excluded uid 3 changed hands after the close: the newcomer's stake was not ranked.
        registry.setNeuron(NETUID, 3, newcomer, 400);
        staking.setStakeWeight(NETUID, newcomer, 0, 1000e9);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.UidNotHeldSincePermits.selector, uint16(3), 400, CLOSE0));
        settlement.challengePermits(NETUID, 3, 2);
    }

    function test_challenge_replacedPermittedOccupantReverts() public {
        registry.setMaxValidators(2);
        _bootstrapWith(0x7);
        // The permitted uid 2 changed hands: its stake at the close (its former occupant's) is unknown.
        registry.setNeuron(NETUID, 2, newcomer, 400);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.UidNotHeldSincePermits.selector, uint16(2), 400, CLOSE0));
        settlement.challengePermits(NETUID, 3, 2);
    }

    function test_challenge_zeroStakeOrVacantReverts() public {
        registry.setNeuron(NETUID, 4, sybil, 0); // no stake
        _bootstrapWith(0xF);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NoStakeAtPermits.selector, uint16(4)));
        settlement.challengePermits(NETUID, 4, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NoStakeAtPermits.selector, uint16(9)));
        settlement.challengePermits(NETUID, 9, 0);
    }

    function test_challenge_honestUnfilledSetLeavesDustOut() public {
        // k = 64 > 5 uids: every uid Yuma normalises to a non-zero I32F32 holds a permit. 1 rao of 1000e9 is 0.
        registry.setNeuron(NETUID, 4, sybil, 0);
        staking.setStakeWeight(NETUID, sybil, 0, 1);
        _bootstrapWith(0xF);
        _notDisproved(4, 1, 0, 0, type(uint256).max, 3, 1000e9, 64);
        // Still at most the permitted stake / 2^24 (Yuma's cut is / 2^32): not enough either.
        staking.setStakeWeight(NETUID, sybil, 0, 1000e9 >> 24);
        _notDisproved(4, 1000e9 >> 24, 0, 0, type(uint256).max, 3, 1000e9, 64);
    }

    // ------------------------------------------------------------------ fewer than k permits

    function test_challenge_fewerThanKPermits() public {
        _bootstrapWith(0x7); // k = 64, but v3 (100) left out
        // Against the owner's uid (nothing to outrank): the unfilled way.
        _expectDisproved(0, 3, 100e9, 0, 0);
        settlement.challengePermits(NETUID, 3, 0);
    }

    function test_challenge_fewerThanKAgainstAHeavierPermittedUid() public {
        _bootstrapWith(0x7);
        // 100 does not outrank v2's 300, but 3 bits < 64 and 100e9 > 900e9 / 2^24.
        _expectDisproved(0, 3, 100e9, 2, 300e9);
        settlement.challengePermits(NETUID, 3, 2);
    }

    function test_challenge_aZeroStakeOwnerBitDoesNotFillTheSet() public {
        registry.setMaxValidators(3);
        // Yuma's: top-3 {1, 2, 3} + the owner's uid 0 (no stake). {0, 1, 2} has 3 bits = k, but the owner's bit,
        // without stake, is not one of the top-k: 2 < 3.
        _bootstrapWith(0x7);
        _expectDisproved(0, 3, 100e9, 0, 0);
        settlement.challengePermits(NETUID, 3, 0);
    }

    function test_challenge_anOwnerInTheTopKFillsItsSlot() public {
        registry.setMaxValidators(3);
        staking.setStakeWeight(NETUID, ownerHotkey, 0, 200e9);
        // Yuma's: top-3 of 200 / 600 / 300 / 100 is {0, 1, 2}: the owner's uid is one of the k, v3 honestly out
        // (counting only the bits besides the owner's would wrongly call this unfilled).
        _bootstrapWith(0x7);
        _notDisproved(3, 100e9, 0, 200e9, type(uint256).max, 3, 1100e9, 3);
        _notDisproved(3, 100e9, 2, 300e9, 300e9 + 300e6 + 1, 3, 1100e9, 3);
    }

    // ------------------------------------------------------------------ misuse and state

    function test_challenge_beforeAnyFinalisationReverts() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NoFinalisedPermits.selector, NETUID));
        settlement.challengePermits(NETUID, 1, 0);
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0); // bootstrap permits (uid 0) are not finalised ones
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NoFinalisedPermits.selector, NETUID));
        settlement.challengePermits(NETUID, 1, 0);
    }

    function test_challenge_badUidsRevert() public {
        _bootstrapWith(0x7);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.ExcludedUidPermitted.selector, uint16(1)));
        settlement.challengePermits(NETUID, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.PermittedUidNotPermitted.selector, uint16(3)));
        settlement.challengePermits(NETUID, 3, 3);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.UidOutOfRange.selector, uint16(256)));
        settlement.challengePermits(NETUID, 256, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.UidOutOfRange.selector, uint16(300)));
        settlement.challengePermits(NETUID, 3, 300);
    }

    function test_challenge_onceUntilThePermitsChange() public {
        _bootstrapWith(1);
        settlement.challengePermits(NETUID, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.PermitsAlreadyDisproved.selector, NETUID, uint64(0)));
        settlement.challengePermits(NETUID, 2, 0);
    }

    function test_challenge_widensEvenWithMissedWideningOffAndUntilAFinalisation() public {
        settlement.setWidenAfterMissed(0);
        _bootstrapWith(1);
        settlement.challengePermits(NETUID, 1, 0);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        assertEq(settlement.epochInfo(NETUID, 1).eligible, 0xE, "widened although widenAfterMissed = 0");
        // Nobody votes: epoch 1 rolls over; epoch 2 is still widened (the flag lasts until new permits).
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 2);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.RolledOver), "rolled over at the open");
        assertEq(settlement.epochInfo(NETUID, 2).eligible, 0xE, "still widened");
        assertTrue(settlement.permitsDisproved(NETUID), "still flagged");
    }

    function test_challenge_dissolutionClearsTheFlag() public {
        _bootstrapWith(1);
        settlement.challengePermits(NETUID, 1, 0);
        registry.dissolve(NETUID, settlement);
        assertTrue(!settlement.permitsDisproved(NETUID), "a new life");
    }

    // ------------------------------------------------------------------ the audit's ways around a challenge

    /// @notice A permit granted to a hotkey registered after the close cannot be read by a challenge: the set is
    /// widened at the next open instead.
    function test_staleBitWidensTheNextOpenWithoutAChallenge() public {
        settlement.setWidenAfterMissed(0);
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        // After the close, the owner registers a throwaway hotkey at uid 4 and grants it the permits with its own.
        registry.setNeuron(NETUID, 4, sybil, CLOSE0 + 1);
        Result memory r = _result(0, [uint256(82e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        _submit(ownerHotkey, 0, r, 0x11);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.UidNotHeldSincePermits.selector, uint16(4), CLOSE0 + 1, CLOSE0)
        );
        settlement.challengePermits(NETUID, 1, 0); // the unfilled way reads uid 4's stake
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.UidNotHeldSincePermits.selector, uint16(4), CLOSE0 + 1, CLOSE0)
        );
        settlement.challengePermits(NETUID, 1, 4);
        _warpSlot(_closeOf(1) + 1);
        vmx.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.VotersWidened(NETUID, 1, 0);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(info.eligible, 0xE, "v1-v3 vote: the stale permits are widened");
        assertEq(info.permittedStake, 1000e9, "600 + 300 + 100");
    }

    /// @notice Honest permits whose uids all held since the close are not widened (the control case).
    function test_heldBitsAreNotWidened() public {
        settlement.setWidenAfterMissed(0);
        _bootstrapWith(0xF);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        assertEq(settlement.epochInfo(NETUID, 1).permitsClose, CLOSE0, "frozen from the finalised permits");
    }

    /// @notice The owner opens epoch 1 from its own permits before the challenge lands; its finalisation of epoch
    /// 1 (by the disproved voters) keeps the flag, so epoch 2 is widened.
    function test_disprovalCarriesThroughAnEpochOpenedBeforeIt() public {
        settlement.setWidenAfterMissed(0);
        _bootstrapWith(1);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1); // frozen from {owner}, who has no stake: the bootstrap fallback
        settlement.challengePermits(NETUID, 1, 0);
        Result memory selfish = _result(1, [uint256(82e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        _submit(ownerHotkey, 1, selfish, 1);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "the owner's vote finalised 1");
        assertTrue(settlement.permitsDisproved(NETUID), "chosen by the disproved set: still disproved");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.PermitsAlreadyDisproved.selector, NETUID, uint64(1)));
        settlement.challengePermits(NETUID, 1, 0);
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 2);
        assertEq(settlement.epochInfo(NETUID, 2).eligible, 0xE, "widened");
        // The widened epoch's honest finalisation clears it.
        Result memory r = _defaultResult(2);
        _submit(v1, 2, r, _permits());
        _submit(v2, 2, r, _permits());
        assertEq(uint256(_status(2)), uint256(ISettlement.EpochStatus.Finalised), "900 of 1000 finalise");
        assertTrue(!settlement.permitsDisproved(NETUID), "cleared by permits the widened voters chose");
    }
}
