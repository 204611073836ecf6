// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Arrays} from "@openzeppelin/contracts/utils/Arrays.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ISubnetRegistryTypes} from "./interfaces/ISubnetRegistry.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {IWeightsContext} from "./interfaces/IWeightsContext.sol";
import {IWeights} from "./interfaces/IWeights.sol";
import {IStakingHooks} from "./interfaces/IStakingHooks.sol";
import {IPermits} from "./interfaces/IPermits.sol";
import {IEmission} from "./interfaces/IEmission.sol";
import {ITAO} from "./interfaces/ITAO.sol";
import {SlotClock} from "./libraries/SlotClock.sol";
import {HalvingMath} from "./libraries/HalvingMath.sol";
import {LockCost} from "./libraries/LockCost.sol";
import {BurnCost} from "./libraries/BurnCost.sol";
import {HyperparamStore} from "./libraries/HyperparamStore.sol";
import {TempoSchedule} from "./libraries/TempoSchedule.sol";
import {PruningQueue} from "./libraries/PruningQueue.sol";
import {Endpoint} from "./libraries/Endpoint.sol";
import {PoolMath} from "./libraries/PoolMath.sol";

/// @title SubnetRegistryBase
/// @notice Storage and shared internals of the registry. `SubnetRegistry` (hot paths and the cross-contract views)
/// and `SubnetRegistryExtension` (everything else, run by delegatecall from the registry) both inherit it and
/// declare no state of their own, so they see one storage layout. docs/registry.md describes the design.
///
/// Storage, after Ownable (owner) and Ownable2Step (pending owner), in declaration order:
///   _deps             staking (160) | permitsSet (8) | weightsSet (8): one word, read by every registration
///   _permits, _weights addresses
///   _config           minLock (64) | lockReductionInterval (32) << 64 | networkRateLimit (32) << 96 |
///                     networkImmunityPeriod (32) << 128 | subnetLimit (16) << 160 | adminFreezeWindow (16) << 176 |
///                     ownerRateLimitEpochs (16) << 192
///   _lockState        lastLock (64) | lastLockSlot (64) << 64 | subnetCount (16) << 128
///   _netuidBitmap     bit (netuid - 1) set for every live subnet 1..256 (root, 0, always exists)
///   _subnets[netuid]  Subnet, 2 words (Solidity packing, see the struct), rewritten on creation
///   _instances[key]   Instance: everything of one subnet lifetime, key = generation << 16 | netuid. Dissolution
///                     only bumps the generation: the old instance becomes unreachable, nothing is zeroed.
///   _hotkeys[hotkey]  coldkey (160) | signature nonce (64) << 160
/// Packed slots are uint32: valid for 2^32 slots (1,633 years) after genesis (`SlotOverflow` past that).
abstract contract SubnetRegistryBase is ISubnetRegistryTypes, Ownable2Step, EIP712 {
    using HyperparamStore for HyperparamStore.Words;
    using TempoSchedule for TempoSchedule.Schedule;

    bytes32 internal constant STAKING = "staking";
    bytes32 internal constant PERMITS = "permits";
    bytes32 internal constant WEIGHTS = "weights";

    /// @notice EIP-712 type of `hotkey`'s consent to registration on life `generation` of `netuid` by `coldkey`
    /// (the generation makes a consent for a dissolved subnet void on the next subnet under its netuid). The
    /// hotkey is named so that a consent verified by ERC-1271 is one hotkey's: contract wallets sharing a signer
    /// would otherwise accept each other's.
    bytes32 public constant REGISTER_TYPEHASH = keccak256(
        "Register(address hotkey,address coldkey,uint16 netuid,uint32 generation,uint64 nonce,uint64 deadline)"
    );
    /// @notice EIP-712 type of `hotkey`'s consent to be the owner hotkey of a subnet created by `coldkey`.
    bytes32 public constant CREATE_SUBNET_TYPEHASH = keccak256(
        "CreateSubnet(address hotkey,address coldkey,uint64 nonce,uint64 deadline)"
    );

    /// @notice The TAO token.
    ITAO public immutable tao;
    /// @notice Chain time of slot 0 (the emission contract's).
    uint256 public immutable genesisTime;

    struct Deps {
        address staking;
        bool permitsSet;
        bool weightsSet;
    }

    Deps internal _deps;
    address internal _permits;
    address internal _weights;
    uint256 internal _config;
    uint256 internal _lockState;
    uint256 internal _netuidBitmap;

    /// @dev word 0: ownerColdkey | registeredSlot | generation (zero owner = not live);
    /// word 1 (read and written by every registration): neuronCount | burnAnchor | burnSlot | emissionStartSlot |
    /// pruneMeta (PruningQueue's 90-bit meta). The owner hotkey is the hotkey at uid 0, which is never replaced.
    struct Subnet {
        address ownerColdkey;
        uint64 registeredSlot;
        uint32 generation;
        uint16 neuronCount;
        uint64 burnAnchor;
        uint32 burnSlot;
        uint32 emissionStartSlot;
        uint96 pruneMeta;
    }

    struct Instance {
        HyperparamStore.Words hp;
        TempoSchedule.Schedule schedule;
        PruningQueue.Queue queue;
        mapping(uint256 => uint256) neurons; // uid => hotkey | registrationSlot (32) << 160
        mapping(address => uint256) uidPlusOne; // hotkey => uid + 1
        mapping(uint256 => uint256) axons; // uid => Endpoint word (cleared when the uid is replaced)
        mapping(uint256 => bytes) longHosts; // uid => host, when longer than 15 bytes
        mapping(uint256 => uint256) ownerSetSlot; // Param => slot of the owner's last change + 1
    }

    mapping(uint16 => Subnet) internal _subnets;
    mapping(uint256 => Instance) internal _instances;
    mapping(address => uint256) internal _hotkeys;

    constructor(address governance, IEmission emission_) Ownable(governance) EIP712("SubnetRegistry", "1") {
        if (address(emission_) == address(0)) revert ZeroAddress();
        tao = emission_.tao();
        genesisTime = emission_.genesisTime();
    }

    // --- clock, keys, lookups ---

    function _now() internal view returns (uint64 slot) {
        slot = SlotClock.current(genesisTime);
        if (slot >= type(uint32).max) revert SlotOverflow(slot); // so that slot + 1 fits uint32 too
    }

    function _key(uint16 netuid, uint32 gen) internal pure returns (uint256) {
        return (uint256(gen) << 16) | netuid;
    }

    /// @dev A live non-root subnet, or revert.
    function _live(uint16 netuid) internal view returns (Subnet storage s) {
        if (netuid == 0) revert RootSubnet();
        s = _subnets[netuid];
        if (s.ownerColdkey == address(0)) revert SubnetNotFound(netuid);
    }

    function _subnetAndInst(uint16 netuid) internal view returns (Subnet storage s, Instance storage inst) {
        s = _live(netuid);
        inst = _instances[_key(netuid, s.generation)];
    }

    function _burnPrice(Subnet storage s, Instance storage inst, uint64 nowSlot) internal view returns (uint256) {
        uint256 w0 = inst.hp.word(0);
        return
            BurnCost.priceAt(
                s.burnAnchor,
                nowSlot - s.burnSlot,
                HyperparamStore.decayFactorQ32(w0),
                HyperparamStore.minBurn(w0),
                HyperparamStore.maxBurn(w0)
            );
    }

    function _lockCost(
        uint256 config,
        uint256 lastLock_,
        uint256 lastSlot,
        uint64 nowSlot
    ) internal view returns (uint256) {
        uint256 interval = LockCost.reductionInterval(uint32(config >> 64), HalvingMath.emissionAt(tao.issuance()));
        return LockCost.cost(lastLock_, lastSlot, nowSlot, uint64(config), interval);
    }

    function _unpackLock(uint256 w) internal pure returns (uint256 lastLock_, uint256 lastSlot, uint256 count) {
        return (uint64(w), uint64(w >> 64), uint16(w >> 128));
    }

    function _packLock(uint256 lastLock_, uint256 lastSlot, uint256 count) internal pure returns (uint256) {
        // lastLock <= 21e15 < 2^64, lastSlot < 2^32, count <= 256
        return lastLock_ | (lastSlot << 64) | (count << 128);
    }

    /// @dev Index of the lowest set bit of `x` (x != 0).
    function _lowestBit(uint256 x) internal pure returns (uint256) {
        unchecked {
            return Math.log2(x & (~x + 1)); // two's complement isolates the lowest set bit; wraps by design
        }
    }

    function _registerDigest(
        address hotkey,
        address coldkey,
        uint16 netuid,
        uint32 gen,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(REGISTER_TYPEHASH, hotkey, coldkey, netuid, gen, nonce, deadline)));
    }

    function _createSubnetDigest(
        address hotkey,
        address coldkey,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CREATE_SUBNET_TYPEHASH, hotkey, coldkey, nonce, deadline)));
    }

    /// @dev Both keepers of per-subnet state outside the registry start the netuid afresh: Staking (pool payout)
    /// and the permits source (the settlement: permits, epochs, claims, carry).
    function _notifyDissolved(address staking_, uint16 netuid) internal {
        IStakingHooks(staking_).onSubnetDissolved(netuid);
        address permits_ = _permits;
        if (permits_ != address(0)) IPermits(permits_).onSubnetDissolved(netuid);
    }

    /// @dev The slot of the neuron's last weights update (the Weights contract's record for its hotkey), or its
    /// registration slot when later or never updated (a hotkey's record from before it took this uid is earlier
    /// than its registration, so it needs no clearing).
    function _lastUpdate(uint16 netuid, uint256 neuronWord) internal view returns (uint64) {
        uint64 reg = PruningQueue.regSlotOf(neuronWord);
        address w = _weights;
        if (w == address(0)) return reg;
        (uint64 last, bool updated) = IWeights(w).lastUpdateOf(netuid, address(uint160(neuronWord)));
        return updated && last > reg ? last : reg;
    }
}

/// @title SubnetRegistry
/// @notice See {ISubnetRegistry}: one address, this contract's functions plus its extension's (delegatecall).
/// Runs subnet creation, registration, serving, the ISubnetRegistryView reads and the Weights context.
contract SubnetRegistry is SubnetRegistryBase, ISubnetRegistryView, IWeightsContext {
    using HyperparamStore for HyperparamStore.Words;
    using TempoSchedule for TempoSchedule.Schedule;
    using PruningQueue for PruningQueue.Queue;

    /// @notice The contract whose code runs every other function of {ISubnetRegistry} on this storage.
    address public immutable extension;

    /// @param governance The Ownable2Step owner.
    /// @param emission_ The emission contract: its TAO token and genesis time.
    constructor(address governance, IEmission emission_) SubnetRegistryBase(governance, emission_) {
        extension = address(new SubnetRegistryExtension(governance, emission_));
        // Mainnet values (subtensor-reference.md §8.1, §8.3, §8.4).
        _config =
            uint256(1e9) |
            (uint256(57_600) << 64) |
            (uint256(28_800) << 96) |
            (uint256(1_296_000) << 128) |
            (uint256(128) << 160) |
            (uint256(10) << 176) |
            (uint256(2) << 192);
    }

    /// @notice Everything not implemented here runs in the extension, on this contract's storage.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address ext = extension;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), ext, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) {
                revert(ptr, returndatasize())
            }
            return(ptr, returndatasize())
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Subnets
    // ------------------------------------------------------------------------------------------------------------

    /// @notice See {ISubnetRegistry-createSubnet}.
    function createSubnet(
        address hotkey,
        uint256 maxLockCost,
        bytes calldata hotkeySig
    ) external returns (uint16 netuid) {
        address staking_ = _wired();
        uint64 nowSlot = _now();
        uint256 cost = _chargeableLock(nowSlot, maxLockCost);
        _consent(hotkey, msg.sender, 0, false, hotkeySig, nowSlot);
        bool pruned;
        (netuid, pruned) = _allocate(staking_, nowSlot, cost);
        _initSubnet(netuid, hotkey, nowSlot);
        emit SubnetCreated(netuid, msg.sender, hotkey, cost);
        emit NeuronRegistered(netuid, 0, hotkey, msg.sender, 0, address(0));

        if (pruned) _notifyDissolved(staking_, netuid);
        // TAO reverts on failure and returns true otherwise.
        IERC20(address(tao)).transferFrom(msg.sender, staking_, cost);
        IStakingHooks(staking_).onSubnetCreated(netuid, cost);
    }

    /// @dev The lock cost now, after the network rate limit and the caller's price limit.
    function _chargeableLock(uint64 nowSlot, uint256 maxLockCost) private view returns (uint256 cost) {
        uint256 config = _config;
        (uint256 lastLock_, uint256 lastSlot, ) = _unpackLock(_lockState);
        if (lastLock_ != 0) {
            uint256 next = lastSlot + uint32(config >> 96);
            if (nowSlot < next) revert NetworkRateLimited(uint64(next));
        }
        cost = _lockCost(config, lastLock_, lastSlot, nowSlot);
        if (cost > maxLockCost) revert LockCostTooHigh(cost, maxLockCost);
    }

    /// @dev The netuid for a new subnet: at the limit, the dissolved prune target's; else the lowest free one.
    /// Records the lock.
    function _allocate(address staking_, uint64 nowSlot, uint256 cost) private returns (uint16 netuid, bool pruned) {
        uint256 config = _config;
        (, , uint256 count) = _unpackLock(_lockState);
        if (count >= uint16(config >> 160)) {
            netuid = _pruneTarget(staking_, nowSlot, uint32(config >> 128));
            if (netuid == 0) revert SubnetLimitReached(uint16(config >> 160));
            // Dissolve the target; its netuid stays taken (the bitmap bit and the count are unchanged).
            Subnet storage s = _subnets[netuid];
            uint32 gen = s.generation;
            s.generation = gen + 1; // < 2^32 dissolutions of one netuid
            emit SubnetDissolved(netuid, gen, true);
            pruned = true;
        } else {
            // count < limit <= 256: a free netuid exists.
            netuid = uint16(_lowestBit(~_netuidBitmap) + 1);
            _netuidBitmap |= uint256(1) << (netuid - 1);
            ++count;
        }
        _lockState = _packLock(cost, nowSlot, count);
    }

    /// @dev The live subnet past its network immunity with the lowest EMA price (ties: earliest created, then
    /// lowest netuid; with no prices yet every price is 0, so this is the oldest). 0 if none.
    function _pruneTarget(address staking_, uint64 nowSlot, uint256 immunity) private view returns (uint16 best) {
        uint256 bits = _netuidBitmap;
        uint256 bestPrice;
        uint64 bestSlot;
        while (bits != 0) {
            uint16 netuid = uint16(_lowestBit(bits) + 1);
            bits &= bits - 1;
            uint64 reg = _subnets[netuid].registeredSlot;
            if (uint256(reg) + immunity > nowSlot) continue;
            uint256 price = IStakingHooks(staking_).emaPrice(netuid);
            if (best == 0 || price < bestPrice || (price == bestPrice && reg < bestSlot)) {
                (best, bestPrice, bestSlot) = (netuid, price, reg);
            }
        }
    }

    /// @dev A fresh instance of `netuid` with the caller as owner and `hotkey` at uid 0.
    function _initSubnet(uint16 netuid, address hotkey, uint64 nowSlot) private {
        Subnet storage s = _subnets[netuid];
        s.ownerColdkey = msg.sender;
        s.registeredSlot = nowSlot;
        s.neuronCount = 1;
        s.burnAnchor = uint64(HyperparamStore.INITIAL_BURN);
        s.burnSlot = uint32(nowSlot); // _now() < 2^32
        s.emissionStartSlot = 0;
        s.pruneMeta = 0;
        Instance storage inst = _instances[_key(netuid, s.generation)];
        inst.neurons[0] = uint256(uint160(hotkey)) | (uint256(nowSlot) << 160);
        inst.uidPlusOne[hotkey] = 1;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Neurons
    // ------------------------------------------------------------------------------------------------------------

    /// @notice See {ISubnetRegistry-register}.
    function register(
        uint16 netuid,
        address hotkey,
        uint256 maxBurn,
        bytes calldata hotkeySig
    ) external returns (uint16 uid) {
        address staking_ = _wired();
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        uint256 w0 = inst.hp.word(0);
        if (!HyperparamStore.registrationAllowed(w0)) revert RegistrationDisabled(netuid);
        uint64 nowSlot = _now();
        _consent(hotkey, msg.sender, netuid, true, hotkeySig, nowSlot);
        {
            uint256 existing = inst.uidPlusOne[hotkey];
            if (existing != 0) revert AlreadyRegistered(netuid, hotkey, uint16(existing - 1));
        }
        uint256 price = BurnCost.priceAt(
            s.burnAnchor,
            nowSlot - s.burnSlot,
            HyperparamStore.decayFactorQ32(w0),
            HyperparamStore.minBurn(w0),
            HyperparamStore.maxBurn(w0)
        );
        if (price > maxBurn) revert BurnTooHigh(price, maxBurn);

        uint256 n = s.neuronCount;
        address replaced;
        if (n < HyperparamStore.maxUids(w0)) {
            uid = uint16(n); // n < maxUids <= 256
            s.neuronCount = uint16(n + 1);
        } else {
            (uid, replaced) = _replace(netuid, s, inst, n, nowSlot, HyperparamStore.immunityPeriod(w0));
        }
        inst.neurons[uid] = uint256(uint160(hotkey)) | (uint256(nowSlot) << 160);
        inst.uidPlusOne[hotkey] = uint256(uid) + 1;
        // bumped <= maxBurn < 2^64
        s.burnAnchor = uint64(
            BurnCost.bumped(
                price,
                HyperparamStore.burnIncreaseMultPpm(w0),
                HyperparamStore.minBurn(w0),
                HyperparamStore.maxBurn(w0)
            )
        );
        s.burnSlot = uint32(nowSlot); // _now() < 2^32
        emit NeuronRegistered(netuid, uid, hotkey, msg.sender, price, replaced);

        tao.burnFrom(msg.sender, price);
        IStakingHooks(staking_).onRegistrationBurn(netuid, price);
    }

    /// @dev Frees the uid to replace on a full subnet: the pruning candidate's hotkey leaves, its axon is cleared.
    function _replace(
        uint16 netuid,
        Subnet storage s,
        Instance storage inst,
        uint256 n,
        uint64 nowSlot,
        uint256 immunity
    ) private returns (uint16 uid, address replaced) {
        PruningQueue.Meta memory m = PruningQueue.unpack(s.pruneMeta);
        PruningQueue.Candidate memory c = inst.queue.select(m, inst.neurons, n, nowSlot, immunity);
        if (c.source == PruningQueue.NONE) revert NoPruneCandidate(netuid);
        uid = c.uid;
        replaced = address(uint160(inst.neurons[uid]));
        delete inst.uidPlusOne[replaced];
        if (inst.axons[uid] != 0) delete inst.axons[uid];
        s.pruneMeta = inst.queue.consume(m, c);
    }

    /// @dev Hotkey consent and binding (see {ISubnetRegistry}). `hotkeySig` = deadline slot (8 bytes) ‖ signature
    /// for createSubnet; deadline slot (8 bytes) ‖ generation (4 bytes) ‖ signature for register.
    function _consent(
        address hotkey,
        address coldkey,
        uint16 netuid,
        bool isRegister,
        bytes calldata hotkeySig,
        uint64 nowSlot
    ) private {
        if (hotkey == address(0)) revert ZeroAddress();
        uint256 info = _hotkeys[hotkey];
        address bound = address(uint160(info));
        if (bound != address(0) && bound != coldkey) revert HotkeyBoundToOther(hotkey, bound);
        uint256 updated = info;
        if (hotkeySig.length != 0) {
            uint256 head = isRegister ? 12 : 8;
            if (hotkeySig.length < head) revert InvalidHotkeySignature(hotkey);
            uint64 deadline = uint64(bytes8(hotkeySig[0:8]));
            if (nowSlot > deadline) revert HotkeySignatureExpired(deadline, nowSlot);
            uint64 nonce = uint64(info >> 160);
            bytes32 digest;
            if (isRegister) {
                // The consent names the life of the netuid it was given for: void once that subnet is dissolved.
                // Bytes 8..11, big-endian (the length is >= 12, checked above); a read, cheaper in code than a
                // checked slice in a contract near the init-code limit.
                uint32 signedGen;
                assembly ("memory-safe") {
                    signedGen := shr(224, calldataload(add(hotkeySig.offset, 8)))
                }
                {
                    uint32 gen = _subnets[netuid].generation; // warm: register read this word
                    if (signedGen != gen) revert HotkeySignatureWrongGeneration(netuid, signedGen, gen);
                }
                digest = _registerDigest(hotkey, coldkey, netuid, signedGen, nonce, deadline);
            } else {
                digest = _createSubnetDigest(hotkey, coldkey, nonce, deadline);
            }
            if (!SignatureChecker.isValidSignatureNow(hotkey, digest, hotkeySig[head:])) {
                revert InvalidHotkeySignature(hotkey);
            }
            updated = (uint256(nonce) + 1) << 160; // nonce < 2^64 - 1 signatures per hotkey
        } else if (hotkey != coldkey && bound != coldkey) {
            revert HotkeyConsentMissing(hotkey);
        }
        updated = (updated & ~uint256(type(uint160).max)) | uint160(coldkey);
        if (updated != info) _hotkeys[hotkey] = updated;
        if (bound == address(0)) emit HotkeyBound(hotkey, coldkey);
    }

    /// @dev Staking and Permits must be set before subnets or neurons are created.
    function _wired() private view returns (address staking_) {
        Deps memory d = _deps;
        if (d.staking == address(0)) revert DependencyNotSet(STAKING);
        if (!d.permitsSet) revert DependencyNotSet(PERMITS);
        return d.staking;
    }

    /// @notice See {ISubnetRegistry-serveAxon}.
    function serveAxon(uint16 netuid, string calldata endpoint, uint8 protocol, uint32 version) external {
        (, Instance storage inst) = _subnetAndInst(netuid);
        uint256 u1 = inst.uidPlusOne[msg.sender];
        if (u1 == 0) revert NotRegistered(netuid, msg.sender);
        _storeAxon(inst, u1 - 1, bytes(endpoint), protocol, version);
        emit AxonServed(netuid, uint16(u1 - 1), msg.sender, endpoint, protocol, version);
    }

    function _storeAxon(
        Instance storage inst,
        uint256 uid,
        bytes calldata endpoint,
        uint8 protocol,
        uint32 version
    ) private {
        uint64 nowSlot = _now();
        (uint256 w, uint256 hostStart, uint256 hostEnd) = Endpoint.encode(endpoint, nowSlot, protocol, version);
        uint256 old = inst.axons[uid];
        if (old != 0) {
            uint256 next = uint256(Endpoint.servedSlot(old)) + HyperparamStore.servingRateLimit(inst.hp.word(0));
            if (nowSlot < next) revert ServingRateLimited(uint64(next));
        }
        inst.axons[uid] = w;
        if (Endpoint.isLongHost(w)) inst.longHosts[uid] = endpoint[hostStart:hostEnd];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISubnetRegistryView
    function subnetExists(uint16 netuid) external view returns (bool) {
        return netuid == 0 || (netuid <= 256 && (_netuidBitmap >> (netuid - 1)) & 1 == 1);
    }

    /// @inheritdoc ISubnetRegistryView
    function subnetOwner(uint16 netuid) external view returns (address coldkey, address hotkey) {
        if (netuid == 0) return (address(0), address(0));
        Subnet storage s = _live(netuid);
        return (s.ownerColdkey, address(uint160(_instances[_key(netuid, s.generation)].neurons[0])));
    }

    /// @inheritdoc ISubnetRegistryView
    function emissionStartSlot(uint16 netuid) external view returns (uint64) {
        if (netuid == 0) return 0;
        return _live(netuid).emissionStartSlot;
    }

    /// @inheritdoc ISubnetRegistryView
    function hyperparams(uint16 netuid) external view returns (Hyperparams memory) {
        if (netuid == 0) return _instances[0].hp.load(uint16(HyperparamStore.TEMPO)); // defaults
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        uint64 nowSlot = SlotClock.current(genesisTime);
        return inst.hp.load(inst.schedule.tempoAt(s.registeredSlot, uint16(HyperparamStore.TEMPO), nowSlot));
    }

    /// @inheritdoc IWeightsContext
    function weightsContext(
        uint16 netuid,
        address hotkey,
        uint64 slot,
        bool withNeuronCount
    ) external view returns (WeightsContext memory c) {
        if (netuid == 0) {
            _instances[0].hp.loadWeights(c); // defaults; root has no neurons
            return c;
        }
        // Cold reads: the subnet's word 0, the weights hyperparameter word, the hotkey's uid; word 1 (neuron
        // count) and the schedule only when asked for / needed.
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        inst.hp.loadWeights(c);
        c.generation = s.generation;
        if (withNeuronCount) c.neuronCount = s.neuronCount;
        uint256 u1 = inst.uidPlusOne[hotkey];
        if (u1 == 0) return c;
        c.registered = true;
        c.uid = uint16(u1 - 1);
        c.ownerHotkey = u1 == 1; // the owner hotkey is the hotkey at uid 0, never replaced
        if (!c.commitRevealEnabled) return c; // only commits and reveals are windowed by epoch
        uint64 base = s.registeredSlot;
        if (slot < base) revert SlotBeforeSubnet(slot, base);
        (c.epoch, , ) = inst.schedule.epochAt(base, uint16(HyperparamStore.TEMPO), slot);
    }

    /// @inheritdoc ISubnetRegistryView
    function coldkeyOf(address hotkey) external view returns (address) {
        return address(uint160(_hotkeys[hotkey]));
    }

    /// @inheritdoc ISubnetRegistryView
    function uidOf(uint16 netuid, address hotkey) external view returns (bool registered, uint16 uid) {
        if (netuid == 0) return (false, 0);
        (, Instance storage inst) = _subnetAndInst(netuid);
        uint256 u1 = inst.uidPlusOne[hotkey];
        return u1 == 0 ? (false, 0) : (true, uint16(u1 - 1));
    }

    /// @inheritdoc ISubnetRegistryView
    function hotkeyAt(uint16 netuid, uint16 uid) external view returns (address) {
        if (netuid == 0) return address(0);
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        if (uid >= s.neuronCount) return address(0);
        return address(uint160(inst.neurons[uid]));
    }

    /// @inheritdoc ISubnetRegistryView
    function neuronCount(uint16 netuid) external view returns (uint16) {
        if (netuid == 0) return 0;
        return _live(netuid).neuronCount;
    }

    /// @inheritdoc ISubnetRegistryView
    function registrationSlot(uint16 netuid, uint16 uid) external view returns (uint64) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        if (uid >= s.neuronCount) revert UidNotFound(netuid, uid);
        return PruningQueue.regSlotOf(inst.neurons[uid]);
    }

    /// @inheritdoc ISubnetRegistryView
    function epochAt(uint16 netuid, uint64 slot) external view returns (uint64 epoch, uint64 start, uint64 close) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        if (slot < s.registeredSlot) revert SlotBeforeSubnet(slot, s.registeredSlot);
        return inst.schedule.epochAt(s.registeredSlot, uint16(HyperparamStore.TEMPO), slot);
    }

    /// @inheritdoc ISubnetRegistryView
    function epochBounds(uint16 netuid, uint64 epoch) external view returns (uint64 start, uint64 close) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        return inst.schedule.epochBounds(s.registeredSlot, uint16(HyperparamStore.TEMPO), epoch);
    }

    /// @notice See {ISubnetRegistry-lockCost}.
    function lockCost() external view returns (uint256) {
        (uint256 lastLock_, uint256 lastSlot, ) = _unpackLock(_lockState);
        return _lockCost(_config, lastLock_, lastSlot, SlotClock.current(genesisTime));
    }

    /// @notice See {ISubnetRegistry-burnCost}.
    function burnCost(uint16 netuid) external view returns (uint256) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        return _burnPrice(s, inst, SlotClock.current(genesisTime));
    }

    /// @notice See {ISubnetRegistry-staking}.
    function staking() external view returns (address) {
        return _deps.staking;
    }

    /// @notice See {ISubnetRegistry-nonces}.
    function nonces(address hotkey) external view returns (uint64) {
        return uint64(_hotkeys[hotkey] >> 160);
    }
}

/// @title SubnetRegistryExtension
/// @notice The rest of {ISubnetRegistry}, run by `SubnetRegistry` through delegatecall on the registry's storage:
/// governance settings, dissolution, the owner's hyperparameters and emission start, pruning-score syncs and the
/// heavier views. Deployed by the registry's constructor; its state-changing functions revert unless delegated to
/// (its views, called directly, read its own empty storage).
contract SubnetRegistryExtension is SubnetRegistryBase {
    using HyperparamStore for HyperparamStore.Words;
    using TempoSchedule for TempoSchedule.Schedule;
    using PruningQueue for PruningQueue.Queue;

    /// @notice The owner's weights version key is rate-limited to once per 5 tempos (subtensor §8.5).
    uint256 public constant VERSION_KEY_RATE_LIMIT_EPOCHS = 5;
    /// @notice Subtensor's `MinAllowedUids`: the least an owner may trim `maxUids` to.
    uint256 public constant OWNER_MIN_UIDS = 64;
    uint256 private constant MAX_SCORE = (1 << 216) - 1;

    address private immutable _self;

    /// @notice Only through the registry's delegatecall.
    error NotDelegated();

    constructor(address governance, IEmission emission_) SubnetRegistryBase(governance, emission_) {
        _self = address(this);
    }

    modifier delegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @notice See {ISubnetRegistry-setStaking}.
    function setStaking(address staking_) external delegated onlyOwner {
        if (staking_ == address(0)) revert ZeroAddress();
        if (_deps.staking != address(0)) revert DependencyAlreadySet(STAKING, _deps.staking);
        _deps.staking = staking_;
        emit DependencySet(STAKING, staking_);
    }

    /// @notice See {ISubnetRegistry-setPermits}.
    function setPermits(address permits_) external delegated onlyOwner {
        if (permits_ == address(0)) revert ZeroAddress();
        if (_permits != address(0)) revert DependencyAlreadySet(PERMITS, _permits);
        _permits = permits_;
        _deps.permitsSet = true;
        emit DependencySet(PERMITS, permits_);
    }

    /// @notice See {ISubnetRegistry-setWeightsContract}.
    function setWeightsContract(address weights_) external delegated onlyOwner {
        if (weights_ == address(0)) revert ZeroAddress();
        if (_weights != address(0)) revert DependencyAlreadySet(WEIGHTS, _weights);
        _weights = weights_;
        _deps.weightsSet = true;
        emit DependencySet(WEIGHTS, weights_);
    }

    /// @notice See {ISubnetRegistry-setNetworkParam}.
    function setNetworkParam(NetParam param, uint256 value) external delegated onlyOwner {
        (uint256 shift, uint256 bits, uint256 min, uint256 max) = _netLayout(param);
        if (value < min || value > max) revert NetValueOutOfBounds(param, value, min, max);
        uint256 mask = ((1 << bits) - 1) << shift;
        _config = (_config & ~mask) | (value << shift);
        emit NetworkParamSet(param, value);
    }

    /// @notice See {ISubnetRegistry-networkParam}.
    function networkParam(NetParam param) external view returns (uint256) {
        (uint256 shift, uint256 bits, , ) = _netLayout(param);
        return (_config >> shift) & ((1 << bits) - 1);
    }

    /// @dev (shift, bits, min, max) of a network setting in `_config`.
    function _netLayout(NetParam p) private pure returns (uint256, uint256, uint256, uint256) {
        // A lock seeds the new pool's TAO reserve, which must hold at least PoolMath.MIN_RESERVE (1e6 rao).
        if (p == NetParam.MinLock) return (0, 64, PoolMath.MIN_RESERVE, 1_000_000e9);
        if (p == NetParam.LockReductionInterval) return (64, 32, 0, type(uint32).max);
        if (p == NetParam.NetworkRateLimit) return (96, 32, 0, type(uint32).max);
        if (p == NetParam.NetworkImmunityPeriod) return (128, 32, 0, type(uint32).max);
        if (p == NetParam.SubnetLimit) return (160, 16, 1, 256);
        if (p == NetParam.AdminFreezeWindow) return (176, 16, 0, type(uint16).max);
        return (192, 16, 0, type(uint16).max); // OwnerRateLimitEpochs
    }

    /// @notice See {ISubnetRegistry-dissolveSubnet}.
    function dissolveSubnet(uint16 netuid) external delegated onlyOwner {
        address staking_ = _deps.staking;
        if (staking_ == address(0)) revert DependencyNotSet(STAKING);
        Subnet storage s = _live(netuid);
        uint32 gen = s.generation;
        s.ownerColdkey = address(0);
        s.generation = gen + 1; // < 2^32 dissolutions of one netuid
        (uint256 lastLock_, uint256 lastSlot, uint256 count) = _unpackLock(_lockState);
        _lockState = _packLock(lastLock_, lastSlot, count - 1); // count >= 1: netuid was live
        _netuidBitmap &= ~(uint256(1) << (netuid - 1));
        emit SubnetDissolved(netuid, gen, false);
        _notifyDissolved(staking_, netuid);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Owner
    // ------------------------------------------------------------------------------------------------------------

    /// @notice See {ISubnetRegistry-startEmission}.
    function startEmission(uint16 netuid) external delegated {
        Subnet storage s = _live(netuid);
        if (msg.sender != s.ownerColdkey) revert NotSubnetOwner(netuid, msg.sender);
        uint64 started = s.emissionStartSlot;
        if (started != 0) revert EmissionAlreadyStarted(netuid, started);
        uint64 start = _now() + 1;
        s.emissionStartSlot = uint32(start); // _now() < 2^32 - 1, so start fits
        emit EmissionStarted(netuid, start);
    }

    /// @notice See {ISubnetRegistry-setHyperparam}.
    function setHyperparam(uint16 netuid, Param param, uint256 value) external delegated {
        if (
            param == Param.Tempo ||
            param == Param.AlphaLow ||
            param == Param.AlphaHigh ||
            param == Param.AlphaSigmoidSteepness
        ) revert UseDedicatedSetter(param);
        (Subnet storage s, Instance storage inst, bool gov, uint64 nowSlot) = _authorize(netuid, param);
        (uint256 min, uint256 max) = _bounds(s, inst, param, gov);
        if (value < min || value > max) revert ValueOutOfBounds(param, value, min, max);
        if (param == Param.MinBurn || param == Param.MaxBurn || param == Param.BurnHalfLife) {
            // Re-anchor the burn price at its current value so that the change applies from now on.
            uint256 price = _burnPrice(s, inst, nowSlot);
            inst.hp.set(param, value);
            if (param == Param.BurnHalfLife) inst.hp.setDecayFactor(BurnCost.decayFactorQ32(value));
            uint256 w0 = inst.hp.word(0);
            // clamped to maxBurn < 2^64
            s.burnAnchor = uint64(BurnCost.clamp(price, HyperparamStore.minBurn(w0), HyperparamStore.maxBurn(w0)));
            s.burnSlot = uint32(nowSlot); // _now() < 2^32
        } else {
            inst.hp.set(param, value);
        }
        emit HyperparamSet(netuid, param, value, msg.sender);
    }

    /// @notice See {ISubnetRegistry-setTempo}.
    function setTempo(uint16 netuid, uint16 tempo) external delegated {
        (Subnet storage s, Instance storage inst, bool gov, uint64 nowSlot) = _authorize(netuid, Param.Tempo);
        uint256 min = gov ? 1 : HyperparamStore.TEMPO;
        if (tempo < min || tempo > 50_400) revert ValueOutOfBounds(Param.Tempo, tempo, min, 50_400);
        (uint64 fromEpoch, uint64 fromSlot) = inst.schedule.setTempo(
            s.registeredSlot,
            uint16(HyperparamStore.TEMPO),
            nowSlot,
            tempo
        );
        emit TempoSet(netuid, tempo, fromEpoch, fromSlot, msg.sender);
    }

    /// @notice See {ISubnetRegistry-setAlphaValues}.
    function setAlphaValues(uint16 netuid, uint16 alphaLow, uint16 alphaHigh) external delegated {
        (Subnet storage s, Instance storage inst, bool gov, uint64 nowSlot) = _authorize(netuid, Param.AlphaLow);
        if (!gov) _recordOwnerChange(s, inst, Param.AlphaHigh, nowSlot); // the pair shares one rate limit
        if (inst.hp.get(Param.LiquidAlphaEnabled) == 0) revert LiquidAlphaDisabled(netuid);
        uint256 floor_ = uint256(type(uint16).max) / 40; // 1638, subtensor's minimum for both
        if (alphaHigh < floor_) revert ValueOutOfBounds(Param.AlphaHigh, alphaHigh, floor_, type(uint16).max);
        if (alphaLow < floor_ || alphaLow > alphaHigh) {
            revert ValueOutOfBounds(Param.AlphaLow, alphaLow, floor_, alphaHigh);
        }
        inst.hp.set(Param.AlphaLow, alphaLow);
        inst.hp.set(Param.AlphaHigh, alphaHigh);
        emit AlphaValuesSet(netuid, alphaLow, alphaHigh, msg.sender);
    }

    /// @notice See {ISubnetRegistry-setAlphaSigmoidSteepness}.
    function setAlphaSigmoidSteepness(uint16 netuid, int16 steepness) external delegated {
        (, Instance storage inst, bool gov, ) = _authorize(netuid, Param.AlphaSigmoidSteepness);
        if (!gov && steepness < 0) {
            revert SignedValueOutOfBounds(Param.AlphaSigmoidSteepness, steepness, 0, type(int16).max);
        }
        inst.hp.set(Param.AlphaSigmoidSteepness, uint16(steepness)); // two's complement bits
        emit AlphaSigmoidSteepnessSet(netuid, steepness, msg.sender);
    }

    /// @dev Who may set `param` on `netuid`: governance (any time, no rate limit) or the owner coldkey (outside the
    /// freeze window, once per rate-limit period, not governance-only params). Records the owner's change.
    function _authorize(
        uint16 netuid,
        Param param
    ) private returns (Subnet storage s, Instance storage inst, bool gov, uint64 nowSlot) {
        (s, inst) = _subnetAndInst(netuid);
        nowSlot = _now();
        if (msg.sender == owner()) return (s, inst, true, nowSlot);
        if (msg.sender != s.ownerColdkey) revert NotSubnetOwner(netuid, msg.sender);
        if (
            param == Param.Kappa ||
            param == Param.MaxValidators ||
            param == Param.WeightsRateLimit ||
            param == Param.RegistrationAllowed
        ) revert GovernanceOnly(param, msg.sender);
        (, uint64 start, uint64 close) = inst.schedule.epochNow(
            s.registeredSlot,
            uint16(HyperparamStore.TEMPO),
            nowSlot
        );
        // The window is at most tempo - 1 slots: a window as long as the epoch (a short tempo set by governance,
        // or a long window) would freeze the owner, own `setTempo` included, for good.
        uint256 window = Math.min(uint16(_config >> 176), close - start - 1);
        if (uint256(nowSlot) + window >= close) revert AdminFreezeWindow(close);
        _recordOwnerChange(s, inst, param, nowSlot);
    }

    function _recordOwnerChange(Subnet storage s, Instance storage inst, Param param, uint64 nowSlot) private {
        uint64 next = _nextAllowed(s, inst, param, nowSlot);
        if (nowSlot < next) revert HyperparamRateLimited(param, next);
        inst.ownerSetSlot[uint256(param)] = uint256(nowSlot) + 1;
    }

    function _nextAllowed(
        Subnet storage s,
        Instance storage inst,
        Param param,
        uint64 nowSlot
    ) private view returns (uint64) {
        uint256 last = inst.ownerSetSlot[uint256(param)];
        if (last == 0) return 0;
        uint256 epochs = param == Param.WeightsVersionKey ? VERSION_KEY_RATE_LIMIT_EPOCHS : uint16(_config >> 192);
        uint256 tempo = inst.schedule.tempoNow(s.registeredSlot, uint16(HyperparamStore.TEMPO), nowSlot);
        return uint64(last - 1 + epochs * tempo); // < 2^32 + 2^16 * 2^16
    }

    /// @dev Bounds of `param` for the owner (`gov` false) or governance, given the subnet's current values.
    function _bounds(
        Subnet storage s,
        Instance storage inst,
        Param p,
        bool gov
    ) private view returns (uint256 min, uint256 max) {
        if (p == Param.MaxUids) {
            min = gov ? 1 : OWNER_MIN_UIDS;
            uint256 n = s.neuronCount;
            uint256 v = inst.hp.get(Param.MaxValidators);
            if (n > min) min = n;
            if (v > min) min = v;
            return (min, 256);
        }
        if (p == Param.MaxValidators) return (1, inst.hp.get(Param.MaxUids));
        if (p == Param.MinAllowedWeights) return (0, inst.hp.get(Param.MaxUids));
        if (p == Param.MinBurn) {
            max = inst.hp.get(Param.MaxBurn) - 1; // maxBurn > minBurn >= 1
            if (!gov && max > 1e9 - 1) max = 1e9 - 1; // subtensor's MinBurnUpperBound: < 1 TAO
            return (1, max);
        }
        if (p == Param.MaxBurn) {
            min = inst.hp.get(Param.MinBurn) + 1;
            if (!gov && min < 1e8 + 1) min = 1e8 + 1; // subtensor's MaxBurnLowerBound: > 0.1 TAO
            return (min, type(uint64).max);
        }
        if (p == Param.BurnIncreaseMult) return (1_000_000, 3_000_000);
        if (p == Param.BurnHalfLife) return (1, 36_100);
        if (p == Param.RevealPeriodEpochs) return (1, 100);
        if (p == Param.ActivityCutoff) return (360, type(uint16).max);
        if (p == Param.BondsMovingAverage) return (0, gov ? 1_000_000 : 975_000);
        if (p == Param.WeightsVersionKey) return (0, type(uint64).max);
        if (
            p == Param.RegistrationAllowed ||
            p == Param.CommitRevealEnabled ||
            p == Param.Yuma3Enabled ||
            p == Param.LiquidAlphaEnabled
        ) return (0, 1);
        // ImmunityPeriod, ServingRateLimit, MaxWeightLimit, WeightsRateLimit, Kappa, BondsPenalty: any u16.
        return (0, type(uint16).max);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Pruning scores
    // ------------------------------------------------------------------------------------------------------------

    /// @notice See {ISubnetRegistry-syncPruningScores}.
    function syncPruningScores(uint16 netuid) external delegated {
        address permits_ = _permits;
        if (permits_ == address(0)) revert DependencyNotSet(PERMITS);
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        uint16 n = s.neuronCount;
        uint256[] memory keys = new uint256[](n - 1); // n >= 1: the owner's uid 0
        for (uint256 uid = 1; uid < n; ++uid) {
            uint64 regSlot = PruningQueue.regSlotOf(inst.neurons[uid]);
            uint256 score = IPermits(permits_).lastEmissionOf(netuid, uint16(uid), regSlot);
            if (score > MAX_SCORE) score = MAX_SCORE;
            keys[uid - 1] = (score << 40) | (uint256(regSlot) << 8) | uid;
        }
        Arrays.sort(keys);
        uint64 nowSlot = _now();
        s.pruneMeta = inst.queue.store(s.pruneMeta, keys, n, uint32(nowSlot)); // _now() < 2^32
        emit PruningScoresSynced(netuid, nowSlot, n);
    }

    /// @notice See {ISubnetRegistry-pruneCandidate}.
    function pruneCandidate(uint16 netuid) external view returns (bool found, uint16 uid) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        uint256 w0 = inst.hp.word(0);
        uint256 n = s.neuronCount;
        if (n < HyperparamStore.maxUids(w0)) return (false, 0);
        PruningQueue.Candidate memory c = inst.queue.select(
            PruningQueue.unpack(s.pruneMeta),
            inst.neurons,
            n,
            SlotClock.current(genesisTime),
            HyperparamStore.immunityPeriod(w0)
        );
        return (c.source != PruningQueue.NONE, c.uid);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @notice See {ISubnetRegistry-permits}.
    function permits() external view returns (address) {
        return _permits;
    }

    /// @notice See {ISubnetRegistry-weightsContract}.
    function weightsContract() external view returns (address) {
        return _weights;
    }

    /// @notice See {ISubnetRegistry-subnetCount}.
    function subnetCount() external view returns (uint16) {
        (, , uint256 count) = _unpackLock(_lockState);
        return uint16(count);
    }

    /// @notice See {ISubnetRegistry-netuids}.
    function netuids() external view returns (uint16[] memory list) {
        uint256 bits = _netuidBitmap;
        uint256 count;
        for (uint256 b = bits; b != 0; b &= b - 1) ++count;
        list = new uint16[](count + 1); // [0] = root
        for (uint256 k = 1; bits != 0; ++k) {
            list[k] = uint16(_lowestBit(bits) + 1);
            bits &= bits - 1;
        }
    }

    /// @notice See {ISubnetRegistry-lastLock}.
    function lastLock() external view returns (uint256 amount, uint64 slot) {
        (uint256 a, uint256 sl, ) = _unpackLock(_lockState);
        return (a, uint64(sl));
    }

    /// @notice See {ISubnetRegistry-generation}.
    function generation(uint16 netuid) external view returns (uint32) {
        return _subnets[netuid].generation;
    }

    /// @notice See {ISubnetRegistry-subnetRegisteredSlot}.
    function subnetRegisteredSlot(uint16 netuid) external view returns (uint64) {
        return _live(netuid).registeredSlot;
    }

    /// @notice See {ISubnetRegistry-pendingTempo}.
    function pendingTempo(
        uint16 netuid
    ) external view returns (bool pending, uint16 tempo, uint64 fromEpoch, uint64 fromSlot) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        TempoSchedule.Anchor memory a = inst.schedule.latest(s.registeredSlot, uint16(HyperparamStore.TEMPO));
        if (a.slot <= SlotClock.current(genesisTime)) return (false, 0, 0, 0);
        return (true, a.tempo, a.epoch, a.slot);
    }

    /// @notice See {ISubnetRegistry-hyperparamNextAllowedSlot}.
    function hyperparamNextAllowedSlot(uint16 netuid, Param param) external view returns (uint64) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        return _nextAllowed(s, inst, param, SlotClock.current(genesisTime));
    }

    /// @notice See {ISubnetRegistry-registerDigest}.
    function registerDigest(
        address hotkey,
        address coldkey,
        uint16 netuid,
        uint32 subnetGeneration,
        uint64 nonce,
        uint64 deadlineSlot
    ) external view returns (bytes32) {
        return _registerDigest(hotkey, coldkey, netuid, subnetGeneration, nonce, deadlineSlot);
    }

    /// @notice See {ISubnetRegistry-createSubnetDigest}.
    function createSubnetDigest(
        address hotkey,
        address coldkey,
        uint64 nonce,
        uint64 deadlineSlot
    ) external view returns (bytes32) {
        return _createSubnetDigest(hotkey, coldkey, nonce, deadlineSlot);
    }

    /// @notice See {ISubnetRegistry-axonOf}.
    function axonOf(uint16 netuid, uint16 uid) external view returns (Axon memory) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        if (uid >= s.neuronCount) revert UidNotFound(netuid, uid);
        return _axon(inst, uid);
    }

    /// @notice See {ISubnetRegistry-lastUpdate}.
    function lastUpdate(uint16 netuid, uint16 uid) external view returns (uint64) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        if (uid >= s.neuronCount) revert UidNotFound(netuid, uid);
        return _lastUpdate(netuid, inst.neurons[uid]);
    }

    struct RowContext {
        uint16 netuid;
        uint256 permitBits;
        uint64 permitsClose; // a uid registered after it does not hold its bit's permit
        address staking;
        uint64 nowSlot;
        uint256 immunity;
    }

    /// @notice See {ISubnetRegistry-metagraph}.
    function metagraph(uint16 netuid, uint16 offset, uint16 limit) external view returns (NeuronInfo[] memory rows) {
        (Subnet storage s, Instance storage inst) = _subnetAndInst(netuid);
        uint256 end = uint256(offset) + limit;
        if (end > s.neuronCount) end = s.neuronCount;
        if (offset >= end) return rows;
        rows = new NeuronInfo[](end - offset);
        RowContext memory ctx;
        ctx.netuid = netuid;
        bool finalised;
        if (_permits != address(0)) (ctx.permitBits, finalised) = IPermits(_permits).permits(netuid);
        if (finalised) (, , ctx.permitsClose) = IPermits(_permits).latestFinalised(netuid);
        else ctx.permitBits = 1; // bootstrap: the owner's hotkey (uid 0) is the permitted set
        ctx.staking = _deps.staking;
        ctx.nowSlot = SlotClock.current(genesisTime);
        ctx.immunity = HyperparamStore.immunityPeriod(inst.hp.word(0));
        for (uint256 uid = offset; uid < end; ++uid) {
            rows[uid - offset] = _row(inst, uid, ctx);
        }
    }

    function _row(
        Instance storage inst,
        uint256 uid,
        RowContext memory ctx
    ) private view returns (NeuronInfo memory r) {
        uint256 nw = inst.neurons[uid];
        r.uid = uint16(uid);
        r.hotkey = address(uint160(nw));
        r.coldkey = address(uint160(_hotkeys[r.hotkey]));
        r.registrationSlot = PruningQueue.regSlotOf(nw);
        r.lastUpdate = _lastUpdate(ctx.netuid, nw);
        // The bit belongs to the hotkey at the uid when the permits were granted (the owner's uid 0 always).
        r.permit = (ctx.permitBits >> uid) & 1 == 1 && (uid == 0 || r.registrationSlot <= ctx.permitsClose);
        r.immune = uid == 0 || uint256(r.registrationSlot) + ctx.immunity > ctx.nowSlot;
        if (ctx.staking != address(0)) r.stakeWeight = IStakingHooks(ctx.staking).stakeWeight(ctx.netuid, r.hotkey);
        r.axon = _axon(inst, uid);
    }

    function _axon(Instance storage inst, uint256 uid) private view returns (Axon memory a) {
        uint256 w = inst.axons[uid];
        if (w == 0) return a;
        a.endpoint = Endpoint.render(w, Endpoint.isLongHost(w) ? inst.longHosts[uid] : bytes(""));
        a.version = uint32(w >> 64);
        a.protocol = uint8(w >> 96);
        a.servedSlot = Endpoint.servedSlot(w);
    }
}
