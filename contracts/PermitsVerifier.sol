// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISettlement} from "./interfaces/ISettlement.sol";
import {IStakingHooks} from "./interfaces/IStakingHooks.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";

/// @title PermitsVerifier
/// @notice The checks of {ISettlement-challengePermits} (the reasoning is there): whether a subnet's finalised
/// permits are provably not Yuma's top-k. Stateless and read-only; the Settlement deploys it in its constructor
/// (keeping these reads out of the Settlement's runtime code, which sits near the 24,576-byte limit) and calls it
/// before it records a challenge. It reverts with the {ISettlement} error of the check that failed.
contract PermitsVerifier {
    /// @notice The subnet registry the Settlement reads.
    ISubnetRegistryView public immutable registry;
    /// @notice The staking contract the Settlement reads.
    IStakingHooks public immutable staking;

    constructor(ISubnetRegistryView registry_, IStakingHooks staking_) {
        registry = registry_;
        staking = staking_;
    }

    /// @notice Reverts unless `bitmap`, the permits granted at `close` (a finalised epoch's closing slot), leaves
    /// out `excludedUid` where Yuma would not: outranked by it over `permittedUid` (one of `bitmap`'s, not the
    /// owner's), or unfilled (fewer than k bits). Returns both uids' stake weight at `close`.
    function verify(
        uint16 netuid,
        uint256 bitmap,
        uint64 close,
        uint16 excludedUid,
        uint16 permittedUid
    ) external view returns (uint256 x, uint256 p) {
        if (excludedUid > type(uint8).max) revert ISettlement.UidOutOfRange(excludedUid);
        if (permittedUid > type(uint8).max) revert ISettlement.UidOutOfRange(permittedUid);
        if ((bitmap >> excludedUid) & 1 != 0) revert ISettlement.ExcludedUidPermitted(excludedUid);
        if ((bitmap >> permittedUid) & 1 == 0) revert ISettlement.PermittedUidNotPermitted(permittedUid);

        (, x) = _stakeAtPermits(netuid, excludedUid, close);
        if (x == 0) revert ISettlement.NoStakeAtPermits(excludedUid);
        address permittedHotkey;
        (permittedHotkey, p) = _stakeAtPermits(netuid, permittedUid, close);
        // Outranked: the stake X needs above P. The owner's uid is permitted whatever its stake, so nothing
        // outranks it; the registry keeps the owner hotkey at uid 0.
        uint256 outrank = type(uint256).max;
        {
            (, address ownerHotkey) = registry.subnetOwner(netuid);
            if (permittedUid != 0 && permittedHotkey != ownerHotkey) {
                outrank = (excludedUid > permittedUid ? p : 2 * p) + p / 1000 + 1;
            }
        }
        if (x < outrank) _requireUnfilled(netuid, bitmap, close, excludedUid, x, permittedUid, p, outrank);
    }

    /// @dev The hotkey at `uid` and its stake weight at `close`, the permits' close: its occupant must have
    /// registered by then (the stake Yuma ranked was its own). A vacant uid was vacant at the close (uids are
    /// replaced, never vacated): (0, 0).
    function _stakeAtPermits(
        uint16 netuid,
        uint16 uid,
        uint64 close
    ) private view returns (address hotkey, uint256 weight) {
        hotkey = registry.hotkeyAt(netuid, uid);
        if (hotkey == address(0)) return (hotkey, 0);
        uint64 registered = registry.registrationSlot(netuid, uid);
        if (registered > close) revert ISettlement.UidNotHeldSincePermits(uid, registered, close);
        weight = staking.stakeWeightAt(netuid, hotkey, close);
    }

    /// @dev The second way: reverts unless `bitmap` holds fewer than maxValidators bits (uid 0's not counted if it
    /// had no stake at the close: outside the top-k, it is the owner's forced permit) and the excluded stake `x`
    /// exceeds their stake at the close / 2^24. O(bits) reads, only when the bit count can be below k.
    function _requireUnfilled(
        uint16 netuid,
        uint256 bitmap,
        uint64 close,
        uint16 excludedUid,
        uint256 x,
        uint16 permittedUid,
        uint256 p,
        uint256 outrank
    ) private view {
        uint16 k = registry.hyperparams(netuid).maxValidators;
        uint256 count;
        for (uint256 b = bitmap; b != 0; b &= b - 1) ++count;
        uint256 sum;
        // count - 1 < k at best (uid 0 without stake): only then read the bits' stake.
        if (count <= k) {
            for (uint256 b = bitmap; b != 0;) {
                uint256 uid = Math.log2(b); // uid < 256
                b ^= uint256(1) << uid;
                (, uint256 w) = _stakeAtPermits(netuid, uint16(uid), close);
                if (uid == 0 && w == 0) --count;
                sum += w;
            }
            if (count < k && x > sum >> 24) return;
        }
        revert ISettlement.PermitsNotDisproved(excludedUid, x, permittedUid, p, outrank, count, sum, k);
    }
}
