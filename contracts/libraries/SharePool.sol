// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SharePool
/// @notice Share arithmetic of one (hotkey, subnet) stake pool (subtensor-reference.md §9.1): the pool holds
/// `value` alpha (TAO on root) owned through `shares`. Deposits buy shares at the pool's share price,
/// dividends raise `value` without minting shares (pro rata to every nominator). Rounding favours the pool:
/// deposits get shares rounded down, withdrawals burn shares rounded up, values round down.
///
/// The first deposit into an empty pool gets one share per rao. The share price (value per share) then never
/// falls: deposits round shares down, withdrawals round burns up, dividends add value without shares. So
/// shares <= value always, and a deposit loses less than one share's value (a few rao) to rounding.
/// Bounds (Staking): value < 2^104, hence shares < 2^104, and every product below stays under 2^208.
library SharePool {
    uint256 internal constant INITIAL_SHARES_PER_UNIT = 1;

    /// @notice Shares bought by depositing `amount` into a pool of `totalShares` / `totalValue` (floor).
    function sharesForDeposit(uint256 amount, uint256 totalShares, uint256 totalValue) internal pure returns (uint256) {
        if (totalShares == 0) return amount * INITIAL_SHARES_PER_UNIT;
        return (amount * totalShares) / totalValue;
    }

    /// @notice Shares burned to withdraw `amount` (ceil). `totalValue` > 0.
    function sharesForWithdrawal(
        uint256 amount,
        uint256 totalShares,
        uint256 totalValue
    ) internal pure returns (uint256) {
        return Math.ceilDiv(amount * totalShares, totalValue);
    }

    /// @notice Value of `shares` (floor); 0 for an empty pool.
    function valueOf(uint256 shares, uint256 totalShares, uint256 totalValue) internal pure returns (uint256) {
        if (totalShares == 0) return 0;
        return (shares * totalValue) / totalShares;
    }
}
