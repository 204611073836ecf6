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
    /// @dev What {permitBitmap} returns, one slot as in the settlement. The mock registry's uid 0 is not
    /// necessarily the owner hotkey, so bit 0 is not forced (Weights exempts the owner hotkey before reading).
    mapping(uint16 => uint256) private _permitted;

    function setPermits(uint16 netuid, uint256 bitmap, bool finalised) external {
        _permits[netuid] = Permits(bitmap, finalised);
        _permitted[netuid] = finalised ? bitmap : 0;
    }

    function latestFinalised(uint16 netuid) external view returns (bool finalised, uint64 epoch, uint64 closeSlot) {
        return (_permits[netuid].finalised, 0, type(uint64).max);
    }

    function onSubnetDissolved(uint16 netuid) external {
        delete _permits[netuid];
        delete _permitted[netuid];
    }

    function permitBitmap(uint16 netuid) external view returns (uint256) {
        return _permitted[netuid];
    }

    function permits(uint16 netuid) external view returns (uint256 bitmap, bool finalised) {
        Permits storage p = _permits[netuid];
        return (p.bitmap, p.finalised);
    }

    function lastEmission(uint16, uint16) external pure returns (uint256) {
        return 0;
    }

    function lastEmissionOf(uint16, uint16, uint64) external pure returns (uint256) {
        return 0;
    }
}
