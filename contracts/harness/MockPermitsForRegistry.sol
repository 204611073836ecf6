// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IPermits} from "../interfaces/IPermits.sol";

/// @notice Test stand-in for the Permits contract: settable permit bitmaps and last-epoch emissions.
contract MockPermitsForRegistry is IPermits {
    mapping(uint16 => uint256) private _bitmap;
    mapping(uint16 => bool) private _finalised;
    mapping(uint16 => mapping(uint16 => uint256)) public lastEmission;

    /// @dev What {permitBitmap} returns, in one slot as in the settlement.
    mapping(uint16 => uint256) private _permitted;

    function setPermits(uint16 netuid, uint256 bitmap, bool finalised) external {
        _bitmap[netuid] = bitmap;
        _finalised[netuid] = finalised;
        _permitted[netuid] = (finalised ? bitmap : 0) | 1;
    }

    function setLastEmission(uint16 netuid, uint16 uid, uint256 amount) external {
        lastEmission[netuid][uid] = amount;
    }

    /// @dev The set amount, whatever the occupant's registration slot (the tests set what the sync should read).
    function lastEmissionOf(uint16 netuid, uint16 uid, uint64) external view returns (uint256) {
        return lastEmission[netuid][uid];
    }

    function permits(uint16 netuid) external view returns (uint256 bitmap, bool finalised) {
        return (_bitmap[netuid], _finalised[netuid]);
    }

    /// @notice How many times the registry reported `netuid` dissolved.
    mapping(uint16 => uint256) public dissolvedCount;

    /// @notice The permits' closing slot `latestFinalised` reports (default: after every registration).
    mapping(uint16 => uint64) public permitsCloseOf;

    function setPermitsClose(uint16 netuid, uint64 closeSlot) external {
        permitsCloseOf[netuid] = closeSlot;
    }

    function latestFinalised(uint16 netuid) external view returns (bool finalised, uint64 epoch, uint64 closeSlot) {
        uint64 c = permitsCloseOf[netuid];
        return (_finalised[netuid], 0, c == 0 ? type(uint64).max : c);
    }

    function onSubnetDissolved(uint16 netuid) external {
        ++dissolvedCount[netuid];
        delete _bitmap[netuid];
        delete _finalised[netuid];
        delete _permitted[netuid];
    }

    function permitBitmap(uint16 netuid) external view returns (uint256) {
        uint256 p = _permitted[netuid];
        return p == 0 ? 1 : p; // never set: the bootstrap set, uid 0
    }
}
