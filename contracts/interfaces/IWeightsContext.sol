// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IWeightsContext
/// @notice The registry view the Weights contract reads on every call: everything it checks about a subnet and a
/// hotkey, in one call. `SubnetRegistry` implements it from the hyperparameter word that holds the weights fields,
/// the subnet's two words, the hotkey's uid and the epoch schedule; the full hyperparameters stay in
/// {ISubnetRegistryView-hyperparams}.
interface IWeightsContext {
    /// @notice What Weights needs of (netuid, hotkey) at a slot. The hyperparameter fields are those of
    /// {ISubnetRegistryView-Hyperparams}, with the same meaning.
    struct WeightsContext {
        uint32 generation; // the subnet's life (bumped on dissolution): Weights keeps one state per life
        bool registered; // `hotkey` holds a uid on `netuid`
        uint16 uid; // its uid (0 when not registered)
        bool ownerHotkey; // `hotkey` is the subnet owner's hotkey (the bootstrap validator)
        uint16 neuronCount; // uids in use (dense: 0..neuronCount-1); 0 unless asked for
        uint64 epoch; // the subnet's epoch containing `slot` (0 when not registered, on root, with commit-reveal off)
        bool commitRevealEnabled;
        uint8 revealPeriodEpochs;
        uint16 weightsRateLimit;
        uint16 minAllowedWeights;
        uint16 maxWeightLimit;
        uint64 weightsVersionKey;
    }

    /// @notice The weights context of `hotkey` on `netuid` at `slot` (normally the current slot). Reverts as
    /// {ISubnetRegistryView-hyperparams} does for a subnet that does not exist; on root (netuid 0, no neurons)
    /// it returns the default hyperparameters and `registered = false`. Each field costs a cold storage read in
    /// every weights transaction, so the two that not every call needs are read only then: `neuronCount` when
    /// `withNeuronCount` (a weight vector is to be checked), `epoch` when commit-reveal is enabled (a commit or a
    /// reveal). A slot before the subnet's registration reverts (`SlotBeforeSubnet`) when the epoch is read.
    function weightsContext(
        uint16 netuid,
        address hotkey,
        uint64 slot,
        bool withNeuronCount
    ) external view returns (WeightsContext memory);
}
