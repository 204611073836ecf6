// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IWeights} from "./interfaces/IWeights.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {ISubnetRegistry} from "./interfaces/ISubnetRegistry.sol";
import {IWeightsContext} from "./interfaces/IWeightsContext.sol";
import {IPermits} from "./interfaces/IPermits.sol";
import {IEmission} from "./interfaces/IEmission.sol";
import {SlotClock} from "./libraries/SlotClock.sol";
import {WeightsCodec} from "./libraries/WeightsCodec.sol";
import {WeightsState} from "./libraries/WeightsState.sol";

/// @title Weights
/// @notice See {IWeights} and docs/weights.md. No admin: every rule comes from the registry's hyperparameters
/// and the settlement's permits. Each call reads the registry once ({IWeightsContext-weightsContext}: uid,
/// generation, the weights hyperparameters, and the neuron count or epoch where needed) and the permits at most
/// once ({IPermits-permitBitmap}); the per-validator word is also the metagraph's last update, which the registry
/// reads from here ({lastUpdateOf}).
///
/// Storage: `_validators[generation << 16 | netuid][hotkey]` is a {Validator}, one per life of the netuid (the
/// registry's generation, bumped on dissolution: a re-created subnet starts with empty queues and no weights):
///   slot +0      `weightsHash`  keccak256 of the current packed weights (the vector itself is only in the event)
///   slot +1      `word`         packed state, layout in {WeightsState}
///   slot +2..+11 `ring[10]`     commit hashes; the word says which are pending and their epochs
/// A commit writes one ring slot and the word; a reveal reads the matching ring slot and writes the hash and the
/// word; `setWeights` writes the hash and the word. Popped ring slots are not cleared (the word's head/len decide
/// what is pending), so in steady state every write replaces a non-zero value.
contract Weights is IWeights {
    using WeightsState for uint256;

    struct Validator {
        bytes32 weightsHash;
        uint256 word;
        bytes32[10] ring;
    }

    /// @inheritdoc IWeights
    ISubnetRegistryView public immutable registry;
    /// @inheritdoc IWeights
    IPermits public immutable permits;
    /// @inheritdoc IWeights
    uint256 public immutable genesisTime;

    mapping(uint256 subnetKey => mapping(address hotkey => Validator)) private _validators;

    /// @param registry_ The subnet registry (uids, hyperparameters, epochs); it must implement {IWeightsContext}.
    /// @param permits_ The settlement (validator permits).
    /// @param emission_ The emission contract, whose genesis time starts the slot clock.
    constructor(ISubnetRegistryView registry_, IPermits permits_, IEmission emission_) {
        if (address(registry_) == address(0) || address(permits_) == address(0) || address(emission_) == address(0))
            revert ZeroAddress();
        registry = registry_;
        permits = permits_;
        genesisTime = emission_.genesisTime();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Calls
    // ---------------------------------------------------------------------------------------------------------

    /// @inheritdoc IWeights
    function commitWeights(uint16 netuid, bytes32 commitHash) external {
        uint64 slot = SlotClock.current(genesisTime);
        IWeightsContext.WeightsContext memory c = _context(netuid, slot, false);
        if (!c.commitRevealEnabled) revert CommitRevealDisabled(netuid);
        _requireRegistered(netuid, c);
        _requirePermit(netuid, c);

        Validator storage v = _validators[_subnetKey(netuid, c.generation)][msg.sender];
        uint256 w = v.word;
        _requireRateLimit(w, slot, c.weightsRateLimit);

        uint64 epoch = _epoch(c);
        w = w.pop(w.expiredCount(epoch, c.revealPeriodEpochs));
        uint256 pending = w.len();
        if (pending == WeightsState.MAX_PENDING) {
            revert TooManyPendingCommits(pending, w.epochOf(0) + c.revealPeriodEpochs);
        }
        if (pending != 0) {
            uint64 newest = w.newestEpoch();
            if (epoch < newest) revert EpochWentBack(epoch, newest);
        }
        uint256 r;
        (w, r) = w.push(epoch);
        v.ring[r] = commitHash;
        v.word = w.withLastUpdate(slot);
        emit WeightsCommitted(netuid, c.uid, msg.sender, commitHash, epoch, slot);
    }

    /// @inheritdoc IWeights
    function revealWeights(uint16 netuid, bytes calldata packedWeights, bytes32 salt, uint64 versionKey) external {
        _requireFormat(packedWeights);
        uint64 slot = SlotClock.current(genesisTime);
        IWeightsContext.WeightsContext memory c = _context(netuid, slot, true);
        if (!c.commitRevealEnabled) revert CommitRevealDisabled(netuid);
        _requireRegistered(netuid, c);
        Validator storage v = _validators[_subnetKey(netuid, c.generation)][msg.sender];
        _consumeCommit(
            v,
            netuid,
            _epoch(c),
            WeightsCodec.commitHash(msg.sender, netuid, packedWeights, salt, versionKey),
            c.revealPeriodEpochs
        );
        _checkVector(netuid, packedWeights, versionKey, c);
        _storeWeights(v, netuid, c.uid, slot, packedWeights, false);
    }

    /// @inheritdoc IWeights
    function setWeights(uint16 netuid, bytes calldata packedWeights, uint64 versionKey) external {
        _requireFormat(packedWeights);
        uint64 slot = SlotClock.current(genesisTime);
        IWeightsContext.WeightsContext memory c = _context(netuid, slot, true);
        if (c.commitRevealEnabled) revert CommitRevealEnabled(netuid);
        _requireRegistered(netuid, c);
        Validator storage v = _validators[_subnetKey(netuid, c.generation)][msg.sender];
        _requireRateLimit(v.word, slot, c.weightsRateLimit);
        _checkVector(netuid, packedWeights, versionKey, c);
        _storeWeights(v, netuid, c.uid, slot, packedWeights, true);
    }

    /// @dev Pops the oldest live commit matching `h` and every older one; reverts unless it is revealable now.
    function _consumeCommit(Validator storage v, uint16 netuid, uint64 epoch, bytes32 h, uint8 revealPeriod) private {
        uint256 w = v.word;
        // Expired commits are a prefix of the queue; the oldest live commit that matches is revealed.
        uint256 expired = w.expiredCount(epoch, revealPeriod);
        uint256 pending = w.len();
        uint256 i = expired;
        while (i < pending && v.ring[w.ringIndex(i)] != h) {
            unchecked {
                ++i; // i < pending <= 10
            }
        }
        if (i == pending) _revertNoLiveCommit(v, w, h, expired, revealPeriod);
        uint64 commitEpoch = w.epochOf(i);
        uint64 revealEpoch = commitEpoch + revealPeriod;
        // A live commit has epoch <= revealEpoch; only "too early" is left.
        if (epoch != revealEpoch) revert RevealTooEarly(revealEpoch, epoch);
        unchecked {
            // i < pending <= 10.
            ++i;
        }
        v.word = w.pop(i);
        emit WeightsRevealed(netuid, msg.sender, h, commitEpoch, i);
    }

    /// @dev Records `packed` as the caller's weights (hash in storage, vector in the event).
    function _storeWeights(
        Validator storage v,
        uint16 netuid,
        uint16 uid,
        uint64 slot,
        bytes calldata packed,
        bool anchorRateLimit
    ) private {
        bytes32 wh = WeightsCodec.weightsHash(packed);
        uint256 w = v.word.withWeights(slot, uid);
        v.weightsHash = wh;
        v.word = anchorRateLimit ? w.withLastUpdate(slot) : w;
        emit WeightsSet(netuid, uid, msg.sender, slot, wh, packed);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------

    /// @inheritdoc IWeights
    function weightsHashOf(uint16 netuid, address hotkey) external view returns (bytes32) {
        return _validators[_liveKey(netuid)][hotkey].weightsHash;
    }

    /// @inheritdoc IWeights
    function weightsOf(
        uint16 netuid,
        address hotkey
    ) external view returns (bytes32 weightsHash, uint16 uid, uint64 slot) {
        Validator storage v = _validators[_liveKey(netuid)][hotkey];
        uint256 w = v.word;
        return (v.weightsHash, w.weightsUid(), w.weightsSlot());
    }

    /// @inheritdoc IWeights
    function currentWeightsOf(
        uint16 netuid,
        uint16 uid
    ) external view returns (address hotkey, bytes32 weightsHash, uint64 slot, bool current) {
        hotkey = registry.hotkeyAt(netuid, uid);
        if (hotkey == address(0)) return (hotkey, bytes32(0), 0, false);
        Validator storage v = _validators[_liveKey(netuid)][hotkey];
        uint256 w = v.word;
        weightsHash = v.weightsHash;
        slot = w.weightsSlot();
        current = weightsHash != bytes32(0) && w.weightsUid() == uid && slot >= registry.registrationSlot(netuid, uid);
    }

    /// @inheritdoc IWeights
    function lastUpdateOf(uint16 netuid, address hotkey) external view returns (uint64 slot, bool updated) {
        return _validators[_liveKey(netuid)][hotkey].word.lastUpdate();
    }

    /// @inheritdoc IWeights
    function nextAllowedSlot(uint16 netuid, address hotkey) external view returns (uint64) {
        (uint64 last, bool updated) = _validators[_liveKey(netuid)][hotkey].word.lastUpdate();
        if (!updated) return 0;
        return last + registry.hyperparams(netuid).weightsRateLimit;
    }

    /// @inheritdoc IWeights
    function pendingCommits(
        uint16 netuid,
        address hotkey
    ) external view returns (bytes32[] memory commitHashes, uint64[] memory commitEpochs) {
        Validator storage v = _validators[_liveKey(netuid)][hotkey];
        uint256 w = v.word;
        uint256 n = w.len();
        commitHashes = new bytes32[](n);
        commitEpochs = new uint64[](n);
        for (uint256 i; i < n; ++i) {
            commitHashes[i] = v.ring[w.ringIndex(i)];
            commitEpochs[i] = w.epochOf(i);
        }
    }

    /// @inheritdoc IWeights
    function commitHashOf(
        address hotkey,
        uint16 netuid,
        bytes calldata packedWeights,
        bytes32 salt,
        uint64 versionKey
    ) external pure returns (bytes32) {
        return WeightsCodec.commitHash(hotkey, netuid, packedWeights, salt, versionKey);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checks
    // ---------------------------------------------------------------------------------------------------------

    /// @dev Key of one life of `netuid` in `_validators`.
    function _subnetKey(uint16 netuid, uint32 generation) private pure returns (uint256) {
        return (uint256(generation) << 16) | netuid;
    }

    /// @dev Key of the current life of `netuid`, for views (the registry's generation; served by its extension).
    function _liveKey(uint16 netuid) private view returns (uint256) {
        return _subnetKey(netuid, ISubnetRegistry(address(registry)).generation(netuid));
    }

    /// @dev The registry's weights context of the caller at `slot`; the neuron count only when a vector is checked.
    function _context(
        uint16 netuid,
        uint64 slot,
        bool vector
    ) private view returns (IWeightsContext.WeightsContext memory) {
        return IWeightsContext(address(registry)).weightsContext(netuid, msg.sender, slot, vector);
    }

    function _requireRegistered(uint16 netuid, IWeightsContext.WeightsContext memory c) private view {
        if (!c.registered) revert NotRegistered(netuid, msg.sender);
    }

    /// @dev The context's epoch. The queue stores 40-bit epochs (WeightsState); a registry cannot reach 2^40
    /// epochs in 2^40 slots.
    function _epoch(IWeightsContext.WeightsContext memory c) private pure returns (uint64) {
        return SafeCast.toUint40(c.epoch);
    }

    /// @dev Permitted: the owner hotkey (always; before the first finalised epoch it is the only permitted
    /// validator, and it needs no permits read), or the settlement's latest finalised permit bit (one storage
    /// read there: {IPermits-permitBitmap}).
    function _requirePermit(uint16 netuid, IWeightsContext.WeightsContext memory c) private view {
        if (c.ownerHotkey) return;
        if ((permits.permitBitmap(netuid) >> c.uid) & 1 == 0) revert NoValidatorPermit(netuid, c.uid);
    }

    /// @dev subtensor: allowed if never updated, else once `slot - lastUpdate >= rateLimit`.
    function _requireRateLimit(uint256 w, uint64 slot, uint16 rateLimit) private pure {
        (uint64 last, bool updated) = w.lastUpdate();
        if (!updated) return;
        uint64 next = last + rateLimit;
        if (slot < next) revert RateLimited(next);
    }

    /// @dev Shape checks that need no chain state: whole entries, at most 256 of them.
    function _requireFormat(bytes calldata packed) private pure {
        uint256 n = packed.length;
        if (n % WeightsCodec.ENTRY_BYTES != 0) revert PackedLengthNotMultipleOf4(n);
        unchecked {
            // n % 4 == 0.
            n /= WeightsCodec.ENTRY_BYTES;
        }
        if (n > WeightsCodec.MAX_ENTRIES) revert TooManyEntries(n, WeightsCodec.MAX_ENTRIES);
    }

    /// @dev subtensor §6.1 steps 4 and 6-9 (the caller did 1-2, and 5 where it applies).
    function _checkVector(
        uint16 netuid,
        bytes calldata packed,
        uint64 versionKey,
        IWeightsContext.WeightsContext memory c
    ) private view {
        if (versionKey < c.weightsVersionKey) revert VersionKeyTooLow(versionKey, c.weightsVersionKey);
        WeightsCodec.Summary memory s = WeightsCodec.scan(packed);
        bool selfWeight = s.entries == 1 && s.firstUid == c.uid;
        if (!selfWeight) _requirePermit(netuid, c);
        if (!s.ascending) _revertOrder(packed);
        uint16 n = c.neuronCount;
        if (s.entries != 0 && s.lastUid >= n) revert UidOutOfRange(s.lastUid, n);
        if (!selfWeight) {
            uint256 required = c.minAllowedWeights < n ? c.minAllowedWeights : n;
            if (s.entries < required) revert TooFewEntries(s.entries, required);
        }
        if (s.anyNonZero && !s.hasU16Max) revert NotMaxUpscaled(WeightsCodec.rowMax(packed));
        if (!selfWeight && c.maxWeightLimit != type(uint16).max && s.sum != 0) {
            (uint64 share, uint64 limit) = WeightsCodec.maxShareQ32(s.sum, c.maxWeightLimit);
            if (share > limit) revert MaxWeightExceeded(share, limit);
        }
    }

    function _revertOrder(bytes calldata packed) private pure {
        (, uint256 index, uint16 bad, uint16 previous) = WeightsCodec.findOrderViolation(packed);
        if (bad == previous) revert DuplicateUid(index, bad);
        revert UidsNotAscending(index, bad, previous);
    }

    /// @dev No live commit matches `h`: it is expired if an expired (not yet dropped) commit matches, else unknown.
    function _revertNoLiveCommit(
        Validator storage v,
        uint256 w,
        bytes32 h,
        uint256 expired,
        uint8 revealPeriod
    ) private view {
        for (uint256 i; i < expired; ++i) {
            if (v.ring[w.ringIndex(i)] == h) {
                uint64 commitEpoch = w.epochOf(i);
                revert CommitExpired(h, commitEpoch, commitEpoch + revealPeriod);
            }
        }
        revert CommitNotFound(h);
    }
}
