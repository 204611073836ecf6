// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title LockCost
/// @notice Subtensor's subnet lock cost (subtensor-reference.md §8.1, `get_network_lock_cost`), exact:
///   interval = floor(LockReductionInterval * (slotEmission / 1e9))        (I64F64, so it shrinks after halvings)
///   cost     = max(MinLock, lastLock * mult - floor(lastLock / interval) * (now - lastLockSlot))   (saturating)
/// with `mult = 2` once a subnet was ever created and `lastLock / 0 = 0` (subtensor's `safe_div`). Before the first
/// creation `lastLock = 0` here, so the cost is `MinLock` (subtensor's `mult = 1` case for an empty chain).
library LockCost {
    uint256 internal constant RAO_PER_TAO = 1e9;

    /// @notice The lock reduction interval at the current slot emission, as subtensor computes it in I64F64:
    /// `halving = floor(emission * 2^64 / 1e9)` (checked_div truncates), `floor(interval * halving / 2^64)`.
    function reductionInterval(uint256 baseInterval, uint256 slotEmission) internal pure returns (uint256) {
        // slotEmission <= 1e9 and baseInterval < 2^32: both products stay far below 2^256.
        uint256 halving = (slotEmission << 64) / RAO_PER_TAO;
        return (baseInterval * halving) >> 64;
    }

    /// @notice The lock cost now.
    function cost(
        uint256 lastLock,
        uint256 lastLockSlot,
        uint256 nowSlot,
        uint256 minLock,
        uint256 interval
    ) internal pure returns (uint256) {
        uint256 elapsed = nowSlot > lastLockSlot ? nowSlot - lastLockSlot : 0;
        uint256 decay = interval == 0 ? 0 : (lastLock / interval) * elapsed; // lastLock < 2^64, elapsed < 2^64
        uint256 doubled = lastLock * 2;
        uint256 c = doubled > decay ? doubled - decay : 0;
        return c < minLock ? minLock : c;
    }
}
