// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {BurnCost} from "../libraries/BurnCost.sol";
import {LockCost} from "../libraries/LockCost.sol";

/// @notice Exposes the registry's price formulas for the differential tests against BigInt models.
contract RegistryMathHarness {
    function decayFactorQ32(uint256 halfLife) external pure returns (uint32) {
        return BurnCost.decayFactorQ32(halfLife);
    }

    function powQ128(uint256 factorQ32, uint256 n) external pure returns (uint256) {
        return BurnCost.powQ128(factorQ32, n);
    }

    function burnPriceAt(
        uint256 anchor,
        uint256 elapsed,
        uint256 factorQ32,
        uint256 minBurn,
        uint256 maxBurn
    ) external pure returns (uint256) {
        return BurnCost.priceAt(anchor, elapsed, factorQ32, minBurn, maxBurn);
    }

    function burnBumped(
        uint256 price,
        uint256 multPpm,
        uint256 minBurn,
        uint256 maxBurn
    ) external pure returns (uint256) {
        return BurnCost.bumped(price, multPpm, minBurn, maxBurn);
    }

    /// @notice The closed-form price after a sequence of registrations: `gaps[i]` slots after the previous one,
    /// each paying the decayed price and bumping it. Returns every price paid.
    function burnSequence(
        uint256 start,
        uint256[] calldata gaps,
        uint256 factorQ32,
        uint256 multPpm,
        uint256 minBurn,
        uint256 maxBurn
    ) external pure returns (uint256[] memory paid) {
        paid = new uint256[](gaps.length);
        uint256 anchor = start;
        for (uint256 i; i < gaps.length; ++i) {
            uint256 p = BurnCost.priceAt(anchor, gaps[i], factorQ32, minBurn, maxBurn);
            paid[i] = p;
            anchor = BurnCost.bumped(p, multPpm, minBurn, maxBurn);
        }
    }

    function lockReductionInterval(uint256 baseInterval, uint256 slotEmission) external pure returns (uint256) {
        return LockCost.reductionInterval(baseInterval, slotEmission);
    }

    function lockCost(
        uint256 lastLock,
        uint256 lastLockSlot,
        uint256 nowSlot,
        uint256 minLock,
        uint256 interval
    ) external pure returns (uint256) {
        return LockCost.cost(lastLock, lastLockSlot, nowSlot, minLock, interval);
    }
}
