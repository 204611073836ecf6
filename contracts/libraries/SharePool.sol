// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SharePool
/// @notice Share arithmetic of one (hotkey, subnet) stake pool (subtensor-reference.md §9.1): the pool holds
/// `value` alpha (TAO on root) owned through `shares`. Deposits buy shares at the pool's share price,
/// dividends raise `value` without minting shares (pro rata to every nominator). Rounding favours the pool:
/// deposits get shares rounded down, withdrawals burn shares rounded up, values round down.
///
/// The first deposit into an empty pool gets `INITIAL_SHARES_PER_UNIT` shares per rao, so that the share
/// price can rise a billion-fold through dividends before small deposits round to zero shares.
/// Bounds (Staking): value < 2^104, shares < 2^134 (the share price only falls from its initial 1e9 shares per
/// rao), so the products below stay far below 2^256.
library SharePool {
    uint256 internal constant INITIAL_SHARES_PER_UNIT = 1e9;

    /// @notice Shares bought by depositing `amount` into a pool of `totalShares` / `totalValue` (floor).
    function sharesForDeposit(uint256 amount, uint256 totalShares, uint256 totalValue) internal pure returns (uint256) {
        if (totalShares == 0) return amount * INITIAL_SHARES_PER_UNIT;
        return (amount * totalShares) / totalValue;
    }

    /// @notice Shares burned to withdraw `amount` (ceil). `totalValue` > 0.
    function sharesForWithdrawal(uint256 amount, uint256 totalShares, uint256 totalValue)
        internal
        pure
        returns (uint256)
    {
        return Math.ceilDiv(amount * totalShares, totalValue);
    }

    /// @notice Value of `shares` (floor); 0 for an empty pool.
    function valueOf(uint256 shares, uint256 totalShares, uint256 totalValue) internal pure returns (uint256) {
        if (totalShares == 0) return 0;
        return (shares * totalValue) / totalShares;
    }
}
