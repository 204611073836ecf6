// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ISubnetRegistryView} from "../interfaces/ISubnetRegistryView.sol";
import {IWeightsContext} from "../interfaces/IWeightsContext.sol";
import {SlotClock} from "../libraries/SlotClock.sol";

/// @title MockRegistryForWeights
/// @notice Test stand-in for the subnet registry (another issue), storage-backed like the real one so that gas
/// measured against it includes realistic cold reads: hyperparameters are a storage struct (3 slots), uids and
/// hotkeys are mappings; `weightsContext` reads them the same way. Anyone may drive it; it checks nothing.
contract MockRegistryForWeights is ISubnetRegistryView, IWeightsContext {
    struct Neuron {
        bool registered;
        uint16 uid;
    }

    struct Owner {
        address coldkey;
        address hotkey;
    }

    /// @notice As the registry's: `uid` is at or past the neuron count.
    error UidNotFound(uint16 netuid, uint16 uid);

    uint256 public immutable genesisTime;

    mapping(uint16 => Hyperparams) private _hp;
    mapping(uint16 => Owner) private _owner;
    mapping(uint16 => uint16) private _count;
    mapping(uint16 => uint64) public epochOrigin;
    /// @notice The registry's `generation(netuid)` (ISubnetRegistry), which Weights' views read.
    mapping(uint16 => uint32) public generation;
    mapping(uint16 => mapping(address => Neuron)) private _neurons;
    mapping(uint16 => mapping(uint16 => address)) private _keys;
    mapping(uint16 => mapping(uint16 => uint64)) private _registered;

    constructor(uint256 genesisTime_) {
        genesisTime = genesisTime_;
    }

    // ----- driving the mock ----------------------------------------------------------------------------------

    /// @notice A subnet with subtensor's defaults (tempo 360, rate limit 100, CR on, reveal period 1, min 1).
    function createSubnet(uint16 netuid, address ownerColdkey, address ownerHotkey) external {
        Hyperparams storage p = _hp[netuid];
        p.tempo = 360;
        p.maxUids = 256;
        p.maxValidators = 64;
        p.immunityPeriod = 5000;
        p.minAllowedWeights = 1;
        p.maxWeightLimit = type(uint16).max;
        p.weightsRateLimit = 100;
        p.commitRevealEnabled = true;
        p.revealPeriodEpochs = 1;
        p.activityCutoff = 5000;
        p.kappa = 32767;
        p.bondsMovingAverage = 900_000;
        p.bondsPenalty = type(uint16).max;
        p.yuma3Enabled = true;
        p.alphaLow = 45875;
        p.alphaHigh = 58982;
        p.alphaSigmoidSteepness = 1000;
        p.registrationAllowed = true;
        p.minBurn = 500_000;
        p.maxBurn = 100e9;
        p.burnHalfLife = 360;
        p.burnIncreaseMultPpm = 1_260_000;
        p.servingRateLimit = 50;
        _owner[netuid] = Owner(ownerColdkey, ownerHotkey);
        epochOrigin[netuid] = SlotClock.current(genesisTime);
    }

    function setHyperparams(uint16 netuid, Hyperparams calldata p) external {
        _hp[netuid] = p;
    }

    function setCommitReveal(uint16 netuid, bool enabled, uint8 revealPeriodEpochs) external {
        _hp[netuid].commitRevealEnabled = enabled;
        _hp[netuid].revealPeriodEpochs = revealPeriodEpochs;
    }

    function setWeightRules(
        uint16 netuid,
        uint16 minAllowedWeights,
        uint16 maxWeightLimit,
        uint16 weightsRateLimit,
        uint64 weightsVersionKey
    ) external {
        Hyperparams storage p = _hp[netuid];
        p.minAllowedWeights = minAllowedWeights;
        p.maxWeightLimit = maxWeightLimit;
        p.weightsRateLimit = weightsRateLimit;
        p.weightsVersionKey = weightsVersionKey;
    }

    /// @notice A new life of `netuid` (as the registry's dissolution and re-creation); neurons are kept.
    function bumpGeneration(uint16 netuid) external {
        ++generation[netuid];
    }

    function setTempo(uint16 netuid, uint16 tempo) external {
        _hp[netuid].tempo = tempo;
    }

    function setOwnerHotkey(uint16 netuid, address hotkey) external {
        _owner[netuid].hotkey = hotkey;
    }

    /// @notice Appends `hotkey` at the next uid, registered now.
    function register(uint16 netuid, address hotkey) external returns (uint16 uid) {
        uid = _count[netuid]++;
        _place(netuid, uid, hotkey);
    }

    /// @notice Appends `count` filler neurons with deterministic hotkeys `address(keccak256(netuid, i))`.
    function fill(uint16 netuid, uint16 count) external {
        for (uint256 i; i < count; ++i) {
            uint16 uid = _count[netuid]++;
            _place(netuid, uid, address(uint160(uint256(keccak256(abi.encode(netuid, uid))))));
        }
    }

    /// @notice Keeps the first `count` neurons (a later life of the netuid with fewer of them); the others'
    /// hotkeys are no longer registered.
    function truncate(uint16 netuid, uint16 count) external {
        for (uint16 uid = count; uid < _count[netuid]; ++uid) delete _neurons[netuid][_keys[netuid][uid]];
        _count[netuid] = count;
    }

    /// @notice Replaces the occupant of `uid` with `hotkey`, registered now (pruning).
    function replace(uint16 netuid, uint16 uid, address hotkey) external {
        delete _neurons[netuid][_keys[netuid][uid]];
        _place(netuid, uid, hotkey);
    }

    function _place(uint16 netuid, uint16 uid, address hotkey) private {
        _neurons[netuid][hotkey] = Neuron(true, uid);
        _keys[netuid][uid] = hotkey;
        uint64 slot = SlotClock.current(genesisTime);
        _registered[netuid][uid] = slot;
    }

    // ----- IWeightsContext -----------------------------------------------------------------------------------

    function weightsContext(
        uint16 netuid,
        address hotkey,
        uint64 slot,
        bool withNeuronCount
    ) external view returns (WeightsContext memory c) {
        Hyperparams storage p = _hp[netuid];
        c.commitRevealEnabled = p.commitRevealEnabled;
        c.revealPeriodEpochs = p.revealPeriodEpochs;
        c.weightsRateLimit = p.weightsRateLimit;
        c.minAllowedWeights = p.minAllowedWeights;
        c.maxWeightLimit = p.maxWeightLimit;
        c.weightsVersionKey = p.weightsVersionKey;
        c.generation = generation[netuid];
        if (withNeuronCount) c.neuronCount = _count[netuid];
        Neuron storage n = _neurons[netuid][hotkey];
        if (!n.registered) return c;
        c.registered = true;
        c.uid = n.uid;
        c.ownerHotkey = hotkey == _owner[netuid].hotkey;
        if (c.commitRevealEnabled) (c.epoch, , ) = epochAt(netuid, slot);
    }

    // ----- ISubnetRegistryView -------------------------------------------------------------------------------

    function subnetExists(uint16 netuid) external view returns (bool) {
        return netuid == 0 || _hp[netuid].tempo != 0;
    }

    function subnetOwner(uint16 netuid) external view returns (address coldkey, address hotkey) {
        Owner storage o = _owner[netuid];
        return (o.coldkey, o.hotkey);
    }

    function emissionStartSlot(uint16) external pure returns (uint64) {
        return 0;
    }

    function hyperparams(uint16 netuid) external view returns (Hyperparams memory) {
        return _hp[netuid];
    }

    function coldkeyOf(address) external pure returns (address) {
        return address(0);
    }

    function uidOf(uint16 netuid, address hotkey) external view returns (bool registered, uint16 uid) {
        Neuron storage n = _neurons[netuid][hotkey];
        return (n.registered, n.uid);
    }

    /// @notice As the registry: the zero address past the neuron count.
    function hotkeyAt(uint16 netuid, uint16 uid) external view returns (address) {
        if (uid >= _count[netuid]) return address(0);
        return _keys[netuid][uid];
    }

    function neuronCount(uint16 netuid) external view returns (uint16) {
        return _count[netuid];
    }

    /// @notice As the registry: reverts past the neuron count.
    function registrationSlot(uint16 netuid, uint16 uid) external view returns (uint64) {
        if (uid >= _count[netuid]) revert UidNotFound(netuid, uid);
        return _registered[netuid][uid];
    }

    /// @dev Epochs count `tempo` slots from the subnet's creation slot.
    function epochAt(uint16 netuid, uint64 slot) public view returns (uint64 epoch, uint64 start, uint64 close) {
        uint64 origin = epochOrigin[netuid];
        uint64 tempo = _hp[netuid].tempo;
        epoch = slot <= origin ? 0 : (slot - origin) / tempo;
        start = origin + epoch * tempo;
        close = start + tempo;
    }

    function epochBounds(uint16 netuid, uint64 epoch) external view returns (uint64 start, uint64 close) {
        uint64 tempo = _hp[netuid].tempo;
        start = epochOrigin[netuid] + epoch * tempo;
        close = start + tempo;
    }
}
