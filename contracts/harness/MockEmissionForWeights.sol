// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SlotClock} from "../libraries/SlotClock.sol";

/// @title MockEmissionForWeights
/// @notice The one part of IEmission the weights contract reads: the genesis time (0 = now).
contract MockEmissionForWeights {
    uint256 public immutable genesisTime;

    constructor(uint256 genesisTime_) {
        genesisTime = SlotClock.checkGenesis(genesisTime_);
    }
}
