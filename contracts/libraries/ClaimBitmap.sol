// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ClaimBitmap
/// @notice Which uids (0..255) of one epoch are still unclaimed, as one 256-bit word with bit `uid` SET while the
/// leaf is unclaimed. The word is written as all ones when the epoch opens, so that claims only ever rewrite a
/// non-zero word (2,900 gas) and never pay the 20,000 gas of a zero-to-non-zero store; the last claim clears it.
library ClaimBitmap {
    /// @notice The word of an epoch in which nothing is claimed yet.
    uint256 internal constant ALL_UNCLAIMED = type(uint256).max;

    /// @notice Whether `uid`'s bit is still set in `unclaimed`.
    function isUnclaimed(uint256 unclaimed, uint16 uid) internal pure returns (bool) {
        return (unclaimed >> uid) & 1 == 1;
    }

    /// @notice `unclaimed` with `uid`'s bit cleared.
    function markClaimed(uint256 unclaimed, uint16 uid) internal pure returns (uint256) {
        return unclaimed & ~(uint256(1) << uid);
    }
}
