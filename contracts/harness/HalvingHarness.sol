// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {HalvingMath} from "../libraries/HalvingMath.sol";

/// @notice Exposes HalvingMath for tests and the differential check against TypeScript.
contract HalvingHarness {
    function emissionAt(uint256 issuance) external pure returns (uint256) {
        return HalvingMath.emissionAt(issuance);
    }

    function halvings(uint256 issuance) external pure returns (uint256) {
        return HalvingMath.halvings(issuance);
    }

    function nextThreshold(uint256 issuance) external pure returns (uint256) {
        return HalvingMath.nextThreshold(issuance);
    }

    function emissionOver(uint256 issuance, uint256 slots) external pure returns (uint256) {
        return HalvingMath.emissionOver(issuance, slots);
    }

    /// @notice Reference: the same total minted one slot at a time.
    function emissionSlotBySlot(uint256 issuance, uint256 slots) public pure returns (uint256 minted) {
        uint256 supply = issuance;
        for (uint256 i; i < slots; ++i) {
            uint256 e = HalvingMath.emissionAt(supply);
            if (e == 0) break;
            uint256 room = HalvingMath.MAX_SUPPLY - supply;
            if (e > room) e = room;
            supply += e;
        }
        return supply - issuance;
    }
}
