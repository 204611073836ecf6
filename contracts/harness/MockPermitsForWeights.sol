// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IPermits} from "../interfaces/IPermits.sol";

/// @title MockPermitsForWeights
/// @notice Test stand-in for the settlement's permits (another issue): a bitmap and a finalised flag per subnet.
contract MockPermitsForWeights is IPermits {
    struct Permits {
        uint256 bitmap;
        bool finalised;
    }

    mapping(uint16 => Permits) private _permits;

    function setPermits(uint16 netuid, uint256 bitmap, bool finalised) external {
        _permits[netuid] = Permits(bitmap, finalised);
    }

    function permits(uint16 netuid) external view returns (uint256 bitmap, bool finalised) {
        Permits storage p = _permits[netuid];
        return (p.bitmap, p.finalised);
    }

    function lastEmission(uint16, uint16) external pure returns (uint256) {
        return 0;
    }
}
