// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ISubnetRegistryView} from "../interfaces/ISubnetRegistryView.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";

/// @notice Test-only registry for the settlement tests and bench: subnets with fixed-tempo epochs, neurons set by
/// hand. Each read the settlement makes costs one storage read, as a real registry's would.
contract MockRegistryForSettlement is ISubnetRegistryView {
    /// @notice A mock set-up or lookup outside what the mock models.
    error MockInvalid(uint16 netuid, uint64 slot);

    struct Subnet {
        bool exists;
        uint16 tempo;
        uint64 firstStart; // first slot of epoch 0
        address coldkey;
        address hotkey;
    }

    struct Neuron {
        address hotkey;
        uint64 registrationSlot;
        uint64 lastUpdate; // 0: the registration slot
    }

    /// @notice The activity cutoff every subnet reports (default: the most a u16 holds, so that tests not about
    /// activity never see a neuron go inactive).
    uint16 public activityCutoff = type(uint16).max;
    /// @notice The maxValidators (Yuma's k) every subnet reports.
    uint16 public maxValidators = 64;

    mapping(uint16 => Subnet) internal _subnets;
    mapping(uint16 => mapping(uint16 => Neuron)) internal _neurons;
    mapping(uint16 => mapping(address => uint256)) internal _uidPlusOne;
    mapping(uint16 => uint16) internal _count;

    function createSubnet(uint16 netuid, address coldkey, address hotkey, uint16 tempo, uint64 firstStart) external {
        if (tempo == 0) revert MockInvalid(netuid, 0);
        _subnets[netuid] = Subnet(true, tempo, firstStart, coldkey, hotkey);
    }

    function setOwnerHotkey(uint16 netuid, address hotkey) external {
        _subnets[netuid].hotkey = hotkey;
    }

    /// @notice Puts `hotkey` at `uid` (replacing any occupant), registered at `slot`.
    function setNeuron(uint16 netuid, uint16 uid, address hotkey, uint64 slot) external {
        address old = _neurons[netuid][uid].hotkey;
        if (old != address(0)) delete _uidPlusOne[netuid][old];
        else _count[netuid]++;
        _neurons[netuid][uid] = Neuron(hotkey, slot, 0);
        _uidPlusOne[netuid][hotkey] = uint256(uid) + 1;
    }

    /// @notice Records that the neuron at `uid` set weights at `slot`.
    function setLastUpdate(uint16 netuid, uint16 uid, uint64 slot) external {
        _neurons[netuid][uid].lastUpdate = slot;
    }

    function setActivityCutoff(uint16 slots) external {
        activityCutoff = slots;
    }

    function setMaxValidators(uint16 k) external {
        maxValidators = k;
    }

    function removeNeuron(uint16 netuid, uint16 uid) external {
        address old = _neurons[netuid][uid].hotkey;
        if (old == address(0)) return;
        delete _uidPlusOne[netuid][old];
        delete _neurons[netuid][uid];
        _count[netuid]--;
    }

    /// @notice Dissolves `netuid` and tells the settlement, as the real registry does.
    function dissolve(uint16 netuid, ISettlement settlement) external {
        delete _subnets[netuid];
        settlement.onSubnetDissolved(netuid);
    }

    function subnetExists(uint16 netuid) external view returns (bool) {
        return _subnets[netuid].exists;
    }

    function subnetOwner(uint16 netuid) external view returns (address coldkey, address hotkey) {
        Subnet storage s = _subnets[netuid];
        return (s.coldkey, s.hotkey);
    }

    function emissionStartSlot(uint16 netuid) external view returns (uint64) {
        return _subnets[netuid].firstStart;
    }

    function hyperparams(uint16 netuid) external view returns (Hyperparams memory h) {
        h.tempo = _subnets[netuid].tempo;
        h.maxUids = 256;
        h.maxValidators = maxValidators;
        h.activityCutoff = activityCutoff;
    }

    function coldkeyOf(address) external pure returns (address) {
        return address(0);
    }

    function uidOf(uint16 netuid, address hotkey) external view returns (bool registered, uint16 uid) {
        uint256 v = _uidPlusOne[netuid][hotkey];
        if (v == 0) return (false, 0);
        return (true, uint16(v - 1));
    }

    function hotkeyAt(uint16 netuid, uint16 uid) external view returns (address) {
        return _neurons[netuid][uid].hotkey;
    }

    function neuronCount(uint16 netuid) external view returns (uint16) {
        return _count[netuid];
    }

    function lastUpdate(uint16 netuid, uint16 uid) external view returns (uint64) {
        Neuron storage n = _neurons[netuid][uid];
        if (n.hotkey == address(0)) revert MockInvalid(netuid, uid);
        return n.lastUpdate > n.registrationSlot ? n.lastUpdate : n.registrationSlot;
    }

    function registrationSlot(uint16 netuid, uint16 uid) external view returns (uint64) {
        return _neurons[netuid][uid].registrationSlot;
    }

    function epochAt(uint16 netuid, uint64 slot) external view returns (uint64 epoch, uint64 start, uint64 close) {
        Subnet storage s = _subnets[netuid];
        if (slot < s.firstStart) revert MockInvalid(netuid, slot);
        epoch = (slot - s.firstStart) / s.tempo;
        start = s.firstStart + epoch * s.tempo;
        close = start + s.tempo;
    }

    function epochBounds(uint16 netuid, uint64 epoch) external view returns (uint64 start, uint64 close) {
        Subnet storage s = _subnets[netuid];
        start = s.firstStart + epoch * s.tempo;
        close = start + s.tempo;
    }
}
