// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {PoolMath} from "../libraries/PoolMath.sol";
import {SharePool} from "../libraries/SharePool.sol";
import {FlowEma} from "../libraries/FlowEma.sol";
import {PriceEma} from "../libraries/PriceEma.sol";
import {EmissionSplit} from "../libraries/EmissionSplit.sol";

/// @notice Exposes the pool math libraries for fuzz tests and the differential test against the TypeScript
/// BigInt model in offchain/pool/.
contract StakingPoolHarness {
    function feeOf(uint256 amountIn) external pure returns (uint256) {
        return PoolMath.feeOf(amountIn);
    }

    function swapOut(
        uint256 rIn,
        uint256 rOut,
        uint256 amountIn,
        bool withFee
    ) external pure returns (uint256 out, uint256 fee) {
        return PoolMath.swapOut(rIn, rOut, amountIn, withFee);
    }

    function priceAfterBuy(uint256 t, uint256 a, uint256 taoIn, bool withFee) external pure returns (uint256) {
        return PoolMath.priceAfterBuy(t, a, taoIn, withFee);
    }

    function priceAfterSell(uint256 t, uint256 a, uint256 alphaIn, bool withFee) external pure returns (uint256) {
        return PoolMath.priceAfterSell(t, a, alphaIn, withFee);
    }

    function maxBuy(uint256 t, uint256 a, uint256 limit, uint256 cap, bool withFee) external pure returns (uint256) {
        return PoolMath.maxBuy(t, a, limit, cap, withFee);
    }

    function maxSell(uint256 t, uint256 a, uint256 limit, uint256 cap, bool withFee) external pure returns (uint256) {
        return PoolMath.maxSell(t, a, limit, cap, withFee);
    }

    function maxInAboveFloor(uint256 rIn, uint256 rOut, uint256 x) external pure returns (uint256) {
        return PoolMath.maxInAboveFloor(rIn, rOut, x);
    }

    function inject(
        uint256 t,
        uint256 a,
        uint256 taoIn,
        uint256 alphaCap
    ) external pure returns (uint256 tNew, uint256 aNew, uint256 alphaIn, uint256 bought) {
        return PoolMath.inject(t, a, taoIn, alphaCap);
    }

    function sharesForDeposit(uint256 amount, uint256 totalShares, uint256 totalValue) external pure returns (uint256) {
        return SharePool.sharesForDeposit(amount, totalShares, totalValue);
    }

    function sharesForWithdrawal(
        uint256 amount,
        uint256 totalShares,
        uint256 totalValue
    ) external pure returns (uint256) {
        return SharePool.sharesForWithdrawal(amount, totalShares, totalValue);
    }

    function shareValue(uint256 shares, uint256 totalShares, uint256 totalValue) external pure returns (uint256) {
        return SharePool.valueOf(shares, totalShares, totalValue);
    }

    function flowDecay(uint256 slots) external pure returns (uint256) {
        return FlowEma.decay(slots);
    }

    function flowUpdate(int256 ema, int256 flow, uint256 slots) external pure returns (int256) {
        return FlowEma.update(ema, flow, slots, FlowEma.decay(slots));
    }

    function priceEmaUpdate(
        uint256 ema,
        uint256 spot,
        uint256 sinceStart,
        uint256 slots
    ) external pure returns (uint256) {
        return PriceEma.update(ema, spot, sinceStart, slots);
    }

    function splitByWeight(uint256 minted, uint256[] memory weights) external pure returns (uint256[] memory) {
        uint256 sum;
        for (uint256 i; i < weights.length; ++i) sum += weights[i];
        return EmissionSplit.byWeight(minted, weights, sum);
    }
}
