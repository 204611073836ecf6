// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Emission} from "../Emission.sol";

/// @notice Test-only Emission that can seed issuance (to reach halvings and the cap without 2e7 slots).
contract EmissionHarness is Emission {
    constructor(address owner_, uint256 genesisTime_) Emission(owner_, genesisTime_) {}

    function seedIssuance(address to, uint256 amount) external onlyOwner {
        tao.mint(to, amount);
    }
}
