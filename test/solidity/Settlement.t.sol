// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SettlementFixture, SettlementMerkle} from "./SettlementFixture.t.sol";
import {VmExtraWeights} from "./VmExtraWeights.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {EpochResult} from "../../contracts/libraries/EpochResult.sol";
import {LastEmissionRecord} from "../../contracts/libraries/LastEmissionRecord.sol";

contract SettlementTest is SettlementFixture {
    // ================================================================ opening

    function test_open_beforeTheClosingSlotEndedReverts() public {
        _warpSlot(_closeOf(0));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.EpochNotClosed.selector, _closeOf(0), _closeOf(0)));
        settlement.openEpoch(NETUID, 0);
    }

    function test_open_freezesBudgetAndCreditsOwnerCut() public {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 0);
        assertEq(uint256(info.status), uint256(ISettlement.EpochStatus.Open), "open");
        assertTrue(info.bootstrap, "bootstrap before the first finalisation");
        assertEq(info.budget, DISTRIBUTABLE, "budget = distributable");
        assertEq(info.closeSlot, _closeOf(0), "close");
        assertEq(info.deadline, _deadlineOf(0), "deadline = close + tempo");
        assertEq(staking.credited(NETUID, ownerHotkey), OWNER_CUT, "owner cut credited at open");
        assertTrue(info.root == bytes32(0), "no root before finalisation");
    }

    function test_open_twiceReverts() public {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.EpochAlreadyOpened.selector, NETUID, 0, ISettlement.EpochStatus.Open)
        );
        settlement.openEpoch(NETUID, 0);
    }

    function test_open_afterTheDeadlineReverts() public {
        _warpSlot(_deadlineOf(0) + 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.EpochExpired.selector, _deadlineOf(0), _deadlineOf(0) + 1));
        settlement.openEpoch(NETUID, 0);
    }

    function test_open_unknownAndRootSubnetsRevert() public {
        _warpSlot(_closeOf(0) + 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.SubnetNotFound.selector, uint16(7)));
        settlement.openEpoch(7, 0);
        vm.expectRevert(ISettlement.RootSubnetHasNoEpochs.selector);
        settlement.openEpoch(0, 0);
    }

    function test_submit_beforeOpenReverts() public {
        _warpSlot(_closeOf(0) + 1);
        Result memory r = _defaultResult(0);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.EpochNotOpen.selector, NETUID, 0, ISettlement.EpochStatus.None)
        );
        _submit(ownerHotkey, 0, r, _permits());
    }

    // ================================================================ bootstrap

    function test_bootstrap_ownerHotkeyAloneFinalises() public {
        (uint256 bitmap, bool finalised) = settlement.permits(NETUID);
        assertTrue(!finalised && bitmap == 0, "no permits before the first finalisation");
        Result memory r = _bootstrap();
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 0);
        assertEq(uint256(info.status), uint256(ISettlement.EpochStatus.Finalised), "finalised");
        assertTrue(info.root == r.root, "root stored");
        (bitmap, finalised) = settlement.permits(NETUID);
        assertTrue(finalised, "permits finalised");
        assertEq(bitmap, _permits(), "permits = the result's bitmap");
        (bool any, uint64 epoch, uint64 closeSlot) = settlement.latestFinalised(NETUID);
        assertTrue(any && epoch == 0 && closeSlot == _closeOf(0), "latest finalised = epoch 0");
    }

    function test_stakeWeightsAbove2To64Finalise() public {
        uint256 big = (1 << 84) + 12_345;
        staking.setStakeWeight(NETUID, v1, 1, uint208(big));
        staking.setStakeWeight(NETUID, v2, 1, uint208(big));
        staking.setStakeWeight(NETUID, v3, 1, 1);
        Result memory r = _openEpoch1();
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(info.permittedStake, 2 * big + 1, "permitted stake beyond 64 bits");
        assertEq(info.quorumStake, ((2 * big + 1) * 6667 + 9999) / 10_000, "quorum beyond 64 bits");
        _submit(v1, 1, r, _permits());
        bytes32 th = settlement.tupleHashOf(r.root, _permits(), BONDS, r.totals);
        assertEq(settlement.tupleStake(NETUID, 1, th), big, "first tuple's stake");
        _submit(v2, 1, r, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "two thirds of 2^85 finalise");
    }

    function test_permitBitmap_ownerUntilFinalisedThenTheResult() public {
        assertEq(settlement.permitBitmap(NETUID), 1, "never opened: the owner's uid 0");
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        assertEq(settlement.permitBitmap(NETUID), 1, "opened, not finalised: the owner's uid 0");
        (uint256 bitmap, bool finalised) = settlement.permits(NETUID);
        assertTrue(bitmap == 0 && !finalised, "permits(): still not finalised");
        _submit(ownerHotkey, 0, _defaultResult(0), 0x6);
        assertEq(settlement.permitBitmap(NETUID), 0x7, "finalised bitmap, plus the owner's uid 0");
        (bitmap, finalised) = settlement.permits(NETUID);
        assertTrue(bitmap == 0x6 && finalised, "permits(): the result's bitmap as submitted");
        registry.dissolve(NETUID, settlement);
        assertEq(settlement.permitBitmap(NETUID), 1, "dissolved: back to the owner's uid 0");
    }

    function test_bootstrap_validatorCannotFinalise() public {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        Result memory r = _defaultResult(0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, v1));
        _submit(v1, 0, r, _permits());
    }

    function test_bootstrap_noPermittedStakeFallsBackToOwner() public {
        _bootstrap();
        // Every permitted validator leaves the subnet: nobody could reach a quorum of zero stake.
        registry.removeNeuron(NETUID, 1);
        registry.removeNeuron(NETUID, 2);
        registry.removeNeuron(NETUID, 3);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        assertTrue(settlement.epochInfo(NETUID, 1).bootstrap, "back to bootstrap");
        _submit(ownerHotkey, 1, _defaultResult(1), 0x1);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "owner finalised");
    }

    // ================================================================ quorum

    function _openEpoch1() internal returns (Result memory r) {
        _bootstrap();
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        r = _defaultResult(1);
    }

    function test_open_countsPermittedStakeAtTheClose() public {
        _openEpoch1();
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertTrue(!info.bootstrap, "not bootstrap");
        assertEq(info.permittedStake, 1000e9, "600 + 300 + 100");
        assertEq(info.quorumStake, 666.7e9, "ceil(66.67%)");
        assertEq(info.eligible, 0xE, "uids 1-3 (the owner's uid 0 has no stake)");
        assertEq(info.permitsClose, _closeOf(0), "permits of epoch 0");
    }

    function test_quorum_twoUnequalValidatorsFinaliseTheRightTuple() public {
        Result memory r = _openEpoch1();
        _submit(v2, 1, r, 0x6); // 30%
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "30% does not finalise");
        bytes32 th = settlement.tupleHashOf(r.root, 0x6, BONDS, r.totals);
        assertEq(settlement.tupleStake(NETUID, 1, th), 300e9, "tuple holds v2's stake");
        _submit(v1, 1, r, 0x6); // + 60% = 90%
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(uint256(info.status), uint256(ISettlement.EpochStatus.Finalised), "90% finalises");
        assertTrue(info.root == r.root, "the voted root");
        (uint256 bitmap, ) = settlement.permits(NETUID);
        assertEq(bitmap, 0x6, "new permits");
    }

    function test_quorum_aDifferentRootDoesNotFinalise() public {
        Result memory r = _openEpoch1();
        Result memory other = _result(1, [uint256(1e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        _submit(v1, 1, r, _permits()); // 60% for r
        _submit(v2, 1, other, _permits()); // 30% for another root
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "60% / 30%: no quorum");
        bytes32 thOther = settlement.tupleHashOf(other.root, _permits(), BONDS, other.totals);
        assertEq(settlement.tupleStake(NETUID, 1, thOther), 300e9, "other tuple counted apart");
        _submit(v3, 1, r, _permits()); // 70% for r
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(uint256(info.status), uint256(ISettlement.EpochStatus.Finalised), "70% finalises");
        assertTrue(info.root == r.root, "the majority root, not the other");
    }

    function test_quorum_sameRootOtherBondsIsAnotherTuple() public {
        Result memory r = _openEpoch1();
        _submit(v1, 1, r, _permits());
        vm.prank(v2);
        settlement.submitEpochResult(NETUID, 1, r.root, _permits(), keccak256("other bonds"), r.totals);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "tuples differ by bondsHash");
    }

    function test_quorum_minorityCannotFinalise() public {
        Result memory r = _openEpoch1();
        _submit(v2, 1, r, _permits());
        _submit(v3, 1, r, _permits()); // 40%
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "40% does not finalise");
        _warpSlot(_deadlineOf(1) + 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.EpochExpired.selector, _deadlineOf(1), _deadlineOf(1) + 1));
        _submit(v1, 1, r, _permits());
    }

    function test_quorum_exactlyTheQuorumFinalises() public {
        settlement.setQuorumBps(9000);
        Result memory r = _openEpoch1();
        _submit(v1, 1, r, _permits());
        _submit(v2, 1, r, _permits()); // 90% of 1000 = 900 = quorum
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "900 >= 900");
    }

    function test_vote_oncePerValidatorAndNoSwitching() public {
        Result memory r = _openEpoch1();
        _submit(v2, 1, r, _permits());
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AlreadySubmitted.selector, v2, uint16(2)));
        _submit(v2, 1, r, _permits());
        Result memory other = _result(1, [uint256(1e9), 0, 0, 0], [uint256(0), 0, 0, 0]);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AlreadySubmitted.selector, v2, uint16(2)));
        _submit(v2, 1, other, _permits());
    }

    function test_vote_afterFinalisationReverts() public {
        Result memory r = _openEpoch1();
        _submit(v1, 1, r, _permits());
        _submit(v2, 1, r, _permits());
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.EpochNotOpen.selector, NETUID, 1, ISettlement.EpochStatus.Finalised)
        );
        _submit(v3, 1, r, _permits());
    }

    function test_vote_withoutPermitReverts() public {
        Result memory r = _openEpoch1();
        // Not registered.
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, address(0xBAD)));
        _submit(address(0xBAD), 1, r, _permits());
        // Registered, no permit bit.
        registry.setNeuron(NETUID, 9, miner, 0);
        staking.setStakeWeight(NETUID, miner, 0, 5000e9);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, miner));
        _submit(miner, 1, r, _permits());
        // Permit bit, but no stake at the close (uid 0, the owner, outside bootstrap).
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, ownerHotkey));
        _submit(ownerHotkey, 1, r, _permits());
    }

    function test_vote_uidTakenOverAfterThePermitsReverts() public {
        Result memory r = _openEpoch1();
        // uid 2 changes hands after epoch 1 opened: the newcomer did not earn uid 2's permit.
        address newcomer = address(0x99);
        registry.setNeuron(NETUID, 2, newcomer, _closeOf(1) + 1);
        staking.setStakeWeight(NETUID, newcomer, 0, 10_000e9);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, newcomer));
        _submit(newcomer, 1, r, _permits());
    }

    /// @notice The occupant voted, then its uid changed hands: the newcomer holds no permit, which is what it is told
    /// (not `AlreadySubmitted`, the occupant's vote).
    function test_vote_uidTakenOverAfterItsOccupantVotedRevertsNotPermitted() public {
        Result memory r = _openEpoch1();
        _submit(v1, 1, r, _permits());
        address newcomer = address(0x99);
        registry.setNeuron(NETUID, 1, newcomer, _closeOf(1) + 1);
        staking.setStakeWeight(NETUID, newcomer, 0, 10_000e9);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, newcomer));
        _submit(newcomer, 1, r, _permits());
    }

    /// @notice A permitted uid taken over since the permits' close: the permit cannot be checked (a challenge
    /// cannot read the stake Yuma ranked there), so the epoch takes every staked uid's vote, as after
    /// `widenAfterMissed` misses; the newcomer votes with the stake it held at this epoch's close.
    function test_open_widensWhenAPermittedUidChangedHands() public {
        _bootstrap();
        address newcomer = address(0x99);
        registry.setNeuron(NETUID, 1, newcomer, _closeOf(0) + 5);
        staking.setStakeWeight(NETUID, newcomer, 0, 10_000e9);
        _warpSlot(_closeOf(1) + 1);
        VmExtraWeights(address(vm)).expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.VotersWidened(NETUID, 1, 0);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(info.eligible, 0xE, "widened: uids 1 (the newcomer, registered by the close), 2 and 3");
        assertEq(info.permittedStake, 10_400e9, "10,000 + 300 + 100");
        assertEq(info.permitsClose, _closeOf(1), "a widened epoch's uids must be held since its own close");
    }

    function test_vote_countsStakeAtTheClosingSlot() public {
        _bootstrap();
        // v3 stakes massively after epoch 1 closed: it still weighs 100.
        staking.setStakeWeight(NETUID, v3, uint48(_closeOf(1) + 1), 1_000_000e9);
        _warpSlot(_closeOf(1) + 2);
        settlement.openEpoch(NETUID, 1);
        Result memory r = _defaultResult(1);
        _submit(v3, 1, r, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Open), "stake after the close buys nothing");
        bytes32 th = settlement.tupleHashOf(r.root, _permits(), BONDS, r.totals);
        assertEq(settlement.tupleStake(NETUID, 1, th), 100e9, "weight at the close");
    }

    function test_vote_totalsAboveBudgetRevert() public {
        _openEpoch1();
        Result memory r = _result(1, [uint256(50e9), 0, 0, 0], [uint256(0), 32e9, 0, 1]); // 82e9 + 1
        vm.expectRevert(abi.encodeWithSelector(ISettlement.TotalsExceedBudget.selector, 82e9 + 1, 82e9));
        _submit(v1, 1, r, _permits());
    }

    // ================================================================ claims

    function test_claim_creditsStakeToTheLeafHotkey() public {
        Result memory r = _bootstrap();
        address stranger = address(0x5757);
        vm.prank(stranger); // anyone may claim for anyone
        _claim(0, r, 1);
        assertEq(staking.credited(NETUID, v1), 36e9, "incentive + dividend");
        assertTrue(settlement.isClaimed(NETUID, 0, 1), "marked");
        assertTrue(!settlement.isClaimed(NETUID, 0, 2), "others unclaimed");
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 36e9, "claimed");
    }

    function test_claim_twiceReverts() public {
        Result memory r = _bootstrap();
        _claim(0, r, 2);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AlreadyClaimed.selector, uint16(2)));
        _claim(0, r, 2);
    }

    function test_claim_wrongProofReverts() public {
        Result memory r = _bootstrap();
        bytes32[] memory p = SettlementMerkle.proof(r.leaves, 1);
        // The proof of uid 1 for uid 2's leaf.
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidProof.selector, uint16(2)));
        settlement.claim(NETUID, 0, 2, v2, r.incentive[2], r.dividend[2], p);
        // The right proof with an inflated amount.
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidProof.selector, uint16(1)));
        settlement.claim(NETUID, 0, 1, v1, r.incentive[1] + 1, r.dividend[1], p);
        // The right proof, another hotkey.
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidProof.selector, uint16(1)));
        settlement.claim(NETUID, 0, 1, v2, r.incentive[1], r.dividend[1], p);
    }

    function test_claim_leafOfAnotherEpochReverts() public {
        Result memory r0 = _bootstrap();
        // Epoch 1 finalised with the same amounts: a leaf of epoch 0 does not prove anything in epoch 1.
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        Result memory r1 = _defaultResult(1);
        _submit(v1, 1, r1, _permits());
        _submit(v2, 1, r1, _permits());
        bytes32[] memory p0 = SettlementMerkle.proof(r0.leaves, 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidProof.selector, uint16(1)));
        settlement.claim(NETUID, 1, 1, v1, r0.incentive[1], r0.dividend[1], p0);
        // And an epoch that is not finalised accepts no claims.
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.EpochNotFinalised.selector, NETUID, 2, ISettlement.EpochStatus.None)
        );
        settlement.claim(NETUID, 2, 1, v1, r0.incentive[1], r0.dividend[1], p0);
    }

    function test_claim_openEpochReverts() public {
        Result memory r = _openEpoch1();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.EpochNotFinalised.selector, NETUID, 1, ISettlement.EpochStatus.Open)
        );
        _claim(1, r, 1);
    }

    function test_claim_overAllocatingRootCannotDrainMoreThanTheBudget() public {
        // The owner finalises a root whose leaves pay 4 x 30e9 = 120e9 while declaring totals of 82e9 (= budget).
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        Result memory r = _result(0, [uint256(30e9), 30e9, 30e9, 30e9], [uint256(0), 0, 0, 0]);
        vm.prank(ownerHotkey);
        settlement.submitEpochResult(NETUID, 0, r.root, _permits(), BONDS, ISettlement.EpochTotals(82e9, 0));
        _claim(0, r, 0);
        _claim(0, r, 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.BudgetExceeded.selector, 60e9, 30e9, 82e9));
        _claim(0, r, 2);
        assertEq(staking.totalCredited(NETUID), OWNER_CUT + 60e9, "owner cut + two leaves, nothing more");
        assertLe(settlement.epochInfo(NETUID, 0).claimed, 82e9, "claimed <= budget");
    }

    function test_claimBatch_allLeavesAndBudgetSharedAcrossTheBatch() public {
        Result memory r = _bootstrap();
        ISettlement.ClaimLeaf[] memory ls = new ISettlement.ClaimLeaf[](4);
        for (uint16 uid; uid < 4; uid++) {
            ls[uid] = ISettlement.ClaimLeaf(
                uid,
                _hotkeyOf(uid),
                r.incentive[uid],
                r.dividend[uid],
                SettlementMerkle.proof(r.leaves, uid)
            );
        }
        settlement.claimBatch(NETUID, 0, ls);
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 82e9, "everything claimed");
        assertEq(staking.credited(NETUID, v1), 36e9, "v1");
        assertEq(staking.credited(NETUID, v3), 8e9, "v3");
        assertEq(staking.credited(NETUID, ownerHotkey), OWNER_CUT + 20e9, "owner: cut + its leaf");
        // The same batch again: every leaf is already claimed, so nothing is paid twice.
        settlement.claimBatch(NETUID, 0, ls);
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 82e9, "nothing more claimed");
        assertEq(staking.credited(NETUID, v1), 36e9, "v1 credited once");
        assertEq(staking.totalCredited(NETUID), OWNER_CUT + 82e9, "nothing credited twice");
    }

    /// @notice A claimer racing a batch (claiming one of its leaves first) cannot make the batch revert: the
    /// batch skips that leaf and pays the others.
    function test_claimBatch_skipsALeafClaimedByARacer() public {
        Result memory r = _bootstrap();
        _claim(0, r, 3); // front-runs the batch with its last leaf
        settlement.claimBatch(NETUID, 0, _batchOf(r));
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 82e9, "every leaf claimed once");
        assertEq(staking.credited(NETUID, v3), 8e9, "v3 credited once");
        assertEq(staking.totalCredited(NETUID), OWNER_CUT + 82e9, "cut + the four leaves");
    }

    /// @notice A skipped leaf is not checked: a bad proof on an already claimed uid is skipped, a bad proof on an
    /// unclaimed one still reverts the whole batch.
    function test_claimBatch_badProofOnAnUnclaimedLeafStillReverts() public {
        Result memory r = _bootstrap();
        ISettlement.ClaimLeaf[] memory ls = _batchOf(r);
        ls[2].incentive += 1; // no longer the leaf under the root
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InvalidProof.selector, uint16(2)));
        settlement.claimBatch(NETUID, 0, ls);
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 0, "all or nothing");
    }

    function _batchOf(Result memory r) internal view returns (ISettlement.ClaimLeaf[] memory ls) {
        ls = new ISettlement.ClaimLeaf[](4);
        for (uint16 uid; uid < 4; uid++) {
            ls[uid] = ISettlement.ClaimLeaf(
                uid,
                _hotkeyOf(uid),
                r.incentive[uid],
                r.dividend[uid],
                SettlementMerkle.proof(r.leaves, uid)
            );
        }
    }

    function test_claimBatch_overAllocatingBatchRevertsWhole() public {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        Result memory r = _result(0, [uint256(30e9), 30e9, 30e9, 30e9], [uint256(0), 0, 0, 0]);
        vm.prank(ownerHotkey);
        settlement.submitEpochResult(NETUID, 0, r.root, _permits(), BONDS, ISettlement.EpochTotals(82e9, 0));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.BudgetExceeded.selector, 60e9, 30e9, 82e9));
        settlement.claimBatch(NETUID, 0, _batchOf(r));
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 0, "all or nothing");
        assertTrue(!settlement.isClaimed(NETUID, 0, 0), "first leaf not marked");
    }

    /// @notice Whatever the leaves of a finalised root pay, the claims of an epoch never pass its budget, and
    /// every leaf that fits is paid in full.
    function testFuzz_claimsNeverExceedTheBudget(uint256[4] memory amounts, uint8 order) public {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        uint256[4] memory zero;
        for (uint256 i; i < 4; i++) amounts[i] = bound(amounts[i], 0, 3 * DISTRIBUTABLE);
        Result memory r = _result(0, amounts, zero);
        vm.prank(ownerHotkey);
        settlement.submitEpochResult(NETUID, 0, r.root, _permits(), BONDS, ISettlement.EpochTotals(0, 0));
        uint256 paid;
        for (uint256 k; k < 4; k++) {
            uint16 uid = uint16((k + order) % 4);
            if (paid + amounts[uid] > DISTRIBUTABLE) {
                vm.expectRevert(
                    abi.encodeWithSelector(ISettlement.BudgetExceeded.selector, paid, amounts[uid], DISTRIBUTABLE)
                );
                _claim(0, r, uid);
            } else {
                _claim(0, r, uid);
                paid += amounts[uid];
            }
            assertEq(settlement.epochInfo(NETUID, 0).claimed, paid, "claimed");
            assertLe(paid, DISTRIBUTABLE, "claimed <= budget");
        }
        assertEq(staking.totalCredited(NETUID), OWNER_CUT + paid, "credited = owner cut + paid leaves");
    }

    function testFuzz_lastEmissionRecordRoundTrip(uint256 word, uint16 uid, uint64 epoch, uint256 amount) public pure {
        uid = uint16(bound(uid, 0, 255));
        uint256 next = LastEmissionRecord.write(word, uid, epoch, amount);
        (uint64 e, uint64 a) = LastEmissionRecord.read(next, uid);
        assertEq(e, epoch, "epoch");
        assertEq(a, amount > type(uint64).max ? type(uint64).max : amount, "amount (saturated)");
        // The other uid of the word is untouched.
        uint16 other = uid ^ 1;
        (uint64 e0, uint64 a0) = LastEmissionRecord.read(word, other);
        (uint64 e1, uint64 a1) = LastEmissionRecord.read(next, other);
        assertTrue(e0 == e1 && a0 == a1, "neighbour untouched");
    }

    function test_claimBatch_duplicateLeafInOneBatchIsPaidOnce() public {
        Result memory r = _bootstrap();
        ISettlement.ClaimLeaf[] memory ls = new ISettlement.ClaimLeaf[](2);
        ls[0] = ISettlement.ClaimLeaf(1, v1, r.incentive[1], r.dividend[1], SettlementMerkle.proof(r.leaves, 1));
        ls[1] = ls[0];
        settlement.claimBatch(NETUID, 0, ls);
        assertEq(settlement.epochInfo(NETUID, 0).claimed, 36e9, "claimed once");
        assertEq(staking.credited(NETUID, v1), 36e9, "credited once");
    }

    function test_claimBatch_emptyReverts() public {
        _bootstrap();
        vm.expectRevert(ISettlement.EmptyBatch.selector);
        settlement.claimBatch(NETUID, 0, new ISettlement.ClaimLeaf[](0));
    }

    function test_claim_uidOutOfRangeReverts() public {
        _bootstrap();
        vm.expectRevert(abi.encodeWithSelector(ISettlement.UidOutOfRange.selector, uint16(256)));
        settlement.claim(NETUID, 0, 256, v1, 1, 0, new bytes32[](0));
    }

    /// @notice Opens epoch `epoch` after its close and finalises a result paying `incentive` / `dividend` with
    /// the votes of v1 and v2 (a quorum of the permits of epoch 0).
    function _finaliseByQuorum(
        uint64 epoch,
        uint256[4] memory incentive,
        uint256[4] memory dividend
    ) internal returns (Result memory r) {
        _warpSlot(_closeOf(epoch) + 1);
        settlement.openEpoch(NETUID, epoch);
        r = _result(epoch, incentive, dividend);
        _submit(v1, epoch, r, _permits());
        _submit(v2, epoch, r, _permits());
    }

    // ================================================================ lastEmission (pruning score)

    function test_lastEmission_latestFinalisedEpochOnly() public {
        Result memory r0 = _bootstrap();
        assertEq(settlement.lastEmission(NETUID, 1), 0, "not claimed yet");
        _claim(0, r0, 1);
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "epoch 0 claimed");
        // Epoch 1 finalises: uid 1's record is for an older epoch until it claims again.
        Result memory r1 = _finaliseByQuorum(1, [uint256(0), 5e9, 0, 0], [uint256(0), 1e9, 0, 0]);
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "epoch 0's amount until uid 1 claims epoch 1");
        _claim(1, r1, 1);
        assertEq(settlement.lastEmission(NETUID, 1), 6e9, "epoch 1 amount");
        // A late claim of epoch 0 for uid 2 is recorded and counts until uid 2 claims epoch 1, which replaces it.
        _claim(0, r0, 2);
        assertEq(settlement.lastEmission(NETUID, 2), 18e9, "the prior epoch's record while epoch 1 is unclaimed");
        _claim(1, r1, 2);
        assertEq(settlement.lastEmission(NETUID, 2), 0, "epoch 1 leaf of uid 2 pays 0");
        // A late claim of an older epoch never overwrites a newer record.
        _claim(0, r0, 3);
        _claim(1, r1, 3);
        assertEq(settlement.lastEmission(NETUID, 3), 0, "epoch 1 pays uid 3 nothing");
        assertEq(settlement.lastEmission(NETUID, 0), 0, "uid 0 never claimed");
    }

    /// @notice A finalisation does not zero the scores of the uids whose leaves are not claimed yet (a
    /// pruning-score sync in that window would make the oldest neuron the prune candidate, whatever it earns);
    /// a record two finalised epochs old no longer counts; a record counts only for the uid's current occupant.
    function test_lastEmission_keepsThePriorEpochUntilTheLeafIsClaimed() public {
        Result memory r0 = _bootstrap();
        _claim(0, r0, 1);
        _claim(0, r0, 3);
        Result memory r1 = _finaliseByQuorum(1, [uint256(0), 5e9, 0, 2e9], [uint256(0), 1e9, 0, 0]);
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "finalised, unclaimed: epoch 0's amount");
        assertEq(settlement.lastEmission(NETUID, 3), 8e9, "finalised, unclaimed: epoch 0's amount");
        _claim(1, r1, 3);
        assertEq(settlement.lastEmission(NETUID, 3), 2e9, "claimed: epoch 1's amount");

        // Epoch 2 finalises; uid 1 never claimed epoch 1, so its epoch 0 record is two finalised epochs old.
        _finaliseByQuorum(2, [uint256(0), 5e9, 0, 3e9], [uint256(0), 1e9, 0, 0]);
        assertEq(settlement.lastEmission(NETUID, 1), 0, "a record older than the prior epoch is stale");
        assertEq(settlement.lastEmission(NETUID, 3), 2e9, "uid 3: epoch 1's amount until it claims epoch 2");

        // uid 3 changes hands after epoch 1 closed: its epoch 1 record belongs to the previous occupant.
        registry.setNeuron(NETUID, 3, address(0xBEEF), _closeOf(1) + 1);
        assertEq(settlement.lastEmission(NETUID, 3), 0, "a newcomer does not inherit its predecessor's score");
    }

    /// @notice With a deadline longer than a tempo, epoch 2 can finalise before epoch 1. Claiming uid 1's leaf of
    /// the late epoch 1 (anyone may) must not replace its record of epoch 0, the prior finalised epoch, which is what
    /// counts while its epoch 2 leaf is unclaimed: the late record would read as 0 and make an earning validator a
    /// pruning candidate.
    function test_lastEmission_aLateOlderEpochClaimKeepsThePriorRecord() public {
        settlement.setDeadlineSlots(uint64(3 * TEMPO));
        Result memory r0 = _bootstrap();
        _claim(0, r0, 1);
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "epoch 0 recorded");
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 1);
        settlement.openEpoch(NETUID, 2);
        Result memory r1 = _defaultResult(1);
        Result memory r2 = _defaultResult(2);
        _submit(v1, 2, r2, _permits());
        _submit(v2, 2, r2, _permits());
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "the prior record while epoch 2's leaf is unclaimed");
        _submit(v1, 1, r1, _permits());
        _submit(v2, 1, r1, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "epoch 1 finalised late");
        _claim(1, r1, 1);
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "the late epoch's claim keeps the readable record");
        _claim(2, r2, 1);
        assertEq(settlement.lastEmission(NETUID, 1), 36e9, "epoch 2's own amount once claimed");
    }

    function test_openEpoch_olderThanTheLatestFinalisedReverts() public {
        _bootstrap();
        settlement.setDeadlineSlots(uint64(3 * TEMPO)); // epochs stay open past the next epoch's close
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 2);
        Result memory r2 = _defaultResult(2);
        _submit(v1, 2, r2, _permits());
        _submit(v2, 2, r2, _permits());
        assertEq(uint256(_status(2)), uint256(ISettlement.EpochStatus.Finalised), "epoch 2 finalised first");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.EpochSuperseded.selector, NETUID, uint64(1), uint64(2)));
        settlement.openEpoch(NETUID, 1);
        _warpSlot(_closeOf(1) + 3 * TEMPO + 1); // past epoch 1's deadline
        settlement.rollOver(NETUID, 1); // nothing is lost: it rolls over
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.RolledOver), "rolled over");
    }

    function test_lastEmission_lateClaimDoesNotOverwriteNewerRecord() public {
        Result memory r0 = _bootstrap();
        Result memory r1 = _finaliseByQuorum(1, [uint256(0), 5e9, 0, 0], [uint256(0), 1e9, 0, 0]);
        _claim(1, r1, 1);
        _claim(0, r0, 1); // late claim of epoch 0
        assertEq(settlement.lastEmission(NETUID, 1), 6e9, "epoch 1 record kept");
    }

    // ================================================================ roll-over

    function test_rollOver_beforeTheDeadlineReverts() public {
        _openEpoch1();
        _warpSlot(_deadlineOf(1));
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.DeadlineNotReached.selector, _deadlineOf(1), _deadlineOf(1))
        );
        settlement.rollOver(NETUID, 1);
    }

    function test_rollOver_openEpochCarriesItsBudgetToTheNextOpened() public {
        _openEpoch1();
        _warpSlot(_deadlineOf(1) + 1);
        address anyone = address(0xA11);
        vm.prank(anyone);
        settlement.rollOver(NETUID, 1);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.RolledOver), "rolled over");
        assertEq(settlement.carry(NETUID), DISTRIBUTABLE, "carried");
        // deadline(1) = close(2): epoch 2 opens now and absorbs the carry.
        settlement.openEpoch(NETUID, 2);
        assertEq(settlement.epochInfo(NETUID, 2).budget, 2 * DISTRIBUTABLE, "own + carried");
        assertEq(settlement.carry(NETUID), 0, "absorbed");
        // A result may now allocate both epochs' emission.
        Result memory r = _result(2, [uint256(80e9), 40e9, 20e9, 0], [uint256(0), 24e9, 0, 0]);
        _submit(v1, 2, r, _permits());
        _submit(v2, 2, r, _permits());
        _claim(2, r, 0);
        _claim(2, r, 1);
        _claim(2, r, 2);
        assertEq(settlement.epochInfo(NETUID, 2).claimed, 164e9, "both epochs' emission claimed");
    }

    function test_rollOver_unopenedEpochCreditsOwnerCutAndCarries() public {
        _warpSlot(_deadlineOf(0) + 1);
        settlement.rollOver(NETUID, 0);
        assertEq(staking.credited(NETUID, ownerHotkey), OWNER_CUT, "owner cut still credited");
        assertEq(settlement.carry(NETUID), DISTRIBUTABLE, "distributable carried");
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.EpochAlreadyResolved.selector,
                NETUID,
                0,
                ISettlement.EpochStatus.RolledOver
            )
        );
        settlement.rollOver(NETUID, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.EpochAlreadyOpened.selector,
                NETUID,
                0,
                ISettlement.EpochStatus.RolledOver
            )
        );
        settlement.openEpoch(NETUID, 0);
    }

    function test_rollOver_unopenedBeforeTheDeadlineReverts() public {
        _warpSlot(_closeOf(0) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.DeadlineNotReached.selector, _deadlineOf(0), _closeOf(0) + 1)
        );
        settlement.rollOver(NETUID, 0);
    }

    function test_rollOver_finalisedReverts() public {
        _bootstrap();
        _warpSlot(_deadlineOf(0) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlement.EpochAlreadyResolved.selector,
                NETUID,
                0,
                ISettlement.EpochStatus.Finalised
            )
        );
        settlement.rollOver(NETUID, 0);
    }

    function test_rollOver_outOfOrderEpochsKeepTheirOwnBudgets() public {
        // With a two-tempo deadline epoch 1 is settled before epoch 0 (still open), each with its own emission;
        // epoch 0 then rolls over into whichever epoch opens next (epoch 2), not into the already opened epoch 1.
        settlement.setDeadlineSlots(2 * TEMPO);
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        staking.setEpochEmission(NETUID, 1, uint128(OWNER_CUT), 50e9);
        assertEq(settlement.epochInfo(NETUID, 1).budget, DISTRIBUTABLE, "budget frozen at open");
        _submit(ownerHotkey, 1, _defaultResult(1), _permits());
        _warpSlot(_closeOf(0) + 2 * TEMPO + 1);
        settlement.rollOver(NETUID, 0);
        settlement.openEpoch(NETUID, 2);
        assertEq(settlement.epochInfo(NETUID, 2).budget, 2 * DISTRIBUTABLE, "epoch 2 absorbs epoch 0");
        (, uint64 latest, ) = settlement.latestFinalised(NETUID);
        assertEq(latest, 1, "epoch 1 is the latest finalised");
    }

    function test_open_mintsThePendingEmissionFirst() public {
        // Opened the slot after its close with nothing minted since: the open mints first, so the epoch's last
        // slots accrue to it (Staking reads the epoch's record after), not to the next epoch.
        _warpSlot(_closeOf(0) + 1);
        uint64 before = emission.lastMintedSlot();
        settlement.openEpoch(NETUID, 0);
        assertEq(emission.lastMintedSlot(), _closeOf(0) + 1, "minted up to the open's slot");
        assertTrue(before < _closeOf(0), "nothing had minted the close");
    }

    function test_open_rollsOverTheOverdueOpenedEpochFirst() public {
        _bootstrap();
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        _submit(v2, 1, _defaultResult(1), _permits()); // 300 of 1000: no quorum
        // deadline(1) = close(2): opening epoch 2 is possible exactly when epoch 1 can be rolled over, and nobody
        // rolled it over. The open does it first.
        _warpSlot(_closeOf(2) + 1);
        vm.prank(address(0xA11));
        settlement.openEpoch(NETUID, 2);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.RolledOver), "epoch 1 rolled over");
        assertEq(settlement.missedEpochs(NETUID), 1, "its miss counted");
        assertEq(settlement.epochInfo(NETUID, 2).budget, 2 * DISTRIBUTABLE, "own + epoch 1's, at once");
        assertEq(settlement.carry(NETUID), 0, "absorbed");
    }

    function test_open_rollsOverAnUnopenedOverdueEpoch() public {
        _bootstrap(); // epoch 0: owner cut credited at its open
        _warpSlot(_closeOf(2) + 1); // epoch 1 never opened, past its deadline
        settlement.openEpoch(NETUID, 2);
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.RolledOver), "epoch 1 rolled over");
        assertEq(staking.credited(NETUID, ownerHotkey), 3 * OWNER_CUT, "owner cuts of epochs 0, 1 and 2");
        assertEq(settlement.epochInfo(NETUID, 2).budget, 2 * DISTRIBUTABLE, "own + epoch 1's");
        assertEq(settlement.missedEpochs(NETUID), 1, "counted");
    }

    function test_open_leavesEpochsWithinTheirDeadlineAndThoseBeyondTheLookback() public {
        _bootstrap();
        // Default deadline (one tempo): the two epochs before can have turned overdue since the one before could
        // open; older ones are left to rollOver.
        _warpSlot(_closeOf(4) + 1); // epochs 1, 2 and 3 never opened, all past their deadline
        settlement.openEpoch(NETUID, 4);
        assertEq(uint256(_status(3)), uint256(ISettlement.EpochStatus.RolledOver), "epoch 3 rolled over");
        assertEq(uint256(_status(2)), uint256(ISettlement.EpochStatus.RolledOver), "epoch 2 rolled over");
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.None), "three back: left to rollOver");
        settlement.rollOver(NETUID, 1);
        assertEq(settlement.missedEpochs(NETUID), 3, "all counted");
        // A three-tempo deadline: epoch 5's is close(8), so opening epoch 6 leaves it open for votes.
        settlement.setDeadlineSlots(3 * TEMPO);
        _warpSlot(_closeOf(5) + 1);
        settlement.openEpoch(NETUID, 5);
        _warpSlot(_closeOf(6) + 1);
        settlement.openEpoch(NETUID, 6);
        assertEq(uint256(_status(5)), uint256(ISettlement.EpochStatus.Open), "still within its deadline");
    }

    function test_finalisingAnOlderEpochKeepsTheNewerPermits() public {
        settlement.setDeadlineSlots(1000);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 0);
        settlement.openEpoch(NETUID, 1);
        _submit(ownerHotkey, 1, _defaultResult(1), 0x6);
        _submit(ownerHotkey, 0, _defaultResult(0), 0xF);
        (uint256 bitmap, ) = settlement.permits(NETUID);
        assertEq(bitmap, 0x6, "permits of epoch 1, the newest");
        (, uint64 latest, ) = settlement.latestFinalised(NETUID);
        assertEq(latest, 1, "latest stays 1");
    }

    // ================================================================ governance, dissolution

    function test_governance_quorumBoundsAndOwnerOnly() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlement.QuorumOutOfRange.selector, uint16(5000)));
        settlement.setQuorumBps(5000);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.QuorumOutOfRange.selector, uint16(10_001)));
        settlement.setQuorumBps(10_001);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, v1));
        settlement.setQuorumBps(9000);
        settlement.setQuorumBps(5001);
        assertEq(settlement.quorumBps(), 5001, "set");
    }

    function test_governance_deadlineSlots() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.DeadlineOutOfRange.selector, uint64(50_401), uint64(50_400))
        );
        settlement.setDeadlineSlots(50_401);
        settlement.setDeadlineSlots(10);
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        assertEq(settlement.epochInfo(NETUID, 0).deadline, _closeOf(0) + 10, "close + 10");
    }

    function test_dissolution_startsTheNetuidAfresh() public {
        Result memory r = _bootstrap();
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotRegistry.selector, address(this), address(registry)));
        settlement.onSubnetDissolved(NETUID);

        registry.dissolve(NETUID, settlement);
        assertEq(settlement.generation(NETUID), 1, "generation bumped");
        (uint256 bitmap, bool finalised) = settlement.permits(NETUID);
        assertTrue(bitmap == 0 && !finalised, "permits reset");
        // Old leaves can no longer be claimed (they would credit the new subnet).
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.EpochNotFinalised.selector, NETUID, 0, ISettlement.EpochStatus.None)
        );
        _claim(0, r, 1);
        // A new subnet under the same netuid starts in bootstrap from epoch 0 again.
        registry.createSubnet(NETUID, address(0xC1), v3, uint16(TEMPO), _closeOf(1));
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 0);
        assertTrue(settlement.epochInfo(NETUID, 0).bootstrap, "bootstrap again");
        _submit(v3, 0, _defaultResult(0), 0x8);
        assertEq(uint256(_status(0)), uint256(ISettlement.EpochStatus.Finalised), "new owner finalised");
    }

    // ================================================================ encodings

    function testFuzz_leafMatchesAbiEncoding(
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend
    ) public view {
        bytes32 expected = keccak256(
            bytes.concat(keccak256(abi.encode(netuid, epoch, uid, hotkey, incentive, dividend)))
        );
        assertTrue(EpochResult.leaf(netuid, epoch, uid, hotkey, incentive, dividend) == expected, "leaf");
        assertTrue(settlement.leafHash(netuid, epoch, uid, hotkey, incentive, dividend) == expected, "view");
    }

    /// @dev Stake weights up to 2^85 each: above 2^64 (a subnet seeded at a very low alpha price), within the bound
    /// of a subnet's alpha issuance.
    function testFuzz_quorumFinalisesExactlyAtTheThreshold(uint96 w1, uint96 w2, uint96 w3, uint8 voters) public {
        w1 = uint96(bound(w1, 1, 1 << 85));
        w2 = uint96(bound(w2, 1, 1 << 85));
        w3 = uint96(bound(w3, 1, 1 << 85));
        staking.setStakeWeight(NETUID, v1, 1, w1);
        staking.setStakeWeight(NETUID, v2, 1, w2);
        staking.setStakeWeight(NETUID, v3, 1, w3);
        Result memory r = _openEpoch1();
        uint256 total = uint256(w1) + w2 + w3;
        uint256 quorum = (total * 6667 + 9999) / 10_000;
        assertEq(settlement.epochInfo(NETUID, 1).quorumStake, quorum, "quorum stake");
        uint256 voted;
        address[3] memory vs = [v1, v2, v3];
        uint96[3] memory ws = [w1, w2, w3];
        for (uint256 i; i < 3; i++) {
            if ((voters >> i) & 1 == 0) continue;
            _submit(vs[i], 1, r, _permits());
            voted += ws[i];
            bool fin = _status(1) == ISettlement.EpochStatus.Finalised;
            assertTrue(fin == (voted >= quorum), "finalised iff the votes reach the quorum");
            if (fin) break;
        }
    }

    // ------------------------------------------------------------------ a silent permitted majority

    address internal v4 = address(0x15);

    /// @notice Bootstrap grants uids 0-3; v1 (600 of 1000) then goes silent, and v4 (2000) registers at slot 400,
    /// after the permits' close: v2 + v3 (40%) vote on `missed` epochs in a row, which all roll over.
    function _silentMajority(uint64 missed) internal returns (Result memory r) {
        _bootstrap();
        registry.setNeuron(NETUID, 4, v4, 400);
        staking.setStakeWeight(NETUID, v4, 400, 2000e9);
        for (uint64 e = 1; e <= missed; e++) {
            _warpSlot(_closeOf(e) + 1);
            settlement.openEpoch(NETUID, e);
            r = _defaultResult(e);
            _submit(v2, e, r, _permits());
            _submit(v3, e, r, _permits());
            _warpSlot(_deadlineOf(e) + 1);
            settlement.rollOver(NETUID, e);
            assertEq(settlement.missedEpochs(NETUID), e, "missed epochs counted");
        }
    }

    function test_widen_afterMissedEpochsEveryStakedUidVotes() public {
        _silentMajority(3);
        uint64 e = 4;
        settlement.openEpoch(NETUID, e);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, e);
        assertEq(info.eligible, 0x1E, "uids 1-4: every uid with stake, the newcomer included");
        assertEq(info.permittedStake, 3000e9, "600 + 300 + 100 + 2000");
        assertEq(info.permitsClose, _closeOf(e), "registered by this epoch's close");
        Result memory r = _defaultResult(e);
        _submit(v4, e, r, 0x12);
        _submit(v2, e, r, 0x12);
        assertEq(uint256(_status(e)), uint256(ISettlement.EpochStatus.Finalised), "2300 of 3000 finalise");
        assertEq(settlement.missedEpochs(NETUID), 0, "reset by the finalisation");
        assertEq(settlement.epochInfo(NETUID, e).budget, 4 * DISTRIBUTABLE, "own + three carried");
        // The next epoch is back to the finalised permits (uids 1 and 4).
        _warpSlot(_closeOf(e + 1) + 1);
        settlement.openEpoch(NETUID, e + 1);
        assertEq(settlement.epochInfo(NETUID, e + 1).eligible, 0x12, "the new permits");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, v3));
        _submit(v3, e + 1, _defaultResult(e + 1), 0x12);
    }

    function test_widen_notBeforeTheMissedEpochs() public {
        _silentMajority(2);
        settlement.openEpoch(NETUID, 3);
        assertEq(settlement.epochInfo(NETUID, 3).eligible, 0xE, "the finalised permits with stake");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, v4));
        _submit(v4, 3, _defaultResult(3), 0x12);
    }

    function test_widen_anOutsiderOpeningFirstDoesNotDelayIt() public {
        _silentMajority(2);
        // The third miss is never rolled over by anyone: an outsider opens epoch 4 the slot epoch 3's deadline
        // passes. The open rolls epoch 3 over first, so epoch 4 is widened all the same.
        settlement.openEpoch(NETUID, 3);
        _submit(v2, 3, _defaultResult(3), _permits());
        _warpSlot(_closeOf(4) + 1);
        vm.prank(address(0xA11));
        settlement.openEpoch(NETUID, 4);
        assertEq(settlement.missedEpochs(NETUID), 3, "epoch 3's miss counted at the open");
        assertEq(settlement.epochInfo(NETUID, 4).eligible, 0x1E, "widened: every uid with stake");
    }

    function test_widen_offWhenGovernanceSetsZero() public {
        settlement.setWidenAfterMissed(0);
        assertEq(settlement.widenAfterMissed(), 0, "set");
        _silentMajority(4);
        settlement.openEpoch(NETUID, 5);
        assertEq(settlement.epochInfo(NETUID, 5).eligible, 0xE, "never widened");
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", v1));
        settlement.setWidenAfterMissed(3);
    }

    function test_widen_supersededRollOverIsNotCounted() public {
        _bootstrap();
        // Epoch 1 is left unopened while epoch 2 finalises (a deadline of two tempos lets it wait).
        settlement.setDeadlineSlots(2 * TEMPO);
        _warpSlot(_closeOf(2) + 1);
        settlement.openEpoch(NETUID, 2);
        Result memory r = _defaultResult(2);
        _submit(v1, 2, r, _permits());
        _submit(v2, 2, r, _permits());
        _warpSlot(_closeOf(1) + 2 * TEMPO + 1);
        settlement.rollOver(NETUID, 1);
        assertEq(settlement.missedEpochs(NETUID), 0, "an epoch older than the latest finalised one");
    }

    // ------------------------------------------------------------------ activity

    function test_open_inactivePermittedStakeIsNotCounted() public {
        _bootstrap();
        registry.setActivityCutoff(500);
        // Epoch 1 closes at slot 720: active iff last update + 500 >= 720.
        registry.setLastUpdate(NETUID, 1, 100); // v1 (600): inactive
        registry.setLastUpdate(NETUID, 2, 300); // v2 (300): active
        registry.setLastUpdate(NETUID, 3, 800); // v3 (100): set weights after the close, counts
        _warpSlot(_closeOf(1) + 100);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(info.eligible, 0xC, "uids 2 and 3");
        assertEq(info.permittedStake, 400e9, "300 + 100: the silent 600 has no say, as in Yuma");
        Result memory r = _defaultResult(1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotPermitted.selector, v1));
        _submit(v1, 1, r, _permits());
        _submit(v2, 1, r, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "300 of 400 finalise");
    }

    function test_open_noActivePermittedStakeCountsAllOfIt() public {
        _bootstrap();
        registry.setActivityCutoff(100);
        // Every permitted uid last updated before epoch 1 began (slot 360): inactive at 720 even with the cutoff
        // raised to the tempo.
        registry.setLastUpdate(NETUID, 1, 300);
        registry.setLastUpdate(NETUID, 2, 300);
        registry.setLastUpdate(NETUID, 3, 300);
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertTrue(!info.bootstrap, "never handed to the owner hotkey");
        assertEq(info.eligible, 0xE, "every permitted uid with stake");
        assertEq(info.permittedStake, 1000e9, "the whole permitted stake, activity aside");
        Result memory r = _defaultResult(1);
        _submit(v1, 1, r, _permits());
        _submit(v2, 1, r, _permits());
        assertEq(uint256(_status(1)), uint256(ISettlement.EpochStatus.Finalised), "900 of 1000 finalise");
    }

    function test_open_activityCutoffIsAtLeastTheEpochsLength() public {
        _bootstrap();
        registry.setActivityCutoff(100); // below the 360-slot tempo
        registry.setLastUpdate(NETUID, 1, 361); // v1 (600): set weights early in epoch 1: active
        registry.setLastUpdate(NETUID, 2, 300); // v2 (300): last set weights in epoch 0: inactive
        registry.setLastUpdate(NETUID, 3, 361); // v3 (100): active
        _warpSlot(_closeOf(1) + 1);
        settlement.openEpoch(NETUID, 1);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, 1);
        assertEq(info.eligible, 0xA, "uids 1 and 3: 361 + max(100, 360) >= 720, 300 + 360 < 720");
        assertEq(info.permittedStake, 700e9, "600 + 100");
    }
}
