// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title MockLastUpdateForRegistry
/// @notice Test stand-in for the Weights contract's `lastUpdateOf`, the registry's source of last updates.
/// Anyone may drive it.
contract MockLastUpdateForRegistry {
    mapping(uint16 => mapping(address => uint64)) private _slot;
    mapping(uint16 => mapping(address => bool)) private _updated;

    function setLastUpdate(uint16 netuid, address hotkey, uint64 slot) external {
        _slot[netuid][hotkey] = slot;
        _updated[netuid][hotkey] = true;
    }

    function lastUpdateOf(uint16 netuid, address hotkey) external view returns (uint64 slot, bool updated) {
        return (_slot[netuid][hotkey], _updated[netuid][hotkey]);
    }
}
