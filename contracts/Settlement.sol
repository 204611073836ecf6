// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEmission} from "./interfaces/IEmission.sol";
import {IPermits} from "./interfaces/IPermits.sol";
import {ISettlement} from "./interfaces/ISettlement.sol";
import {IStakingHooks} from "./interfaces/IStakingHooks.sol";
import {ISubnetRegistry} from "./interfaces/ISubnetRegistry.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {ClaimBitmap} from "./libraries/ClaimBitmap.sol";
import {EpochResult} from "./libraries/EpochResult.sol";
import {LastEmissionRecord} from "./libraries/LastEmissionRecord.sol";
import {PermitsVerifier} from "./PermitsVerifier.sol";
import {SlotClock} from "./libraries/SlotClock.sol";

/// @title Settlement
/// @notice See {ISettlement} and docs/settlement.md.
///
/// Storage (after Ownable2Step's `_owner` in slot 0 and `_pendingOwner` in slot 1):
///   slot 2  `quorumBps` (uint16) | `deadlineSlots` (uint64) | `widenAfterMissed` (uint16)
///   slot 3  `_subnets[netuid]`         Subnet (3 words, see below), keyed by netuid, reset on dissolution
///   slot 4  `_epochs[epochKey]`        Epoch (7 words, see below)
///   slot 5  `_tupleStake[epochKey][tupleHash]`  stake weight voted for a tuple
///   slot 6  `_lastEmission[sub << 8 | uid >> 1]`  two LastEmissionRecord halves per word
/// Keys: `sub = generation << 16 | netuid` (80 bits) names one life of a netuid; `epochKey = sub << 64 | epoch`
/// (144 bits). A dissolved netuid gets a new generation, so nothing of the old subnet (epochs, claims, votes,
/// pruning scores) is visible to the new one.
contract Settlement is ISettlement, Ownable2Step {
    using SafeCast for uint256;

    /// @notice Basis points of the whole.
    uint16 public constant BPS = 10_000;
    /// @notice Default quorum: 66.67% of the permitted stake (>= 2/3).
    uint16 public constant DEFAULT_QUORUM_BPS = 6667;
    /// @notice Longest vote window governance may set (subtensor's MAX_TEMPO: 7 days of slots).
    uint64 public constant MAX_DEADLINE_SLOTS = 50_400;
    /// @notice Default number of epochs in a row without a result after which every staked uid votes.
    uint16 public constant DEFAULT_WIDEN_AFTER_MISSED = 3;
    /// @notice How many earlier epochs `openEpoch` checks for a missed deadline, to roll them over first.
    uint256 public constant MAX_OVERDUE_LOOKBACK = 8;

    /// @dev `Epoch.rootOrFirstTuple` of an open epoch nobody has voted on. Written at open so that the first vote
    /// and the finalising vote rewrite a non-zero word (2,900 gas) instead of paying 20,000 for zero-to-non-zero.
    bytes32 private constant NO_TUPLE_YET = bytes32(uint256(1));
    /// @dev `Subnet.permitsBitmap` from a subnet's first open to its first finalisation, for the same reason: the
    /// first finalisation then rewrites non-zero words only. It is the bootstrap permitted set, uid 0 (the owner
    /// hotkey), so {permitBitmap} can read the word alone; {permits} still reports it as not finalised.
    uint256 private constant PERMITS_NOT_YET = 1;

    /// @inheritdoc ISettlement
    ISubnetRegistryView public immutable registry;
    /// @inheritdoc ISettlement
    IStakingHooks public immutable staking;
    /// @inheritdoc ISettlement
    IEmission public immutable emission;
    /// @inheritdoc ISettlement
    uint256 public immutable genesisTime;
    /// @notice The checks of {challengePermits}, deployed by the constructor (outside this contract's code size).
    PermitsVerifier public immutable permitsVerifier;

    /// @inheritdoc ISettlement
    uint16 public quorumBps;
    /// @inheritdoc ISettlement
    uint64 public deadlineSlots;
    /// @inheritdoc ISettlement
    uint16 public widenAfterMissed;

    /// @dev One life of a netuid.
    struct Subnet {
        // word 0
        uint64 generation; // bumped on dissolution (survives the reset)
        uint64 permitsEpoch; // latest finalised epoch: the source of `permitsBitmap` and of lastEmission
        uint40 permitsClose; // its closing slot (a stored `Epoch.close`: 40 bits)
        uint16 missed; // epochs rolled over since the latest finalisation (saturates), see `widenAfterMissed`
        bool finalised; // any epoch finalised in this generation
        bool opened; // any epoch opened in this generation
        uint48 priorPlusOne; // the latest finalised epoch before `permitsEpoch`, plus one (0: none)
        bool disproved; // `permitsBitmap` shown not to be Yuma's top-k, or chosen by such a set (see `_finalise`)
        // word 1: the latest finalised permits; PERMITS_NOT_YET (bit 0) from the first open until then, 0 before
        uint256 permitsBitmap;
        // word 2
        uint256 carry; // rolled-over emission waiting for the next opened epoch
    }

    /// @dev One epoch. Word 0 is what a claim and a vote read (and a claim writes); words 1 and 3-4 what a vote
    /// reads and writes; words 5-6 are for views and error paths.
    struct Epoch {
        // word 0
        uint96 budget; // one epoch's alpha + carry <= a subnet's alpha issuance < 2^86 (see the stake bound below)
        uint96 claimed; // <= budget, always
        EpochStatus status;
        bool bootstrap;
        uint40 close; // 2^40 slots of 12 s: 418,000 years. In word 0 because a validator's claim passes it on
        // word 1: while Open, the hash of the first tuple voted for (NO_TUPLE_YET before any vote), whose stake
        // is `firstTupleStake` (other tuples' stake: `_tupleStake`); once Finalised, the merkle root.
        bytes32 rootOrFirstTuple;
        // word 2
        uint256 unclaimed; // ClaimBitmap: all ones at open, bit uid cleared when claimed
        // word 3 (what a vote reads besides word 0)
        uint40 permitsClose; // a voter's uid must not have been re-registered after this slot
        uint40 deadline;
        // Stake weights (rao): a hotkey's alpha stake <= its subnet's alpha issuance, whose seed reserve is at most
        // 2.1e16 TAO-rao at the 1e-9 minimum seed price (< 2^85, StakingEmissionModule) plus a 21M-capped emission,
        // and tao_weight x root stake < 2^55; summed over the permitted uids < 2^86, so 88 bits hold them.
        uint88 quorumStake; // <= permittedStake
        uint88 firstTupleStake; // <= permittedStake
        // word 4
        uint256 pendingVoters; // eligible uids that have not voted
        // word 5
        uint256 eligible;
        // word 6
        uint256 permittedStake; // < 2^88 (checked at open)
    }

    mapping(uint16 netuid => Subnet) internal _subnets;
    mapping(uint256 epochKey => Epoch) internal _epochs;
    mapping(uint256 epochKey => mapping(bytes32 tupleHash => uint256 stake)) internal _tupleStake;
    mapping(uint256 wordKey => uint256 word) internal _lastEmission;

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender, address(registry));
        _;
    }

    /// @param owner_ Governance (two-step transferable).
    /// @param registry_ The subnet registry.
    /// @param staking_ The staking contract (must accept `creditEmission` from this contract).
    /// @param emission_ The emission contract, for the slot clock's genesis time.
    constructor(
        address owner_,
        ISubnetRegistryView registry_,
        IStakingHooks staking_,
        IEmission emission_
    ) Ownable(owner_) {
        if (address(registry_) == address(0) || address(staking_) == address(0) || address(emission_) == address(0)) {
            revert ZeroAddress();
        }
        registry = registry_;
        staking = staking_;
        emission = emission_;
        genesisTime = emission_.genesisTime();
        permitsVerifier = new PermitsVerifier(registry_, staking_);
        quorumBps = DEFAULT_QUORUM_BPS;
        widenAfterMissed = DEFAULT_WIDEN_AFTER_MISSED;
        emit QuorumSet(DEFAULT_QUORUM_BPS);
        emit WidenAfterMissedSet(DEFAULT_WIDEN_AFTER_MISSED);
    }

    // =================================================================== epoch life

    /// @inheritdoc ISettlement
    function openEpoch(uint16 netuid, uint64 epoch) external {
        _requireSubnet(netuid);
        Subnet storage s = _subnets[netuid];
        Epoch storage e = _epochs[_epochKey(netuid, s.generation, epoch)];
        if (e.status != EpochStatus.None) revert EpochAlreadyOpened(netuid, epoch, e.status);
        // A newer epoch finalised first (possible only with deadlines longer than a tempo): its permits are not
        // this epoch's voters. The epoch can still be rolled over once its deadline passes; nothing is lost.
        if (s.finalised && epoch < s.permitsEpoch) revert EpochSuperseded(netuid, epoch, s.permitsEpoch);

        (uint64 start, uint64 close, uint64 deadline) = _window(netuid, epoch);
        {
            uint64 nowSlot = _now();
            if (nowSlot <= close) revert EpochNotClosed(close, nowSlot);
            if (nowSlot > deadline) revert EpochExpired(deadline, nowSlot);
            // Every slot up to now minted (a no-op once this slot is): the epoch's last slots accrue to it, not to
            // the next epoch, whoever opens it and however soon after the close.
            emission.coinbase();
            _rollOverOverdue(s, netuid, epoch, nowSlot, close - start);
        }

        (uint256 ownerCut, uint256 distributable) = staking.takeEpochEmission(netuid, epoch, close);
        (, address ownerHotkey) = registry.subnetOwner(netuid);
        uint256 budget = distributable + s.carry;
        // With no owner hotkey to pay, the owner cut goes to miners and validators with the rest.
        if (ownerHotkey == address(0)) budget += ownerCut;

        if (!s.opened) {
            // First open of this subnet (generation): pay here for the words its first finalisation writes.
            s.opened = true;
            if (!s.finalised) s.permitsBitmap = PERMITS_NOT_YET;
        }
        if (s.carry != 0) s.carry = 0;
        e.budget = budget.toUint96();
        e.status = EpochStatus.Open;
        e.rootOrFirstTuple = NO_TUPLE_YET;
        e.unclaimed = ClaimBitmap.ALL_UNCLAIMED;
        e.close = uint256(close).toUint40();
        e.deadline = uint256(deadline).toUint40();
        _freezeVoters(s, e, netuid, epoch, close, close - start);
        emit EpochOpened(netuid, epoch, budget, ownerCut, e.permittedStake, e.quorumStake, e.eligible, e.bootstrap);

        if (ownerHotkey != address(0) && ownerCut != 0) {
            staking.creditEmission(netuid, ownerHotkey, ownerCut, 0, close);
            emit OwnerCutCredited(netuid, epoch, ownerHotkey, ownerCut);
        }
    }

    /// @inheritdoc ISettlement
    function submitEpochResult(
        uint16 netuid,
        uint64 epoch,
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        EpochTotals calldata totals
    ) external {
        Subnet storage s = _subnets[netuid];
        uint256 key = _epochKey(netuid, s.generation, epoch);
        Epoch storage e = _epochs[key];
        if (e.status != EpochStatus.Open) revert EpochNotOpen(netuid, epoch, e.status);
        {
            uint64 nowSlot = _now();
            if (nowSlot > e.deadline) revert EpochExpired(e.deadline, nowSlot);
            uint256 total = totals.incentive + totals.dividend;
            if (total > e.budget) revert TotalsExceedBudget(total, e.budget);
        }
        bytes32 th = EpochResult.tupleHash(root, permitsBitmap, bondsHash, totals.incentive, totals.dividend);
        bool reached = e.bootstrap ? _ownerVote(netuid, epoch, th) : _stakeVote(e, key, netuid, epoch, th);
        if (reached) _finalise(s, e, netuid, epoch, root, permitsBitmap, bondsHash, totals);
    }

    /// @inheritdoc ISettlement
    function rollOver(uint16 netuid, uint64 epoch) external {
        Subnet storage s = _subnets[netuid];
        Epoch storage e = _epochs[_epochKey(netuid, s.generation, epoch)];
        EpochStatus status = e.status;
        uint64 nowSlot = _now();

        if (status == EpochStatus.Open) {
            if (nowSlot <= e.deadline) revert DeadlineNotReached(e.deadline, nowSlot);
            _rollOverOpened(s, e, netuid, epoch);
            return;
        }
        if (status != EpochStatus.None) revert EpochAlreadyResolved(netuid, epoch, status);

        _requireSubnet(netuid);
        (, uint64 close, uint64 deadline) = _window(netuid, epoch);
        if (nowSlot <= deadline) revert DeadlineNotReached(deadline, nowSlot);
        emission.coinbase();
        _rollOverUnopened(s, e, netuid, epoch, close, deadline);
    }

    /// @inheritdoc ISettlement
    function challengePermits(uint16 netuid, uint16 excludedUid, uint16 permittedUid) external {
        Subnet storage s = _subnets[netuid];
        if (!s.finalised) revert NoFinalisedPermits(netuid);
        if (s.disproved) revert PermitsAlreadyDisproved(netuid, s.permitsEpoch);
        (uint256 x, uint256 p) = permitsVerifier.verify(
            netuid,
            s.permitsBitmap,
            s.permitsClose,
            excludedUid,
            permittedUid
        );

        s.disproved = true;
        emit PermitsDisproved(netuid, s.permitsEpoch, msg.sender, excludedUid, x, permittedUid, p);
    }

    // =================================================================== claims

    /// @inheritdoc ISettlement
    function claim(
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend,
        bytes32[] calldata proof
    ) external {
        uint256 sub = _subKey(netuid, _subnets[netuid].generation);
        Epoch storage e = _epochs[(sub << 64) | epoch];
        if (e.status != EpochStatus.Finalised) revert EpochNotFinalised(netuid, epoch, e.status);

        uint256 unclaimed = _verifyLeaf(
            e.rootOrFirstTuple,
            e.unclaimed,
            netuid,
            epoch,
            uid,
            hotkey,
            incentive,
            dividend,
            proof
        );
        uint256 amount = incentive + dividend;
        {
            uint256 claimed = e.claimed;
            uint256 budget = e.budget;
            // claimed <= budget always holds, so the subtraction cannot underflow.
            if (amount > budget - claimed) revert BudgetExceeded(claimed, amount, budget);

            unchecked {
                // claimed + amount <= budget < 2^96, checked just above.
                e.claimed = uint96(claimed + amount);
            }
        }
        e.unclaimed = unclaimed;
        if (_recordsEmission(_subnets[netuid], epoch)) _recordEmission(sub, uid, epoch, amount);
        emit Claimed(netuid, epoch, hotkey, uid, amount);

        // The close matters only for a dividend's root/alpha split: a miner's claim does not read it.
        if (amount != 0) staking.creditEmission(netuid, hotkey, incentive, dividend, dividend != 0 ? e.close : 0);
    }

    /// @inheritdoc ISettlement
    function claimBatch(uint16 netuid, uint64 epoch, ClaimLeaf[] calldata leaves) external {
        uint256 n = leaves.length;
        if (n == 0) revert EmptyBatch();
        uint256 sub = _subKey(netuid, _subnets[netuid].generation);
        Epoch storage e = _epochs[(sub << 64) | epoch];
        if (e.status != EpochStatus.Finalised) revert EpochNotFinalised(netuid, epoch, e.status);

        // Effects first, for every leaf, on the epoch's budget and bitmap...
        uint256 fresh = _claimEffects(e, sub, netuid, epoch, leaves);

        // ... then the interactions, once the epoch's state is final. `fresh` holds the uids this batch claimed;
        // a uid's first leaf in the batch is the one verified (a later duplicate was skipped), so each credits once.
        uint64 close = e.close;
        for (uint256 i; i < n; ++i) {
            ClaimLeaf calldata leaf = leaves[i];
            if (leaf.uid > type(uint8).max || !ClaimBitmap.isUnclaimed(fresh, leaf.uid)) continue;
            fresh = ClaimBitmap.markClaimed(fresh, leaf.uid);
            if (leaf.incentive | leaf.dividend != 0) {
                staking.creditEmission(netuid, leaf.hotkey, leaf.incentive, leaf.dividend, close);
            }
        }
    }

    /// @dev `claimBatch`'s checks and effects: verifies and records every leaf not claimed yet (skipping those
    /// already claimed, before or earlier in the batch), writes the epoch's claimed total and bitmap once, and
    /// returns the bitmap of the uids this batch claimed (set bit: claimed now).
    function _claimEffects(
        Epoch storage e,
        uint256 sub,
        uint16 netuid,
        uint64 epoch,
        ClaimLeaf[] calldata leaves
    ) private returns (uint256 fresh) {
        bool records = _recordsEmission(_subnets[netuid], epoch);
        bytes32 root = e.rootOrFirstTuple;
        uint256 before = e.unclaimed;
        uint256 unclaimed = before;
        uint256 claimed = e.claimed;
        uint256 budget = e.budget;
        for (uint256 i; i < leaves.length; ++i) {
            ClaimLeaf calldata leaf = leaves[i];
            if (leaf.uid <= type(uint8).max && !ClaimBitmap.isUnclaimed(unclaimed, leaf.uid)) continue;
            unclaimed = _verifyLeaf(
                root,
                unclaimed,
                netuid,
                epoch,
                leaf.uid,
                leaf.hotkey,
                leaf.incentive,
                leaf.dividend,
                leaf.proof
            );
            uint256 amount = leaf.incentive + leaf.dividend;
            // claimed <= budget holds before each leaf, so the subtraction cannot underflow.
            if (amount > budget - claimed) revert BudgetExceeded(claimed, amount, budget);
            unchecked {
                // claimed + amount <= budget, checked just above.
                claimed += amount;
            }
            if (records) _recordEmission(sub, leaf.uid, epoch, amount);
            emit Claimed(netuid, epoch, leaf.hotkey, leaf.uid, amount);
        }
        // claimed <= budget < 2^96 (checked in the loop).
        e.claimed = uint96(claimed);
        e.unclaimed = unclaimed;
        return before & ~unclaimed;
    }

    // =================================================================== registry hook, governance

    /// @inheritdoc IPermits
    function onSubnetDissolved(uint16 netuid) external onlyRegistry {
        Subnet storage s = _subnets[netuid];
        uint64 next = s.generation + 1;
        delete _subnets[netuid];
        s.generation = next;
        emit SubnetReset(netuid, next);
    }

    /// @inheritdoc ISettlement
    function setQuorumBps(uint16 bps) external onlyOwner {
        if (bps <= BPS / 2 || bps > BPS) revert QuorumOutOfRange(bps);
        quorumBps = bps;
        emit QuorumSet(bps);
    }

    /// @inheritdoc ISettlement
    function setWidenAfterMissed(uint16 epochs) external onlyOwner {
        widenAfterMissed = epochs;
        emit WidenAfterMissedSet(epochs);
    }

    /// @inheritdoc ISettlement
    function missedEpochs(uint16 netuid) external view returns (uint16) {
        return _subnets[netuid].missed;
    }

    /// @inheritdoc ISettlement
    function permitsDisproved(uint16 netuid) external view returns (bool) {
        return _subnets[netuid].disproved;
    }

    /// @inheritdoc ISettlement
    function setDeadlineSlots(uint64 slots) external onlyOwner {
        if (slots > MAX_DEADLINE_SLOTS) revert DeadlineOutOfRange(slots, MAX_DEADLINE_SLOTS);
        deadlineSlots = slots;
        emit DeadlineSet(slots);
    }

    // =================================================================== views

    /// @inheritdoc IPermits
    function permits(uint16 netuid) external view returns (uint256 bitmap, bool finalised) {
        Subnet storage s = _subnets[netuid];
        if (!s.finalised) return (0, false);
        return (s.permitsBitmap, true);
    }

    /// @inheritdoc IPermits
    function permitBitmap(uint16 netuid) external view returns (uint256) {
        // 0 before the first open, PERMITS_NOT_YET (= 1) until the first finalisation, then the finalised bitmap.
        return _subnets[netuid].permitsBitmap | 1;
    }

    /// @inheritdoc IPermits
    /// @dev The amount recorded when `uid`'s leaf of the latest finalised epoch was claimed. Until that leaf is
    /// claimed (claims are separate transactions, made after the finalisation), the amount its claim recorded for
    /// the finalised epoch before, so that a finalisation does not zero every unclaimed uid's score at once (a sync
    /// in that window would make the oldest neuron the prune candidate, whatever it earns). A record counts only
    /// for the uid's current occupant: one registered after the record's epoch closed scores 0. Otherwise 0.
    function lastEmission(uint16 netuid, uint16 uid) external view returns (uint256) {
        if (uid > type(uint8).max) return 0;
        return _lastEmissionOf(netuid, uid, registry.registrationSlot(netuid, uid));
    }

    /// @inheritdoc IPermits
    function lastEmissionOf(uint16 netuid, uint16 uid, uint64 registeredAt) external view returns (uint256) {
        return _lastEmissionOf(netuid, uid, registeredAt);
    }

    /// @dev See {lastEmission}: the score of `uid`'s occupant registered at `registeredAt`.
    function _lastEmissionOf(uint16 netuid, uint16 uid, uint64 registeredAt) private view returns (uint256) {
        Subnet storage s = _subnets[netuid];
        if (!s.finalised || uid > type(uint8).max) return 0;
        uint256 sub = _subKey(netuid, s.generation);
        (uint64 epoch, uint64 amount) = LastEmissionRecord.read(
            _lastEmission[(sub << 8) | LastEmissionRecord.wordIndex(uid)],
            uid
        );
        if (amount == 0) return 0;
        uint64 recordClose;
        if (epoch == s.permitsEpoch) {
            recordClose = s.permitsClose;
        } else {
            uint256 priorPlusOne = s.priorPlusOne;
            if (priorPlusOne == 0 || epoch != priorPlusOne - 1) return 0;
            if (!ClaimBitmap.isUnclaimed(_epochs[(sub << 64) | s.permitsEpoch].unclaimed, uid)) return 0;
            recordClose = _epochs[(sub << 64) | epoch].close;
        }
        return registeredAt > recordClose ? 0 : amount;
    }

    /// @inheritdoc ISettlement
    function generation(uint16 netuid) external view returns (uint64) {
        return _subnets[netuid].generation;
    }

    /// @inheritdoc ISettlement
    function carry(uint16 netuid) external view returns (uint256) {
        return _subnets[netuid].carry;
    }

    /// @inheritdoc IPermits
    function latestFinalised(uint16 netuid) external view returns (bool finalised, uint64 epoch, uint64 closeSlot) {
        Subnet storage s = _subnets[netuid];
        return (s.finalised, s.permitsEpoch, s.permitsClose);
    }

    /// @inheritdoc ISettlement
    function epochInfo(uint16 netuid, uint64 epoch) external view returns (EpochInfo memory info) {
        Epoch storage e = _epochs[_epochKey(netuid, _subnets[netuid].generation, epoch)];
        info.status = e.status;
        info.bootstrap = e.bootstrap;
        info.closeSlot = e.close;
        info.deadline = e.deadline;
        info.permitsClose = e.permitsClose;
        info.budget = e.budget;
        info.claimed = e.claimed;
        info.permittedStake = e.permittedStake;
        info.quorumStake = e.quorumStake;
        info.eligible = e.eligible;
        info.pendingVoters = e.pendingVoters;
        if (e.status == EpochStatus.Finalised) info.root = e.rootOrFirstTuple;
    }

    /// @inheritdoc ISettlement
    function isClaimed(uint16 netuid, uint64 epoch, uint16 uid) external view returns (bool) {
        Epoch storage e = _epochs[_epochKey(netuid, _subnets[netuid].generation, epoch)];
        return
            e.status == EpochStatus.Finalised && uid <= type(uint8).max && !ClaimBitmap.isUnclaimed(e.unclaimed, uid);
    }

    /// @inheritdoc ISettlement
    function tupleStake(uint16 netuid, uint64 epoch, bytes32 tupleHash) external view returns (uint256) {
        uint256 key = _epochKey(netuid, _subnets[netuid].generation, epoch);
        Epoch storage e = _epochs[key];
        if (e.status == EpochStatus.Open && tupleHash == e.rootOrFirstTuple) return e.firstTupleStake;
        return _tupleStake[key][tupleHash];
    }

    /// @inheritdoc ISettlement
    function tupleHashOf(
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        EpochTotals calldata totals
    ) external pure returns (bytes32) {
        return EpochResult.tupleHash(root, permitsBitmap, bondsHash, totals.incentive, totals.dividend);
    }

    /// @inheritdoc ISettlement
    function leafHash(
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend
    ) external pure returns (bytes32) {
        return EpochResult.leaf(netuid, epoch, uid, hotkey, incentive, dividend);
    }

    // =================================================================== internals

    /// @dev Bootstrap (SYSTEM.md §2.5): before the first finalised epoch the owner hotkey alone is the permitted
    /// set, and its vote finalises. Its stake is not counted (reported as 0).
    function _ownerVote(uint16 netuid, uint64 epoch, bytes32 th) private returns (bool) {
        (, address ownerHotkey) = registry.subnetOwner(netuid);
        if (msg.sender != ownerHotkey) revert NotPermitted(msg.sender);
        emit EpochResultSubmitted(netuid, epoch, msg.sender, th, 0, 0);
        return true;
    }

    /// @dev Counts `msg.sender`'s stake weight at the close for tuple `th`, once; true when the tuple has quorum.
    function _stakeVote(Epoch storage e, uint256 key, uint16 netuid, uint64 epoch, bytes32 th) private returns (bool) {
        (bool registered, uint16 uid) = registry.uidOf(netuid, msg.sender);
        if (!registered || uid > type(uint8).max) revert NotPermitted(msg.sender);
        // The permit belongs to the uid's occupant when the permits were granted; a hotkey that took the uid
        // over since then was not counted in the permitted stake (checked first: the occupant's vote does not
        // make the newcomer's `AlreadySubmitted`).
        if (registry.registrationSlot(netuid, uid) > e.permitsClose) revert NotPermitted(msg.sender);
        uint256 bit = uint256(1) << uid;
        uint256 pending = e.pendingVoters;
        if (pending & bit == 0) {
            if (e.eligible & bit != 0) revert AlreadySubmitted(msg.sender, uid);
            revert NotPermitted(msg.sender);
        }
        uint256 weight = staking.stakeWeightAt(netuid, msg.sender, e.close);

        e.pendingVoters = pending & ~bit;
        uint256 stake;
        bytes32 first = e.rootOrFirstTuple;
        if (th == first || first == NO_TUPLE_YET) {
            // The first tuple voted for (usually the only one) keeps its stake in the epoch's own words.
            if (first == NO_TUPLE_YET) e.rootOrFirstTuple = th;
            stake = e.firstTupleStake + weight;
            e.firstTupleStake = stake.toUint88(); // <= permittedStake < 2^88: never reverts
        } else {
            stake = _tupleStake[key][th] + weight;
            _tupleStake[key][th] = stake;
        }
        emit EpochResultSubmitted(netuid, epoch, msg.sender, th, weight, stake);
        return stake >= e.quorumStake;
    }

    /// @dev Marks `e` final with the tuple just voted and, if it is the subnet's newest finalised epoch, makes its
    /// permits the subnet's permits.
    function _finalise(
        Subnet storage s,
        Epoch storage e,
        uint16 netuid,
        uint64 epoch,
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        EpochTotals calldata totals
    ) private {
        e.status = EpochStatus.Finalised;
        e.rootOrFirstTuple = root;
        if (!s.finalised || epoch > s.permitsEpoch) {
            // Chosen by voters an epoch opened before the challenge froze (not widened: a widened epoch's
            // `permitsClose` is its own close; a bootstrap fallback's is 0): the new permits stand disproved too,
            // or an owner opening the next epoch at once after its own finalisation would clear every challenge
            // before it could widen anything.
            bool carried = s.disproved && e.permitsClose != e.close;
            // Epochs never exceed slots, which fit 40 bits (see `Epoch.close`): the +1 fits 48.
            if (s.finalised) s.priorPlusOne = uint48(s.permitsEpoch + 1);
            s.finalised = true;
            s.permitsEpoch = epoch;
            s.permitsClose = e.close;
            s.permitsBitmap = permitsBitmap;
            s.missed = 0;
            s.disproved = carried;
        }
        emit EpochFinalised(netuid, epoch, root, permitsBitmap, bondsHash, totals.incentive, totals.dividend);
    }

    /// @dev Checks that `uid`'s leaf is unclaimed in `unclaimed` and proven under `root`; returns the bitmap with
    /// the leaf marked claimed.
    function _verifyLeaf(
        bytes32 root,
        uint256 unclaimed,
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend,
        bytes32[] calldata proof
    ) private pure returns (uint256) {
        if (uid > type(uint8).max) revert UidOutOfRange(uid);
        if (!ClaimBitmap.isUnclaimed(unclaimed, uid)) revert AlreadyClaimed(uid);
        bytes32 leaf = EpochResult.leaf(netuid, epoch, uid, hotkey, incentive, dividend);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof(uid);
        return ClaimBitmap.markClaimed(unclaimed, uid);
    }

    /// @dev Whether claims of `epoch` record the uids' emission: only for an epoch `_lastEmissionOf` reads, the
    /// latest finalised one or the one finalised before it. An epoch finalised after a newer one (a deadline longer
    /// than a tempo lets e finalise after e + 1) is neither: its record would hide the uid's record of the prior
    /// epoch, which is what `lastEmission` reads while the latest epoch's leaf is unclaimed, and read as 0 (an
    /// earning validator made a pruning candidate by anyone claiming its late leaf).
    function _recordsEmission(Subnet storage s, uint64 epoch) private view returns (bool) {
        return epoch == s.permitsEpoch || uint256(epoch) + 1 == s.priorPlusOne;
    }

    /// @dev Records `amount` as `uid`'s emission for `epoch`, unless the uid already holds a newer epoch's record
    /// (a late claim of an older epoch).
    function _recordEmission(uint256 sub, uint16 uid, uint64 epoch, uint256 amount) private {
        uint256 wordKey = (sub << 8) | LastEmissionRecord.wordIndex(uid);
        uint256 word = _lastEmission[wordKey];
        (uint64 recorded, ) = LastEmissionRecord.read(word, uid);
        if (epoch >= recorded) _lastEmission[wordKey] = LastEmissionRecord.write(word, uid, epoch, amount);
    }

    /// @dev Freezes who may vote on `e` and the stake a tuple needs: the uids of the subnet's latest finalised
    /// permits that still hold them, or (bootstrap) the owner hotkey alone. `tempo` is the epoch's length.
    /// Widened (every uid registered by the close with stake at it votes, by stake weight; O(neurons) reads, paid
    /// by the opener) when only a finalisation could refresh the permitted set and it: let `missed` epochs in a row
    /// go without a result (validators holding more than 1 - quorum of its stake are silent); was shown not to be
    /// Yuma's ({challengePermits}); or holds a stale uid, taken over since the permits' close, whose permit cannot
    /// be checked ({challengePermits} cannot read the stake Yuma ranked there: a finaliser granting permits to a
    /// hotkey registered after the close would make them unchallengeable).
    function _freezeVoters(
        Subnet storage s,
        Epoch storage e,
        uint16 netuid,
        uint64 epoch,
        uint64 close,
        uint64 tempo
    ) private {
        if (!s.finalised) {
            e.bootstrap = true;
            return;
        }
        uint64 permitsClose = s.permitsClose;
        uint256 voters = s.permitsBitmap;
        // Active = set weights (or registered) within the cutoff of the close. The cutoff is at least the epoch's
        // length, as subtensor's (ActivityCutoffFactorMilli >= 1000 of a tempo): a validator that sets weights
        // once an epoch stays active whatever tempo and cutoff the owner chooses.
        uint256 cutoff = Math.max(registry.hyperparams(netuid).activityCutoff, tempo);
        uint256 eligible;
        uint256 permittedStake;
        bool widen = s.disproved || _missedTooMany(s); // or a stale uid, found by the tally
        if (!widen) (eligible, permittedStake, widen) = _tallyPermitted(netuid, voters, permitsClose, close, cutoff);
        if (widen) {
            voters = _allUids(netuid);
            permitsClose = close;
            emit VotersWidened(netuid, epoch, s.missed);
            (eligible, permittedStake, ) = _tallyPermitted(netuid, voters, permitsClose, close, cutoff);
        }
        // None of the permitted stake active (every permitted validator missed the cutoff): the permitted stake
        // votes as a whole, activity aside (a cutoff of `close` makes every uid active). Handing the epoch to the
        // owner instead would let an owner (or an outage) make the permitted set inactive and finalise any root
        // alone. Tallied twice only then.
        if (permittedStake == 0)
            (eligible, permittedStake, ) = _tallyPermitted(netuid, voters, permitsClose, close, close);
        // No permitted stake left at all (all deregistered, or zero stake): nobody could ever finalise, and permits
        // would never change again. Fall back to the bootstrap rule: the owner hotkey is the permitted set.
        if (permittedStake == 0) {
            e.bootstrap = true;
            return;
        }
        e.permitsClose = uint40(permitsClose); // a stored `Epoch.close`: fits 40 bits
        // quorumStake <= permittedStake (quorumBps <= BPS), so both fit 88 bits once permittedStake does.
        e.quorumStake = uint88(Math.mulDiv(permittedStake.toUint88(), quorumBps, BPS, Math.Rounding.Ceil));
        e.pendingVoters = eligible;
        e.eligible = eligible;
        e.permittedStake = permittedStake;
    }

    /// @dev Whether `widenAfterMissed` (when on) epochs in a row went without a result.
    function _missedTooMany(Subnet storage s) private view returns (bool) {
        uint16 widenAfter = widenAfterMissed;
        return widenAfter != 0 && s.missed >= widenAfter;
    }

    /// @dev The bitmap of every uid the subnet has.
    function _allUids(uint16 netuid) private view returns (uint256) {
        uint256 n = registry.neuronCount(netuid);
        return n >= 256 ? type(uint256).max : (uint256(1) << n) - 1;
    }

    /// @dev Sums the stake weight at `close` of the uids of `bitmap` that still hold the permit and are active: a
    /// hotkey sits at the uid, it registered no later than `permitsClose`, it set weights (or registered) within
    /// `cutoff` slots of the close, and it has stake. Yuma gives an inactive validator's stake no say
    /// (subtensor-reference.md §5.2: its active stake is 0), so it does not gate finality either: permitted miners,
    /// which hold stake from their incentive but never vote, would otherwise stop every epoch of a subnet whose
    /// miners came to hold more than 1 - quorum of the permitted stake. O(bits set): at most 256 (in practice
    /// maxValidators, 64) registry and staking reads, paid once per epoch by whoever opens it. `stale`: some uid of
    /// `bitmap` is held by a hotkey registered after `permitsClose`.
    function _tallyPermitted(
        uint16 netuid,
        uint256 bitmap,
        uint64 permitsClose,
        uint64 close,
        uint256 cutoff
    ) private view returns (uint256 eligible, uint256 total, bool stale) {
        while (bitmap != 0) {
            // Highest set bit first; uid < 256 (log2 of a non-zero word).
            uint256 uid = Math.log2(bitmap);
            bitmap ^= uint256(1) << uid;
            address hotkey = registry.hotkeyAt(netuid, uint16(uid));
            if (hotkey == address(0)) continue;
            if (registry.registrationSlot(netuid, uint16(uid)) > permitsClose) {
                stale = true;
                continue;
            }
            // Inactive at the close as Yuma reads it (last update + cutoff < close); the update is read now, so a
            // validator that set weights after the close counts too.
            if (uint256(ISubnetRegistry(address(registry)).lastUpdate(netuid, uint16(uid))) + cutoff < close) continue;
            uint256 weight = staking.stakeWeightAt(netuid, hotkey, close);
            if (weight == 0) continue;
            eligible |= uint256(1) << uid;
            total += weight;
        }
    }

    /// @dev The epoch's first and closing slots (from the registry) and its deadline: close + deadlineSlots, or one
    /// tempo.
    function _window(uint16 netuid, uint64 epoch) private view returns (uint64 start, uint64 close, uint64 deadline) {
        (start, close) = registry.epochBounds(netuid, epoch);
        uint64 slots = deadlineSlots;
        deadline = close + (slots == 0 ? close - start : slots);
    }

    /// @dev Rolls over, oldest first, the epochs before `epoch` still unresolved past their deadline, so that their
    /// misses count towards `widenAfterMissed` before `epoch`'s voters are frozen (and their emission joins its
    /// budget) whoever opens it and whether or not anyone called {rollOver} first. It looks at the epochs whose
    /// deadline can have passed since the epoch before could open (with a deadline of k tempos of `tempo` slots,
    /// one by default, the k + 1 before `epoch`; at most MAX_OVERDUE_LOOKBACK) and none older than the latest
    /// finalised one (a superseded epoch's miss does not count). In the usual case, `epoch - 1` finalised, there is
    /// nothing to read.
    function _rollOverOverdue(Subnet storage s, uint16 netuid, uint64 epoch, uint64 nowSlot, uint64 tempo) private {
        // openEpoch refused an epoch below `permitsEpoch`, and `permitsEpoch` itself is finalised: epoch > it.
        uint64 from = s.finalised ? s.permitsEpoch + 1 : 0;
        if (from >= epoch) return;
        uint64 slots = deadlineSlots;
        // A deadline of k tempos (0: one tempo): the k + 1 epochs before. slots <= MAX_DEADLINE_SLOTS and
        // tempo >= 1: back <= 50,401.
        uint256 back = (slots == 0 ? 1 : Math.ceilDiv(slots, tempo == 0 ? 1 : tempo)) + 1;
        if (back > MAX_OVERDUE_LOOKBACK) back = MAX_OVERDUE_LOOKBACK;
        if (epoch > back && from < epoch - back) from = epoch - uint64(back);
        uint64 gen = s.generation;
        for (uint64 p = from; p < epoch; ++p) {
            Epoch storage pe = _epochs[_epochKey(netuid, gen, p)];
            EpochStatus status = pe.status;
            if (status == EpochStatus.Open) {
                if (nowSlot > pe.deadline) _rollOverOpened(s, pe, netuid, p);
            } else if (status == EpochStatus.None) {
                (, uint64 close, uint64 deadline) = _window(netuid, p);
                if (nowSlot > deadline) _rollOverUnopened(s, pe, netuid, p, close, deadline);
            }
        }
    }

    /// @dev An opened epoch past its deadline without a result: its budget joins the carry.
    function _rollOverOpened(Subnet storage s, Epoch storage e, uint16 netuid, uint64 epoch) private {
        uint256 amount = e.budget;
        e.status = EpochStatus.RolledOver;
        uint256 carried = s.carry + amount;
        s.carry = carried;
        _countMissed(s, epoch);
        emit EpochRolledOver(netuid, epoch, amount, carried);
    }

    /// @dev A never-opened epoch past its deadline: its owner cut is still due and its distributable emission was
    /// never absorbed; the latter joins the carry.
    function _rollOverUnopened(
        Subnet storage s,
        Epoch storage e,
        uint16 netuid,
        uint64 epoch,
        uint64 close,
        uint64 deadline
    ) private {
        (uint256 ownerCut, uint256 distributable) = staking.takeEpochEmission(netuid, epoch, close);
        (, address ownerHotkey) = registry.subnetOwner(netuid);
        if (ownerHotkey == address(0)) distributable += ownerCut;

        e.status = EpochStatus.RolledOver;
        e.close = uint256(close).toUint40();
        e.deadline = uint256(deadline).toUint40();
        uint256 newCarry = s.carry + distributable;
        s.carry = newCarry;
        _countMissed(s, epoch);
        emit EpochRolledOver(netuid, epoch, distributable, newCarry);

        if (ownerHotkey != address(0) && ownerCut != 0) {
            staking.creditEmission(netuid, ownerHotkey, ownerCut, 0, close);
            emit OwnerCutCredited(netuid, epoch, ownerHotkey, ownerCut);
        }
    }

    /// @dev Counts a rolled-over epoch towards `widenAfterMissed`, unless a newer one already finalised (a superseded
    /// epoch says nothing about the permitted set).
    function _countMissed(Subnet storage s, uint64 epoch) private {
        if (s.finalised && epoch < s.permitsEpoch) return;
        uint16 missed = s.missed;
        if (missed != type(uint16).max) s.missed = missed + 1;
    }

    function _requireSubnet(uint16 netuid) private view {
        if (netuid == 0) revert RootSubnetHasNoEpochs();
        if (!registry.subnetExists(netuid)) revert SubnetNotFound(netuid);
    }

    function _now() private view returns (uint64) {
        return SlotClock.current(genesisTime);
    }

    function _subKey(uint16 netuid, uint64 gen) private pure returns (uint256) {
        return (uint256(gen) << 16) | netuid;
    }

    function _epochKey(uint16 netuid, uint64 gen, uint64 epoch) private pure returns (uint256) {
        return (_subKey(netuid, gen) << 64) | epoch;
    }
}
