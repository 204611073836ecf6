// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ISubnetRegistryView} from "./ISubnetRegistryView.sol";
import {IWeightsContext} from "./IWeightsContext.sol";

/// @title ISubnetRegistryTypes
/// @notice Types, errors and events of the subnet registry (see {ISubnetRegistry}).
interface ISubnetRegistryTypes {
    // ------------------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Per-subnet hyperparameters, as keys for `setHyperparam` and for the owner rate limit.
    /// `Tempo`, `AlphaLow`/`AlphaHigh` and `AlphaSigmoidSteepness` have their own setters.
    /// Owner-settable (and governance): everything except Kappa, MaxValidators, WeightsRateLimit and
    /// RegistrationAllowed, which only governance sets.
    enum Param {
        MaxUids,
        ImmunityPeriod,
        RegistrationAllowed,
        MinBurn,
        MaxBurn,
        BurnIncreaseMult,
        ServingRateLimit,
        MaxValidators,
        MinAllowedWeights,
        MaxWeightLimit,
        WeightsRateLimit,
        WeightsVersionKey,
        CommitRevealEnabled,
        RevealPeriodEpochs,
        ActivityCutoff,
        Kappa,
        BondsMovingAverage,
        BondsPenalty,
        BurnHalfLife,
        Yuma3Enabled,
        LiquidAlphaEnabled,
        AlphaLow,
        AlphaHigh,
        AlphaSigmoidSteepness,
        Tempo
    }

    /// @notice Network-wide governance settings (subtensor-reference.md §8.1, §8.3, §8.4).
    enum NetParam {
        MinLock, // rao (1 TAO)
        LockReductionInterval, // slots (57,600)
        NetworkRateLimit, // slots between subnet creations (28,800)
        SubnetLimit, // subnets excluding root (128), at most 256
        NetworkImmunityPeriod, // slots a new subnet cannot be dissolved (1,296,000)
        AdminFreezeWindow, // slots before an epoch's close when owners cannot change hyperparameters (10)
        OwnerRateLimitEpochs // tempos between two owner changes of one hyperparameter (2)
    }

    /// @notice A neuron's axon: where its miner serves. `endpoint` is `scheme://host:port`; empty if never served.
    struct Axon {
        string endpoint;
        uint8 protocol;
        uint32 version;
        uint64 servedSlot;
    }

    /// @notice One row of the metagraph.
    struct NeuronInfo {
        uint16 uid;
        address hotkey;
        address coldkey;
        uint64 registrationSlot;
        uint64 lastUpdate; // slot of the last weights update (the registration slot until weights are set)
        bool permit; // validator permit for the next epoch (IPermits; owner's uid before the first finalised epoch)
        bool immune; // inside its immunity period
        uint256 stakeWeight; // IStakingHooks.stakeWeight now
        Axon axon;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Staking, Permits or the Weights contract is not set yet (`which` = "staking" | "permits" | "weights").
    error DependencyNotSet(bytes32 which);
    /// @notice A once-settable dependency is already set.
    error DependencyAlreadySet(bytes32 which, address current);
    /// @notice A zero address where an account or contract is required.
    error ZeroAddress();
    /// @notice `netuid` is not a live subnet.
    error SubnetNotFound(uint16 netuid);
    /// @notice The root subnet (netuid 0) has no neurons, owner or epochs.
    error RootSubnet();
    /// @notice The caller is not the owner coldkey of `netuid`.
    error NotSubnetOwner(uint16 netuid, address caller);
    /// @notice The lock cost `cost` exceeds the caller's limit `maxLockCost`.
    error LockCostTooHigh(uint256 cost, uint256 maxLockCost);
    /// @notice Subnet creation is rate-limited network-wide until `nextAllowedSlot`.
    error NetworkRateLimited(uint64 nextAllowedSlot);
    /// @notice `limit` subnets exist and none is past its network immunity.
    error SubnetLimitReached(uint16 limit);
    /// @notice `startEmission` was already called; emission starts at `startSlot`.
    error EmissionAlreadyStarted(uint16 netuid, uint64 startSlot);
    /// @notice Registration on `netuid` is disabled by governance.
    error RegistrationDisabled(uint16 netuid);
    /// @notice The burn cost `cost` exceeds the caller's limit `maxBurn`.
    error BurnTooHigh(uint256 cost, uint256 maxBurn);
    /// @notice `hotkey` is already registered on `netuid` at `uid`.
    error AlreadyRegistered(uint16 netuid, address hotkey, uint16 uid);
    /// @notice `hotkey` is bound to `coldkey`; only that coldkey may use it.
    error HotkeyBoundToOther(address hotkey, address coldkey);
    /// @notice No consent from `hotkey`: it is not the caller, not bound to the caller and sent no signature.
    error HotkeyConsentMissing(address hotkey);
    /// @notice The hotkey signature does not verify for `hotkey` (wrong signer, wrong data or replayed nonce).
    error InvalidHotkeySignature(address hotkey);
    /// @notice The hotkey signature expired at `deadlineSlot`.
    error HotkeySignatureExpired(uint64 deadlineSlot, uint64 currentSlot);
    /// @notice The hotkey consented to registration on life `signedGeneration` of `netuid`, which is in life
    /// `generation` now: the subnet it signed for was dissolved (and the netuid reused) since.
    error HotkeySignatureWrongGeneration(uint16 netuid, uint32 signedGeneration, uint32 generation);
    /// @notice The subnet is full and every neuron is immune (owner's hotkey or inside the immunity period).
    error NoPruneCandidate(uint16 netuid);
    /// @notice `hotkey` is not registered on `netuid`.
    error NotRegistered(uint16 netuid, address hotkey);
    /// @notice `uid` is not in use on `netuid`.
    error UidNotFound(uint16 netuid, uint16 uid);
    /// @notice `serveAxon` is rate-limited for this neuron until `nextAllowedSlot`.
    error ServingRateLimited(uint64 nextAllowedSlot);
    /// @notice `slot` is before the subnet's creation slot `registeredSlot`.
    error SlotBeforeSubnet(uint64 slot, uint64 registeredSlot);
    /// @notice `value` for `param` is outside [`min`, `max`].
    error ValueOutOfBounds(Param param, uint256 value, uint256 min, uint256 max);
    /// @notice `value` for network setting `param` is outside [`min`, `max`].
    error NetValueOutOfBounds(NetParam param, uint256 value, uint256 min, uint256 max);
    /// @notice A signed value for `param` is outside [`min`, `max`].
    error SignedValueOutOfBounds(Param param, int256 value, int256 min, int256 max);
    /// @notice `param` is set by governance only.
    error GovernanceOnly(Param param, address caller);
    /// @notice `param` has its own setter (`setTempo`, `setAlphaValues`, `setAlphaSigmoidSteepness`).
    error UseDedicatedSetter(Param param);
    /// @notice The owner changed `param` recently; the next change is allowed at `nextAllowedSlot`.
    error HyperparamRateLimited(Param param, uint64 nextAllowedSlot);
    /// @notice Owner changes are frozen in the last slots before the epoch closes at `nextAllowedSlot`.
    error AdminFreezeWindow(uint64 nextAllowedSlot);
    /// @notice Alpha values can only be set while liquid alpha is enabled.
    error LiquidAlphaDisabled(uint16 netuid);
    /// @notice The endpoint is `length` bytes; at most `maxLength`.
    error EndpointTooLong(uint256 length, uint256 maxLength);
    /// @notice The endpoint does not start with `http://` or `https://`.
    error EndpointSchemeInvalid();
    /// @notice The endpoint's host is empty, too long, or has a bad character at `index`.
    error EndpointHostInvalid(uint256 index);
    /// @notice The endpoint has no `:port` or a malformed port at `index`.
    error EndpointPortInvalid(uint256 index);
    /// @notice The endpoint's port `port` is outside 1..65535.
    error EndpointPortOutOfRange(uint256 port);
    /// @notice Packed slots are uint32: the clock passed 2^32 - 1 slots (1,633 years after genesis).
    error SlotOverflow(uint64 slot);

    // ------------------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------------------

    /// @notice A once-settable dependency was set (`which` = "staking" | "permits" | "weights").
    event DependencySet(bytes32 indexed which, address indexed target);
    /// @notice A network-wide governance setting changed.
    event NetworkParamSet(NetParam indexed param, uint256 value);
    /// @notice Subnet `netuid` was created; `lockCost` rao were paid to Staking and seed its pool.
    event SubnetCreated(
        uint16 indexed netuid,
        address indexed ownerColdkey,
        address indexed ownerHotkey,
        uint256 lockCost
    );
    /// @notice Subnet `netuid` was dissolved (instance `generation` ended); its pool is paid out by Staking.
    event SubnetDissolved(uint16 indexed netuid, uint32 generation, bool pruned);
    /// @notice The owner started emission of `netuid`, from `startSlot`.
    event EmissionStarted(uint16 indexed netuid, uint64 startSlot);
    /// @notice A hyperparameter of `netuid` was set by `by` (owner or governance).
    event HyperparamSet(uint16 indexed netuid, Param indexed param, uint256 value, address by);
    /// @notice The liquid alpha bounds of `netuid` were set.
    event AlphaValuesSet(uint16 indexed netuid, uint16 alphaLow, uint16 alphaHigh, address by);
    /// @notice The alpha sigmoid steepness of `netuid` was set.
    event AlphaSigmoidSteepnessSet(uint16 indexed netuid, int16 steepness, address by);
    /// @notice The tempo of `netuid` becomes `tempo` from epoch `fromEpoch`, which starts at `fromSlot`.
    event TempoSet(uint16 indexed netuid, uint16 tempo, uint64 fromEpoch, uint64 fromSlot, address by);
    /// @notice `hotkey` was bound to `coldkey` by its first registration.
    event HotkeyBound(address indexed hotkey, address indexed coldkey);
    /// @notice `hotkey` (of `coldkey`) took `uid` on `netuid` for a burn of `burned` rao, replacing `replaced`
    /// (zero when the uid was new).
    event NeuronRegistered(
        uint16 indexed netuid,
        uint16 uid,
        address indexed hotkey,
        address indexed coldkey,
        uint256 burned,
        address replaced
    );
    /// @notice The neuron at `uid` on `netuid` published its axon.
    event AxonServed(
        uint16 indexed netuid,
        uint16 uid,
        address indexed hotkey,
        string endpoint,
        uint8 protocol,
        uint32 version
    );
    /// @notice The pruning scores of `netuid` were read from Permits at `slot` for `neurons` uids.
    event PruningScoresSynced(uint16 indexed netuid, uint64 slot, uint16 neurons);
}

/// @title ISubnetRegistry
/// @notice Subnets and their neurons (SYSTEM.md §2.2, subtensor-reference.md §7-§8): subnet creation for a
/// doubling-and-decaying lock cost, the subnet limit and dissolution, per-subnet hyperparameters (owner and
/// governance), burned neuron registration with hotkey consent, pruning when full, axon endpoints, and the
/// metagraph views that the off-chain workers read. Time is in 12 s slots (SlotClock).
///
/// Hotkey consent: a hotkey is registered (or made a subnet owner hotkey) only if it is the caller, or it is
/// already bound to the calling coldkey, or `hotkeySig` carries its EIP-712 signature over the coldkey, the
/// netuid and its generation (registration only: one life of the netuid), its nonce and a deadline slot.
/// `hotkeySig = abi.encodePacked(uint64 deadlineSlot, signature)` for createSubnet and
/// `abi.encodePacked(uint64 deadlineSlot, uint32 generation, signature)` for register; the signature may be an
/// ECDSA signature (65 bytes) or an ERC-1271 one for contract hotkeys.
/// A hotkey's first registration binds it to the paying coldkey for good (`coldkeyOf`).
///
/// The registry answers at one address: `SubnetRegistry` runs the hot paths (createSubnet, register, serveAxon,
/// the Weights contract's `weightsContext`) and the ISubnetRegistryView reads itself and delegates everything else to its
/// `SubnetRegistryExtension` (same storage). Use this interface's ABI for the registry's address.
interface ISubnetRegistry is ISubnetRegistryView, IWeightsContext, ISubnetRegistryTypes {
    // ------------------------------------------------------------------------------------------------------------
    // Governance (Ownable2Step owner)
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Governance (Ownable2Step).
    function owner() external view returns (address);
    function pendingOwner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function acceptOwnership() external;
    function renounceOwnership() external;

    /// @notice Sets the Staking contract (once).
    function setStaking(address staking) external;
    /// @notice Sets the Permits contract (once).
    function setPermits(address permits) external;
    /// @notice Sets the Weights contract, whose `lastUpdateOf` the metagraph's last updates come from (once).
    function setWeightsContract(address weights) external;
    /// @notice Sets a network-wide setting; reverts `NetValueOutOfBounds` outside its bounds.
    function setNetworkParam(NetParam param, uint256 value) external;
    /// @notice Dissolves `netuid` (not root); its netuid becomes free for reuse.
    function dissolveSubnet(uint16 netuid) external;

    // ------------------------------------------------------------------------------------------------------------
    // Subnets
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Creates a subnet owned by the caller, with `hotkey` as owner hotkey at uid 0. Pays the lock cost
    /// (at most `maxLockCost` rao, TAO allowance to this contract) to Staking. At the subnet limit the
    /// lowest-EMA-price subnet past its network immunity is dissolved and its netuid reused; otherwise the lowest
    /// free netuid is used.
    function createSubnet(
        address hotkey,
        uint256 maxLockCost,
        bytes calldata hotkeySig
    ) external returns (uint16 netuid);

    /// @notice Owner: start the subnet's emission from the next slot (subtensor's `start_call`). Once.
    function startEmission(uint16 netuid) external;

    /// @notice Owner or governance: set a hyperparameter (bools as 0/1). Owner changes are bound-checked,
    /// rate-limited per parameter and frozen near the epoch's close; governance changes are bound-checked.
    function setHyperparam(uint16 netuid, Param param, uint256 value) external;
    /// @notice Owner or governance: the tempo, effective from the next epoch boundary.
    function setTempo(uint16 netuid, uint16 tempo) external;
    /// @notice Owner or governance: liquid alpha bounds (liquid alpha must be enabled).
    function setAlphaValues(uint16 netuid, uint16 alphaLow, uint16 alphaHigh) external;
    /// @notice Owner (>= 0) or governance (any): the alpha sigmoid steepness.
    function setAlphaSigmoidSteepness(uint16 netuid, int16 steepness) external;

    // ------------------------------------------------------------------------------------------------------------
    // Neurons
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Registers `hotkey` on `netuid` for the caller (coldkey), burning the current burn cost (at most
    /// `maxBurn` rao; TAO allowance to this contract). When the subnet is full, the lowest-score non-immune
    /// neuron is replaced. Returns the uid.
    function register(
        uint16 netuid,
        address hotkey,
        uint256 maxBurn,
        bytes calldata hotkeySig
    ) external returns (uint16 uid);

    /// @notice The caller (a registered hotkey) publishes its axon: `endpoint` = `http(s)://host:port`.
    function serveAxon(uint16 netuid, string calldata endpoint, uint8 protocol, uint32 version) external;

    /// @notice Anyone: cache the pruning scores (IPermits.lastEmission of every uid) and their order. Call after
    /// each finalised epoch (the epoch worker does); registrations between syncs rank with score 0.
    function syncPruningScores(uint16 netuid) external;

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @notice The TAO token.
    function tao() external view returns (address);
    /// @notice Chain time of slot 0.
    function genesisTime() external view returns (uint256);
    /// @notice The Staking contract (zero until set).
    function staking() external view returns (address);
    /// @notice The Permits contract (zero until set).
    function permits() external view returns (address);
    /// @notice The Weights contract (zero until set).
    function weightsContract() external view returns (address);
    /// @notice The contract that runs this registry's cold paths by delegatecall.
    function extension() external view returns (address);
    /// @notice The lock cost (rao) of a subnet created now.
    function lockCost() external view returns (uint256);
    /// @notice The burn cost (rao) of a registration on `netuid` now.
    function burnCost(uint16 netuid) external view returns (uint256);
    /// @notice The uid a registration on a full `netuid` would replace now (`found` false if none or not full).
    function pruneCandidate(uint16 netuid) external view returns (bool found, uint16 uid);
    /// @notice The number of live subnets, root excluded.
    function subnetCount() external view returns (uint16);
    /// @notice Live netuids, root (0) first.
    function netuids() external view returns (uint16[] memory);
    /// @notice A network-wide setting.
    function networkParam(NetParam param) external view returns (uint256);
    /// @notice The last lock paid and its slot.
    function lastLock() external view returns (uint256 amount, uint64 slot);
    /// @notice The instance counter of `netuid` (incremented by each dissolution).
    function generation(uint16 netuid) external view returns (uint32);
    /// @notice The slot at which `netuid` was created.
    function subnetRegisteredSlot(uint16 netuid) external view returns (uint64);
    /// @notice A pending tempo change: `tempo` from epoch `fromEpoch` starting at `fromSlot` (`pending` false if none).
    function pendingTempo(
        uint16 netuid
    ) external view returns (bool pending, uint16 tempo, uint64 fromEpoch, uint64 fromSlot);
    /// @notice The slot from which the owner may next change `param` (0 if now).
    function hyperparamNextAllowedSlot(uint16 netuid, Param param) external view returns (uint64);
    /// @notice The hotkey's signature nonce.
    function nonces(address hotkey) external view returns (uint64);
    /// @notice EIP-712 digest `hotkey` signs to consent to registration on life `subnetGeneration` (see
    /// `generation`) of `netuid` by `coldkey`.
    function registerDigest(
        address hotkey,
        address coldkey,
        uint16 netuid,
        uint32 subnetGeneration,
        uint64 nonce,
        uint64 deadlineSlot
    ) external view returns (bytes32);
    /// @notice EIP-712 digest `hotkey` signs to consent to be the owner hotkey of a subnet `coldkey` creates.
    function createSubnetDigest(
        address hotkey,
        address coldkey,
        uint64 nonce,
        uint64 deadlineSlot
    ) external view returns (bytes32);
    /// @notice The axon of `uid` on `netuid`.
    function axonOf(uint16 netuid, uint16 uid) external view returns (Axon memory);
    /// @notice The slot `uid` on `netuid` last set weights (its registration slot if later or never), from the
    /// Weights contract's `lastUpdateOf` for the uid's hotkey (the registration slot while none is set).
    function lastUpdate(uint16 netuid, uint16 uid) external view returns (uint64);
    /// @notice Metagraph rows `offset .. offset+limit-1` of `netuid` (clipped to the neuron count).
    function metagraph(uint16 netuid, uint16 offset, uint16 limit) external view returns (NeuronInfo[] memory);
}
