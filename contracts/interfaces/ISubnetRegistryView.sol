// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ISubnetRegistryView
/// @notice The part of the subnet registry that the other protocol contracts (Staking, Weights, Settlement) and
/// the off-chain workers read. `SubnetRegistry` implements it (the subnets issue); the full interface,
/// `ISubnetRegistry`, extends this one. netuid 0 is the root subnet: it exists from deployment, has no
/// neurons, no pool (stakes TAO 1:1) and no epochs.
interface ISubnetRegistryView {
    /// @notice Per-subnet hyperparameters (subtensor-reference.md §8.5), as one struct for one view call.
    /// u16 proportions are x/65535; slot counts are 12 s slots.
    struct Hyperparams {
        uint16 tempo; // slots per epoch (360)
        uint16 maxUids; // <= 256 (256)
        uint16 maxValidators; // (64)
        uint16 immunityPeriod; // slots (5000)
        uint16 minAllowedWeights; // (1)
        uint16 maxWeightLimit; // u16 (65535 = off)
        uint16 weightsRateLimit; // slots (100)
        uint64 weightsVersionKey; // (0)
        bool commitRevealEnabled; // (true)
        uint8 revealPeriodEpochs; // 1..100 (1)
        uint16 activityCutoff; // slots (5000)
        uint16 kappa; // u16 (32767)
        uint32 bondsMovingAverage; // parts per million (900000)
        uint16 bondsPenalty; // u16 (65535)
        bool yuma3Enabled; // (true for new subnets)
        bool liquidAlphaEnabled; // (false)
        uint16 alphaLow; // u16 (45875)
        uint16 alphaHigh; // u16 (58982)
        int16 alphaSigmoidSteepness; // (1000)
        bool registrationAllowed; // (true)
        uint64 minBurn; // rao (500_000)
        uint64 maxBurn; // rao (100e9)
        uint16 burnHalfLife; // slots (360)
        uint32 burnIncreaseMultPpm; // parts per million (1_260_000 = x1.26)
        uint16 servingRateLimit; // slots (50)
    }

    /// @notice Whether `netuid` is a live subnet (root included).
    function subnetExists(uint16 netuid) external view returns (bool);

    /// @notice The subnet's owner coldkey and owner hotkey.
    function subnetOwner(uint16 netuid) external view returns (address coldkey, address hotkey);

    /// @notice Slot from which the subnet receives emission (its owner started it), or 0 if not started.
    function emissionStartSlot(uint16 netuid) external view returns (uint64);

    /// @notice All hyperparameters of `netuid`.
    function hyperparams(uint16 netuid) external view returns (Hyperparams memory);

    /// @notice The coldkey a hotkey is bound to (its first registration binds it), or zero.
    function coldkeyOf(address hotkey) external view returns (address);

    /// @notice The uid of `hotkey` on `netuid`, if registered.
    function uidOf(uint16 netuid, address hotkey) external view returns (bool registered, uint16 uid);

    /// @notice The hotkey at `uid` on `netuid` (zero if the uid is unused).
    function hotkeyAt(uint16 netuid, uint16 uid) external view returns (address);

    /// @notice The number of uids in use on `netuid` (uids are dense: 0..count-1).
    function neuronCount(uint16 netuid) external view returns (uint16);

    /// @notice Slot at which the current occupant of `uid` registered.
    function registrationSlot(uint16 netuid, uint16 uid) external view returns (uint64);

    /// @notice The epoch of `netuid` that contains `slot`, and that epoch's first and closing slot.
    /// Epoch e covers slots [start, start + tempo); it closes at `start + tempo` (SYSTEM.md §2.5).
    function epochAt(uint16 netuid, uint64 slot) external view returns (uint64 epoch, uint64 start, uint64 close);

    /// @notice The first and closing slot of epoch `epoch` of `netuid`.
    function epochBounds(uint16 netuid, uint64 epoch) external view returns (uint64 start, uint64 close);
}
