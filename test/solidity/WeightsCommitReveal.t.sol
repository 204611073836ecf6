// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {WeightsFixture} from "./WeightsFixture.t.sol";
import {Weights} from "../../contracts/Weights.sol";
import {IWeights} from "../../contracts/interfaces/IWeights.sol";
import {IPermits} from "../../contracts/interfaces/IPermits.sol";
import {IEmission} from "../../contracts/interfaces/IEmission.sol";
import {ISubnetRegistryView} from "../../contracts/interfaces/ISubnetRegistryView.sol";

contract WeightsCommitRevealTest is WeightsFixture {
    event WeightsCommitted(
        uint16 indexed netuid,
        uint16 indexed uid,
        address indexed hotkey,
        bytes32 commitHash,
        uint64 commitEpoch,
        uint64 slot
    );
    event WeightsRevealed(
        uint16 indexed netuid,
        address indexed hotkey,
        bytes32 commitHash,
        uint64 commitEpoch,
        uint256 popped
    );
    event WeightsSet(
        uint16 indexed netuid,
        uint16 indexed uid,
        address indexed hotkey,
        uint64 slot,
        bytes32 weightsHash,
        bytes packedWeights
    );

    // ----- happy path ----------------------------------------------------------------------------------------

    function test_commitThenRevealNextEpoch() public {
        bytes memory v = _vector();
        uint64 commitSlot = _slot();
        uint64 commitEpoch = _epoch(CR);
        bytes32 h = _hash(A, CR, v, SALT, 0);

        vmx.expectEmit(true, true, true, true, address(weights));
        emit WeightsCommitted(CR, UID_A, A, h, commitEpoch, commitSlot);
        vm.prank(A);
        weights.commitWeights(CR, h);

        (uint64 last, bool updated) = weights.lastUpdateOf(CR, A);
        assertTrue(updated && last == commitSlot, "rate-limit anchor = commit slot");
        (bytes32[] memory hashes, uint64[] memory epochs) = weights.pendingCommits(CR, A);
        assertEq(hashes.length, 1, "one pending");
        assertTrue(hashes[0] == h && epochs[0] == commitEpoch, "pending entry");

        _nextEpoch(CR);
        uint64 revealSlot = _slot();
        vmx.expectEmit(true, true, false, true, address(weights));
        emit WeightsRevealed(CR, A, h, commitEpoch, 1);
        vmx.expectEmit(true, true, true, true, address(weights));
        emit WeightsSet(CR, UID_A, A, revealSlot, keccak256(v), v);
        _reveal(A, v, SALT, 0);

        assertTrue(weights.weightsHashOf(CR, A) == keccak256(v), "stored hash");
        (bytes32 wh, uint16 uid, uint64 slot) = weights.weightsOf(CR, A);
        assertTrue(wh == keccak256(v) && uid == UID_A && slot == revealSlot, "weightsOf");
        assertEq(_pendingCount(A), 0, "queue empty");
        (last, ) = weights.lastUpdateOf(CR, A);
        assertEq(last, commitSlot, "reveal does not move the rate-limit anchor");
        (, bytes32 cur, , bool current) = weights.currentWeightsOf(CR, UID_A);
        assertTrue(current && cur == keccak256(v), "current for uid 0");
    }

    function test_revealPeriodTwoEpochs() public {
        registry.setCommitReveal(CR, true, 2);
        bytes memory v = _vector();
        uint64 e = _epoch(CR);
        _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.RevealTooEarly.selector, e + 2, e + 1));
        weights.revealWeights(CR, v, SALT, 0);
        _nextEpoch(CR);
        _reveal(A, v, SALT, 0);
        assertTrue(weights.weightsHashOf(CR, A) == keccak256(v), "revealed in e + 2");
    }

    // ----- failing reveals -----------------------------------------------------------------------------------

    function test_revealWrongSalt() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        bytes32 wrong = _hash(A, CR, v, keccak256("other salt"), 0);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, wrong));
        weights.revealWeights(CR, v, keccak256("other salt"), 0);
    }

    function test_revealWrongVersion() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 7);
        _nextEpoch(CR);
        bytes32 wrong = _hash(A, CR, v, SALT, 8);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, wrong));
        weights.revealWeights(CR, v, SALT, 8);
        _reveal(A, v, SALT, 7); // the committed version still reveals
    }

    function test_revealVersionBelowSubnetKey() public {
        registry.setWeightRules(CR, 1, type(uint16).max, uint16(RATE_LIMIT), 5);
        bytes memory v = _vector();
        _commit(A, v, SALT, 4);
        _nextEpoch(CR);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.VersionKeyTooLow.selector, uint64(4), uint64(5)));
        weights.revealWeights(CR, v, SALT, 4);
    }

    function test_revealTooEarly() public {
        bytes memory v = _vector();
        uint64 e = _epoch(CR);
        _commit(A, v, SALT, 0);
        _warpSlots(10);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.RevealTooEarly.selector, e + 1, e));
        weights.revealWeights(CR, v, SALT, 0);
    }

    function test_revealTooLate() public {
        bytes memory v = _vector();
        uint64 e = _epoch(CR);
        bytes32 h = _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        _nextEpoch(CR);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitExpired.selector, h, e, e + 1));
        weights.revealWeights(CR, v, SALT, 0);
    }

    function test_revealTwice() public {
        bytes memory v = _vector();
        bytes32 h = _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        _reveal(A, v, SALT, 0);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, h));
        weights.revealWeights(CR, v, SALT, 0);
    }

    function test_revealByAnotherValidator() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        bytes32 asB = _hash(B, CR, v, SALT, 0);
        vm.prank(B);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, asB));
        weights.revealWeights(CR, v, SALT, 0);
        assertEq(_pendingCount(A), 1, "A's commit untouched");
    }

    /// @dev F sees A's reveal in the mempool and sends it first, even after committing A's very hash: the hash
    /// binds A's address, so F's reveal never matches and A's still goes through.
    function test_frontRunnerReplayingRevealFails() public {
        bytes memory v = _vector();
        bytes32 hA = _commit(A, v, SALT, 0);
        vm.prank(F);
        weights.commitWeights(CR, hA); // copy A's commitment
        _nextEpoch(CR);
        bytes32 asF = _hash(F, CR, v, SALT, 0);
        vm.prank(F);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, asF));
        weights.revealWeights(CR, v, SALT, 0);
        _reveal(A, v, SALT, 0);
        assertTrue(weights.weightsHashOf(CR, A) == keccak256(v), "A revealed");
        assertTrue(weights.weightsHashOf(CR, F) == bytes32(0), "F has no weights");
    }

    function test_revealAfterLosingPermit() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        permits.setPermits(CR, PERMITS & ~uint256(1 << UID_A), true);
        vm.prank(A);
        vm.expectRevert(_noPermit(CR, UID_A));
        weights.revealWeights(CR, v, SALT, 0);
    }

    function test_revealSelfWeightAfterLosingPermit() public {
        bytes memory self = _one(UID_A, 65535);
        _commit(A, self, SALT, 0);
        _nextEpoch(CR);
        permits.setPermits(CR, 0, true);
        _reveal(A, self, SALT, 0);
        assertTrue(weights.weightsHashOf(CR, A) == keccak256(self), "self-weight needs no permit");
    }

    function test_revealAfterDeregistration() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        registry.replace(CR, UID_A, address(0xDEAD));
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.NotRegistered.selector, CR, A));
        weights.revealWeights(CR, v, SALT, 0);
    }

    function test_revealInvalidVectorFailsEvenWithMatchingCommit() public {
        bytes memory bad = _two(3, 65535, 3, 1); // duplicate uid
        _commit(A, bad, SALT, 0);
        _nextEpoch(CR);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.DuplicateUid.selector, uint256(1), uint16(3)));
        weights.revealWeights(CR, bad, SALT, 0);
        assertEq(_pendingCount(A), 1, "the failed reveal left the queue as it was");
    }

    function test_revealFormatChecksComeFirst() public {
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.PackedLengthNotMultipleOf4.selector, uint256(3)));
        weights.revealWeights(CR, hex"000100", SALT, 0);
    }

    // ----- the queue -----------------------------------------------------------------------------------------

    function test_eleventhPendingCommitReverts() public {
        registry.setWeightRules(CR, 1, type(uint16).max, 0, 0); // no rate limit: ten commits in one slot
        uint64 e = _epoch(CR);
        for (uint256 i; i < 10; ++i) _commit(A, _vector(), bytes32(i), 0);
        assertEq(_pendingCount(A), 10, "ten pending");
        bytes32 h = _hash(A, CR, _vector(), bytes32(uint256(10)), 0);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.TooManyPendingCommits.selector, uint256(10), e + 1));
        weights.commitWeights(CR, h);
        // Another validator is unaffected by A's full queue.
        _commit(B, _vector(), SALT, 0);
        assertEq(_pendingCount(B), 1, "B commits");
    }

    function test_expiredCommitsAreDroppedLazilyByTheCommitter() public {
        registry.setWeightRules(CR, 1, type(uint16).max, 0, 0);
        for (uint256 i; i < 10; ++i) _commit(A, _vector(), bytes32(i), 0);
        _nextEpoch(CR);
        _nextEpoch(CR); // all ten expired, still stored
        assertEq(_pendingCount(A), 10, "expired entries stay until A acts");
        uint64 e = _epoch(CR);
        bytes32 h = _commit(A, _vector(), keccak256("fresh"), 0);
        (bytes32[] memory hashes, uint64[] memory epochs) = weights.pendingCommits(CR, A);
        assertEq(hashes.length, 1, "the ten expired commits were dropped");
        assertTrue(hashes[0] == h && epochs[0] == e, "the new commit is the only one");
    }

    function test_revealPopsTheMatchAndOlderCommits() public {
        registry.setWeightRules(CR, 1, type(uint16).max, 0, 0);
        bytes memory v1 = _one(1, 65535);
        bytes memory v2 = _one(2, 65535);
        bytes memory v3 = _one(5, 65535);
        bytes32 h1 = _commit(A, v1, SALT, 0);
        bytes32 h2 = _commit(A, v2, SALT, 0);
        bytes32 h3 = _commit(A, v3, SALT, 0);
        uint64 e = _epoch(CR);
        _nextEpoch(CR);
        vmx.expectEmit(true, true, false, true, address(weights));
        emit WeightsRevealed(CR, A, h2, e, 2);
        _reveal(A, v2, SALT, 0);
        (bytes32[] memory hashes, ) = weights.pendingCommits(CR, A);
        assertTrue(hashes.length == 1 && hashes[0] == h3, "only the newer commit is left");
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, h1));
        weights.revealWeights(CR, v1, SALT, 0);
        _reveal(A, v3, SALT, 0);
        assertTrue(weights.weightsHashOf(CR, A) == keccak256(v3), "latest reveal wins");
    }

    function test_sameHashTwiceRevealsTheOldestFirst() public {
        bytes memory v = _vector();
        uint64 e = _epoch(CR);
        bytes32 h = _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        _commit(A, v, SALT, 0); // same hash, epoch e + 1
        vmx.expectEmit(true, true, false, true, address(weights));
        emit WeightsRevealed(CR, A, h, e, 1);
        _reveal(A, v, SALT, 0);
        (, uint64[] memory epochs) = weights.pendingCommits(CR, A);
        assertTrue(epochs.length == 1 && epochs[0] == e + 1, "the newer twin remains");
    }

    function test_expiredTwinIsSkippedForTheLiveOne() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 0); // epoch e
        _nextEpoch(CR);
        _nextEpoch(CR);
        uint64 e2 = _epoch(CR);
        _commit(A, v, SALT, 0); // epoch e + 2; the first expired
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.RevealTooEarly.selector, e2 + 1, e2));
        weights.revealWeights(CR, v, SALT, 0);
        _nextEpoch(CR);
        _reveal(A, v, SALT, 0);
        assertEq(_pendingCount(A), 0, "empty");
    }

    function test_ringWrapsAroundOverManyEpochs() public {
        // Commit every 100 slots, reveal each one in the next epoch: the ring's head moves all the way round.
        bytes[] memory vs = new bytes[](40);
        uint256 revealed;
        for (uint256 i; i < 40; ++i) {
            vs[i] = _one(uint16(1 + (i % 9)), 65535);
            _commit(A, vs[i], bytes32(i), 0);
            _warpSlots(RATE_LIMIT);
            // Reveal everything committed in the previous epoch.
            while (revealed < i) {
                vm.prank(A);
                try weights.revealWeights(CR, vs[revealed], bytes32(revealed), 0) {
                    ++revealed;
                } catch {
                    break;
                }
            }
            assertLe(_pendingCount(A), 10, "bounded");
        }
        assertTrue(revealed > 25, "most commits were revealed");
        assertTrue(weights.weightsHashOf(CR, A) == keccak256(vs[revealed - 1]), "latest reveal stored");
    }

    function test_epochGoingBackIsRejected() public {
        registry.setWeightRules(CR, 1, type(uint16).max, 0, 0);
        vm.warp(genesis + 5 * TEMPO * SLOT + 7 * SLOT);
        uint64 e = _epoch(CR);
        assertEq(e, 5, "epoch 5");
        _commit(A, _vector(), SALT, 0);
        registry.setTempo(CR, uint16(TEMPO * 4)); // the registry renumbers epochs: now epoch 1
        bytes32 h = _hash(A, CR, _vector(), keccak256("x"), 0);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.EpochWentBack.selector, uint64(1), uint64(5)));
        weights.commitWeights(CR, h);
    }

    function test_aNewLifeOfTheNetuidStartsEmpty() public {
        registry.setWeightRules(CR, 1, type(uint16).max, 0, 0);
        for (uint256 i; i < 10; ++i) _commit(A, _vector(), bytes32(i), 0);
        bytes32 old = _hash(A, CR, _vector(), bytes32(0), 0);
        registry.bumpGeneration(CR); // dissolved and created again (its epochs would restart from 0)
        assertEq(_pendingCount(A), 0, "no pending commits in the new life");
        (uint64 last, bool updated) = weights.lastUpdateOf(CR, A);
        assertTrue(!updated && last == 0, "no last update in the new life");
        // A full queue of the old life neither blocks a commit nor can be revealed in the new one.
        bytes32 h = _commit(A, _vector(), keccak256("new life"), 0);
        (bytes32[] memory hashes, ) = weights.pendingCommits(CR, A);
        assertTrue(hashes.length == 1 && hashes[0] == h, "one fresh commit");
        _nextEpoch(CR);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitNotFound.selector, old));
        weights.revealWeights(CR, _vector(), bytes32(0), 0);
    }

    // ----- commit checks -------------------------------------------------------------------------------------

    function test_commitRateLimited() public {
        uint64 s = _slot();
        _commit(A, _vector(), SALT, 0);
        _warpSlots(RATE_LIMIT - 1);
        bytes32 h = _hash(A, CR, _vector(), keccak256("2"), 0);
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.RateLimited.selector, s + RATE_LIMIT));
        weights.commitWeights(CR, h);
        assertEq(weights.nextAllowedSlot(CR, A), s + RATE_LIMIT, "nextAllowedSlot");
        _warpSlots(1);
        vm.prank(A);
        weights.commitWeights(CR, h);
        assertEq(_pendingCount(A), 2, "allowed at the limit");
    }

    function test_commitWithoutPermit() public {
        vm.prank(C);
        vm.expectRevert(_noPermit(CR, UID_C));
        weights.commitWeights(CR, keccak256("c"));
    }

    function test_ownerHotkeyCommitsWithoutPermitBit() public {
        vm.prank(OWNER_HOT);
        weights.commitWeights(CR, keccak256("o"));
        assertEq(_pendingCount(OWNER_HOT), 1, "owner always permitted");
    }

    function test_bootstrapOnlyOwnerHotkeyIsPermitted() public {
        permits.setPermits(CR, type(uint256).max, false); // not finalised: the bitmap does not count yet
        vm.prank(A);
        vm.expectRevert(_noPermit(CR, UID_A));
        weights.commitWeights(CR, keccak256("a"));
        vm.prank(OWNER_HOT);
        weights.commitWeights(CR, keccak256("o"));
        assertEq(_pendingCount(OWNER_HOT), 1, "owner commits before the first finalised epoch");
    }

    function test_commitNotRegistered() public {
        vm.prank(address(0xBEEF));
        vm.expectRevert(abi.encodeWithSelector(IWeights.NotRegistered.selector, CR, address(0xBEEF)));
        weights.commitWeights(CR, keccak256("x"));
    }

    function test_commitRevealOffRejectsCommitAndReveal() public {
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitRevealDisabled.selector, DIRECT));
        weights.commitWeights(DIRECT, keccak256("x"));
        vm.prank(A);
        vm.expectRevert(abi.encodeWithSelector(IWeights.CommitRevealDisabled.selector, DIRECT));
        weights.revealWeights(DIRECT, _vector(), SALT, 0);
    }

    function test_commitHashOfMatchesTheDocumentedEncoding() public view {
        bytes memory v = _vector();
        assertTrue(weights.commitHashOf(A, CR, v, SALT, 9) == _hash(A, CR, v, SALT, 9), "commit hash");
        assertTrue(weights.commitHashOf(B, CR, v, SALT, 9) != _hash(A, CR, v, SALT, 9), "hotkey bound");
        assertTrue(weights.commitHashOf(A, DIRECT, v, SALT, 9) != _hash(A, CR, v, SALT, 9), "netuid bound");
    }

    // ----- uid changing hands --------------------------------------------------------------------------------

    function test_newOccupantDoesNotInheritWeights() public {
        bytes memory v = _vector();
        _commit(A, v, SALT, 0);
        _nextEpoch(CR);
        _reveal(A, v, SALT, 0);
        (, , , bool current) = weights.currentWeightsOf(CR, UID_A);
        assertTrue(current, "A's weights count for uid 0");

        _warpSlots(1);
        registry.replace(CR, UID_A, address(0xD00D)); // A pruned; a new hotkey takes uid 0
        (address hk, bytes32 wh, , bool cur) = weights.currentWeightsOf(CR, UID_A);
        assertTrue(hk == address(0xD00D) && wh == bytes32(0) && !cur, "new occupant has no weights");

        // A registers again, at a new uid: its old row was set at uid 0 and does not count for the new uid.
        uint16 newUid = registry.register(CR, A);
        (, wh, , cur) = weights.currentWeightsOf(CR, newUid);
        assertTrue(wh == keccak256(v) && !cur, "old row, wrong uid");

        // A back at uid 0 after being pruned again: the row predates this registration.
        _warpSlots(1);
        registry.replace(CR, UID_A, A);
        (hk, wh, , cur) = weights.currentWeightsOf(CR, UID_A);
        assertTrue(hk == A && wh == keccak256(v) && !cur, "row set before the current registration");
    }

    function test_currentWeightsOfUnusedUid() public view {
        (address hk, bytes32 wh, uint64 slot, bool cur) = weights.currentWeightsOf(CR, 200);
        assertTrue(hk == address(0) && wh == bytes32(0) && slot == 0 && !cur, "unused uid");
    }

    function test_constructorRejectsZeroAddresses() public {
        WeightsDeployer d = new WeightsDeployer();
        address[3] memory good = [address(registry), address(permits), address(emission)];
        for (uint256 i; i < 3; ++i) {
            address[3] memory args = [good[0], good[1], good[2]]; // a copy, not an alias
            args[i] = address(0);
            vm.expectRevert(_err(IWeights.ZeroAddress.selector));
            d.deploy(args[0], args[1], args[2]);
        }
        Weights w = d.deploy(good[0], good[1], good[2]);
        assertEq(w.genesisTime(), genesis, "genesis read from the emission contract");
    }

    function test_hyperparamsStructIsRead() public view {
        ISubnetRegistryView.Hyperparams memory hp = registry.hyperparams(CR);
        assertTrue(hp.commitRevealEnabled && hp.revealPeriodEpochs == 1, "fixture subnet uses CR, period 1");
    }
}

contract WeightsDeployer {
    function deploy(address registry, address permits, address emission) external returns (Weights) {
        return new Weights(ISubnetRegistryView(registry), IPermits(permits), IEmission(emission));
    }
}
