// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISubnetRegistryView} from "../interfaces/ISubnetRegistryView.sol";
import {IStakingHooks} from "../interfaces/IStakingHooks.sol";
import {ITAO} from "../interfaces/ITAO.sol";

/// @notice Test-only stand-in for the subnet registry (written in parallel by another issue): just enough of
/// ISubnetRegistryView for Staking, plus drivers that call Staking's registry hooks. Anyone may drive it.
/// Epochs: epoch e of a subnet covers [origin + e * tempo, origin + (e + 1) * tempo).
contract MockRegistryForStaking is ISubnetRegistryView {
    IStakingHooks public staking;
    IERC20 public immutable tao;

    mapping(uint16 => bool) internal _exists;
    mapping(uint16 => address) internal _ownerColdkey;
    mapping(uint16 => address) internal _ownerHotkey;
    mapping(uint16 => uint64) internal _start;
    mapping(uint16 => uint16) internal _tempo;
    mapping(uint16 => uint64) internal _origin;
    mapping(address => address) internal _coldkeyOf;

    constructor(ITAO tao_) {
        tao = IERC20(address(tao_));
        _exists[0] = true;
    }

    // ------------------------------------------------------------------ drivers

    function setStaking(IStakingHooks staking_) external {
        staking = staking_;
    }

    function bind(address hotkey, address coldkey) external {
        _coldkeyOf[hotkey] = coldkey;
    }

    /// @notice Creates `netuid`: moves `lock` of this mock's TAO to Staking and calls onSubnetCreated.
    function createSubnet(uint16 netuid, uint256 lock, address ownerColdkey, address ownerHotkey) external {
        _exists[netuid] = true;
        _ownerColdkey[netuid] = ownerColdkey;
        _ownerHotkey[netuid] = ownerHotkey;
        _start[netuid] = 0;
        if (_coldkeyOf[ownerHotkey] == address(0)) _coldkeyOf[ownerHotkey] = ownerColdkey;
        tao.transfer(address(staking), lock);
        staking.onSubnetCreated(netuid, lock);
    }

    /// @notice Calls onSubnetCreated without moving the lock (a misbehaving registry, for tests).
    function createSubnetUnfunded(uint16 netuid, uint256 lock) external {
        _exists[netuid] = true;
        staking.onSubnetCreated(netuid, lock);
    }

    function startSubnet(uint16 netuid, uint64 startSlot) external {
        _start[netuid] = startSlot;
    }

    function setTempo(uint16 netuid, uint16 tempo, uint64 origin) external {
        _tempo[netuid] = tempo;
        _origin[netuid] = origin;
    }

    function dissolve(uint16 netuid) external {
        _exists[netuid] = false;
        _start[netuid] = 0;
        staking.onSubnetDissolved(netuid);
    }

    /// @notice Burns `amount` of this mock's TAO as a registration burn and reports it.
    function registrationBurn(uint16 netuid, uint256 amount) external {
        ITAO(address(tao)).burn(amount);
        staking.onRegistrationBurn(netuid, amount);
    }

    // ------------------------------------------------------------------ ISubnetRegistryView

    function subnetExists(uint16 netuid) external view returns (bool) {
        return _exists[netuid];
    }

    function subnetOwner(uint16 netuid) external view returns (address coldkey, address hotkey) {
        return (_ownerColdkey[netuid], _ownerHotkey[netuid]);
    }

    function emissionStartSlot(uint16 netuid) external view returns (uint64) {
        return _start[netuid];
    }

    function hyperparams(uint16 netuid) external view returns (Hyperparams memory h) {
        h.tempo = uint16(_tempoOf(netuid));
        h.maxUids = 256;
        h.maxValidators = 64;
    }

    function coldkeyOf(address hotkey) external view returns (address) {
        return _coldkeyOf[hotkey];
    }

    function uidOf(uint16, address) external pure returns (bool registered, uint16 uid) {
        return (false, 0);
    }

    function hotkeyAt(uint16, uint16) external pure returns (address) {
        return address(0);
    }

    function neuronCount(uint16) external pure returns (uint16) {
        return 0;
    }

    function registrationSlot(uint16, uint16) external pure returns (uint64) {
        return 0;
    }

    function epochAt(uint16 netuid, uint64 slot) public view returns (uint64 epoch, uint64 start, uint64 close) {
        uint64 tempo = _tempoOf(netuid);
        uint64 origin = _origin[netuid];
        epoch = slot < origin ? 0 : (slot - origin) / tempo;
        start = origin + epoch * tempo;
        close = start + tempo;
    }

    function epochBounds(uint16 netuid, uint64 epoch) external view returns (uint64 start, uint64 close) {
        uint64 tempo = _tempoOf(netuid);
        start = _origin[netuid] + epoch * tempo;
        close = start + tempo;
    }

    function _tempoOf(uint16 netuid) internal view returns (uint64) {
        uint16 t = _tempo[netuid];
        return t == 0 ? 360 : t;
    }
}
