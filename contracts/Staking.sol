// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {IStaking} from "./interfaces/IStaking.sol";
import {IStakingHooks} from "./interfaces/IStakingHooks.sol";
import {IEmission, IEmissionReceiver} from "./interfaces/IEmission.sol";
import {ITAO} from "./interfaces/ITAO.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {SlotClock} from "./libraries/SlotClock.sol";
import {HalvingMath} from "./libraries/HalvingMath.sol";
import {PoolMath} from "./libraries/PoolMath.sol";
import {SharePool} from "./libraries/SharePool.sol";
import {FlowEma} from "./libraries/FlowEma.sol";
import {PriceEma} from "./libraries/PriceEma.sol";
import {EmissionSplit} from "./libraries/EmissionSplit.sol";

/// @dev `Emission.drawReserve` is not part of IEmission (a requested addition); declared here.
interface IEmissionReserve {
    function drawReserve(uint256 amount) external;
}

/// @title Staking
/// @notice See {IStaking} and docs/staking.md. Storage layout (beside each declaration below):
/// - per netuid, three consecutive slots: `Pool` (read and written by every swap), `SubnetEma` (written once
///   per coinbase), `SubnetAlpha` (written per coinbase and per credit);
/// - per (netuid, generation, hotkey) "pool key" (a packed uint256, no hashing): total shares and an OZ
///   `Checkpoints.Trace208` of the pool's total alpha, keyed by slot, whose latest value IS the total;
/// - per (pool key, coldkey): shares.
/// Root (netuid 0) positions use generation 0 and hold TAO 1:1.
contract Staking is IStaking, Ownable2Step {
    using Checkpoints for Checkpoints.Trace208;

    // ------------------------------------------------------------------ constants

    uint16 internal constant ROOT = 0;
    /// @notice Minimum stake: 0.002 TAO (subtensor DefaultMinStake).
    uint256 public constant MIN_STAKE = 2_000_000;
    /// @notice Delegate take default and maximum: 11796 / 65535 (~18 %).
    uint16 public constant MAX_TAKE = 11_796;
    /// @notice Take increases are allowed once per this many slots after the last change (30 days).
    uint64 public constant TAKE_RATE_LIMIT = 216_000;
    /// @notice Default tao_weight: 0.18 as u64 proportion (subtensor's migrate_rao value).
    uint64 public constant DEFAULT_TAO_WEIGHT = 3_320_413_933_267_719_290;
    /// @notice Default subnet owner cut: 11796 / 65535.
    uint16 public constant DEFAULT_OWNER_CUT = 11_796;
    /// @notice Median seed prices are clamped to at least 1e-9 TAO per alpha (1e9 in 1e18), so that the alpha
    /// reserve of a new pool stays below 2^104.
    uint256 internal constant MIN_SEED_PRICE = 1e9;
    uint256 internal constant WAD = 1e18;

    // ------------------------------------------------------------------ storage types

    /// @dev One slot: 56 + 104 + 64 + 24 + 8 = 256 bits. `tao` < 2^56 because a pool never holds more TAO than
    /// exists (2.1e16 < 7.2e16); `alpha` < 2^96 (bounded by the subnet's alpha issuance); `flow` is the net
    /// TAO flow since the last coinbase (|flow| <= 2 x supply < 2^63). A live pool has `tao` >= 1e6 > 0.
    struct Pool {
        uint56 tao;
        uint104 alpha;
        int64 flow;
        uint24 generation;
        bool started;
    }

    /// @dev One slot: 64 + 128 + 64. `emaPrice` <= 1e18 (targets are capped at 1); `flowEma` is I64F64.
    struct SubnetEma {
        uint64 emaPrice;
        int128 flowEma;
        uint64 startSlot;
    }

    /// @dev One slot: 96 + 64 + 96. issuance = seed + injected + emitted alpha < 2^86; pending <= alpha emitted
    /// by the halving curve (<= 2.1e16 < 2^64). Alpha held by stakers = issuance - reserve - pending - protocol.
    struct SubnetAlpha {
        uint96 issuance;
        uint64 pending;
        uint96 protocol;
    }

    struct Subnet {
        Pool pool;
        SubnetEma ema;
        SubnetAlpha alpha;
    }

    /// @dev One slot: 160 + 64 + 16 + 8.
    struct Config {
        address settlement;
        uint64 taoWeight;
        uint16 ownerCut;
        ShareRule rule;
    }

    /// @dev One slot: TAO outside pools (each < total supply < 2^64).
    struct Ledger {
        uint64 rootStake;
        uint64 dissolvedUnclaimed;
        uint64 protocolTao;
    }

    /// @dev One slot: 16 + 8 + 64.
    struct Take {
        uint16 take;
        bool set;
        uint64 lastChange;
    }

    /// @dev One slot: the owner cut and the distributable alpha accrued for one epoch.
    struct EpochEmission {
        uint128 ownerCut;
        uint128 distributable;
    }

    /// @dev One slot: 64 + 104 + 64 + 8.
    struct DissolvedPot {
        uint64 taoPot;
        uint104 alphaStaked;
        uint64 unclaimed;
        bool dissolved;
    }

    /// @dev Per-subnet working set of one coinbase.
    struct Entry {
        uint16 netuid;
        bool eligible;
        uint64 start;
        uint64 span;
        uint256 weight;
        uint256 priceWeight;
        Pool pool;
    }

    // ------------------------------------------------------------------ immutables and storage

    IEmission public immutable emission;
    ISubnetRegistryView public immutable registry;
    address public immutable tao;
    uint256 public immutable genesisTime;

    Config internal _config;
    Ledger internal _ledger;
    /// @dev Live netuids (root excluded) and each one's index + 1.
    uint16[] internal _live;
    mapping(uint16 netuid => uint256 indexPlusOne) internal _liveIndex;
    mapping(uint16 netuid => Subnet) internal _subnets;
    /// @dev pool key = hotkey | netuid << 160 | generation << 176.
    mapping(uint256 poolKey => uint256) internal _totalShares;
    mapping(uint256 poolKey => Checkpoints.Trace208) internal _stakeTrace;
    mapping(uint256 poolKey => mapping(address coldkey => uint256)) internal _shares;
    mapping(address hotkey => Take) internal _takes;
    /// @dev gen key = netuid | generation << 16.
    mapping(uint256 genKey => mapping(uint64 epoch => EpochEmission)) internal _epochs;
    mapping(uint256 genKey => DissolvedPot) internal _dissolved;
    Checkpoints.Trace208 internal _taoWeightTrace;

    // ------------------------------------------------------------------ construction

    /// @param emission_ The Emission contract (this contract becomes its receiver by governance's `setReceiver`).
    /// @param registry_ The subnet registry.
    /// @param owner_ Governance (two-step transferable).
    constructor(IEmission emission_, ISubnetRegistryView registry_, address owner_) Ownable(owner_) {
        if (address(emission_) == address(0) || address(registry_) == address(0)) revert ZeroAddress();
        emission = emission_;
        registry = registry_;
        tao = address(emission_.tao());
        genesisTime = emission_.genesisTime();
        _config = Config({settlement: address(0), taoWeight: DEFAULT_TAO_WEIGHT, ownerCut: DEFAULT_OWNER_CUT, rule: ShareRule.NetFlow});
        _taoWeightTrace.push(_key(_now()), DEFAULT_TAO_WEIGHT);
    }

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ staking

    /// @inheritdoc IStaking
    function stake(uint16 netuid, address hotkey, uint256 taoIn, uint256 limitPrice, bool allowPartial, uint256 deadline)
        external
        returns (uint256 alphaOut, uint256 taoUsed)
    {
        return _stake(netuid, hotkey, taoIn, limitPrice, allowPartial, deadline);
    }

    /// @inheritdoc IStaking
    function stakeWithPermit(
        uint16 netuid,
        address hotkey,
        uint256 taoIn,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 alphaOut, uint256 taoUsed) {
        // A front-run permit fails here but leaves the allowance in place; transferFrom then decides.
        try IERC20Permit(tao).permit(msg.sender, address(this), taoIn, deadline, v, r, s) {} catch {}
        return _stake(netuid, hotkey, taoIn, limitPrice, allowPartial, deadline);
    }

    /// @inheritdoc IStaking
    function unstake(uint16 netuid, address hotkey, uint256 alpha, uint256 limitPrice, bool allowPartial, uint256 deadline)
        external
        returns (uint256 taoOut, uint256 alphaUsed)
    {
        return _unstake(netuid, hotkey, alpha, limitPrice, allowPartial, deadline);
    }

    /// @inheritdoc IStaking
    function unstakeAll(uint16 netuid, address hotkey, uint256 limitPrice, uint256 deadline)
        external
        returns (uint256 taoOut, uint256 alphaUsed)
    {
        (, uint256 alpha) = _positionAlpha(netuid, hotkey, msg.sender);
        return _unstake(netuid, hotkey, alpha, limitPrice, false, deadline);
    }

    /// @inheritdoc IStaking
    function moveStake(
        address originHotkey,
        address destHotkey,
        uint16 originNetuid,
        uint16 destNetuid,
        uint256 alpha,
        uint256 minAlphaOut,
        uint256 deadline
    ) external returns (uint256 alphaOut) {
        return _move(originHotkey, originNetuid, msg.sender, destHotkey, destNetuid, alpha, minAlphaOut, deadline);
    }

    /// @inheritdoc IStaking
    function transferStake(
        address destColdkey,
        address hotkey,
        uint16 originNetuid,
        uint16 destNetuid,
        uint256 alpha,
        uint256 minAlphaOut,
        uint256 deadline
    ) external returns (uint256 alphaOut) {
        if (destColdkey == address(0)) revert ZeroAddress();
        return _move(hotkey, originNetuid, destColdkey, hotkey, destNetuid, alpha, minAlphaOut, deadline);
    }

    /// @inheritdoc IStaking
    function setDelegateTake(address hotkey, uint16 take) external {
        address owner_ = registry.coldkeyOf(hotkey);
        if (owner_ == address(0)) revert HotkeyNotBound(hotkey);
        if (owner_ != msg.sender) revert NotHotkeyOwner(hotkey, msg.sender, owner_);
        if (take > MAX_TAKE) revert TakeTooHigh(take, MAX_TAKE);
        Take memory cur = _takes[hotkey];
        uint16 current = cur.set ? cur.take : MAX_TAKE;
        uint64 slot = _now();
        if (take > current && cur.set && slot < cur.lastChange + TAKE_RATE_LIMIT) {
            revert RateLimited(cur.lastChange + TAKE_RATE_LIMIT);
        }
        _takes[hotkey] = Take({take: take, set: true, lastChange: slot});
        emit DelegateTakeSet(hotkey, take);
    }

    /// @inheritdoc IStaking
    function claimDissolved(uint16 netuid, address hotkey) external returns (uint256) {
        uint24 gen = _subnets[netuid].pool.generation;
        if (gen == 0) revert NotDissolved(netuid, 0);
        unchecked {
            return _claimDissolved(netuid, hotkey, gen - 1); // gen >= 1
        }
    }

    /// @inheritdoc IStaking
    function claimDissolved(uint16 netuid, address hotkey, uint24 generation) external returns (uint256) {
        return _claimDissolved(netuid, hotkey, generation);
    }

    // ------------------------------------------------------------------ hooks

    /// @inheritdoc IStakingHooks
    function onSubnetCreated(uint16 netuid, uint256 lockTao) external onlyRegistry {
        Subnet storage s = _subnets[netuid];
        if (netuid == ROOT || s.pool.tao != 0) revert SubnetAlreadyExists(netuid);
        if (lockTao < PoolMath.MIN_RESERVE) revert LockBelowMinimum(lockTao, PoolMath.MIN_RESERVE);
        uint256 price = _medianPrice();
        uint256 alpha = (lockTao * WAD) / price;
        if (alpha < PoolMath.MIN_RESERVE) alpha = PoolMath.MIN_RESERVE;
        uint24 gen = s.pool.generation;
        s.pool = Pool({tao: SafeCast.toUint56(lockTao), alpha: uint104(alpha), flow: 0, generation: gen, started: false});
        // alpha <= 2.1e16 * 1e18 / 1e9 < 2^85.
        s.alpha = SubnetAlpha({issuance: uint96(alpha), pending: 0, protocol: 0});
        _live.push(netuid);
        _liveIndex[netuid] = _live.length;
        emit PoolCreated(netuid, gen, lockTao, alpha);
    }

    /// @inheritdoc IStakingHooks
    function onSubnetDissolved(uint16 netuid) external onlyRegistry {
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        if (netuid == ROOT || p.tao == 0) revert SubnetNotFound(netuid);
        SubnetAlpha memory sa = s.alpha;
        uint256 staked = _staked(p, sa);
        uint256 pot = p.tao;
        if (staked == 0) {
            _dissolved[_genKey(netuid, p.generation)] = DissolvedPot(0, 0, 0, true);
            _ledger.protocolTao += uint64(pot);
            emit ProtocolTaoAdded(pot, 1);
        } else {
            // pot < 2^56, staked <= issuance < 2^96.
            _dissolved[_genKey(netuid, p.generation)] = DissolvedPot(uint64(pot), uint104(staked), uint64(pot), true);
            _ledger.dissolvedUnclaimed += uint64(pot);
        }
        delete s.ema;
        delete s.alpha;
        s.pool = Pool({tao: 0, alpha: 0, flow: 0, generation: p.generation + 1, started: false});
        _removeLive(netuid);
        emit PoolDissolved(netuid, p.generation, pot, staked);
    }

    /// @inheritdoc IStakingHooks
    function onRegistrationBurn(uint16 netuid, uint256 taoBurned) external onlyRegistry {
        Pool storage p = _subnets[netuid].pool;
        if (netuid == ROOT || p.tao == 0) revert SubnetNotFound(netuid);
        p.flow += SafeCast.toInt64(SafeCast.toInt256(taoBurned));
        emit RegistrationBurnCounted(netuid, taoBurned);
    }

    /// @inheritdoc IStakingHooks
    function creditEmission(uint16 netuid, address hotkey, uint256 amount) external {
        Config memory cfg = _config;
        if (msg.sender != cfg.settlement || msg.sender == address(0)) revert NotSettlement(msg.sender, cfg.settlement);
        if (amount == 0) revert ZeroAmount();
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        if (netuid == ROOT || p.tao == 0) revert SubnetNotFound(netuid);
        if (amount > s.alpha.pending) revert EmissionExceeded(amount, s.alpha.pending);
        address coldkey = registry.coldkeyOf(hotkey);
        if (coldkey == address(0)) revert HotkeyNotBound(hotkey);
        unchecked {
            s.alpha.pending -= uint64(amount); // amount <= pending checked above
        }
        uint64 slot = _now();
        uint256 key = _poolKey(netuid, p.generation, hotkey);
        uint256 take = (amount * _takeOf(hotkey)) / EmissionSplit.U16_ONE;
        uint256 rest = amount - take;

        // The part of the dividend earned by the hotkey's root stake is sold for TAO (fee-free, as subtensor's
        // default root claim "Swap") and raises the value of its root nominators' shares.
        uint256 rootKey = _poolKey(ROOT, 0, hotkey);
        uint256 rootStake = _stakeTrace[rootKey].latest();
        uint256 toRoot = EmissionSplit.rootPart(
            rest, _stakeTrace[key].latest(), EmissionSplit.rootWeight(rootStake, cfg.taoWeight)
        );
        uint256 rootTao;
        if (toRoot != 0) {
            (rootTao,) = PoolMath.swapOut(p.alpha, p.tao, toRoot, false);
            if (rootTao == 0 || p.tao - rootTao < PoolMath.MIN_RESERVE) {
                (toRoot, rootTao) = (0, 0); // pool too shallow: the alpha nominators keep it
            } else {
                p.tao -= uint56(rootTao);
                p.alpha += uint104(toRoot);
                s.pool = p;
                _stakeTrace[rootKey].push(_key(slot), uint208(rootStake + rootTao));
                _ledger.rootStake += uint64(rootTao);
            }
        }
        _creditShares(key, coldkey, take, rest - toRoot, slot);
        emit EmissionCredited(netuid, hotkey, amount, take, toRoot, rootTao);
    }

    /// @inheritdoc IEmissionReceiver
    function onEmission(uint64 fromSlot, uint64 toSlot, uint256 minted) external {
        if (msg.sender != address(emission)) revert NotEmission(msg.sender);
        if (toSlot <= fromSlot || minted == 0) return;
        Config memory cfg = _config;
        (Entry[] memory entries, uint256[] memory weights, uint256 sum, uint256 eligible) =
            _updateEmas(fromSlot, toSlot, cfg.rule);
        if (eligible == 0) {
            _ledger.protocolTao += uint64(minted); // minted < 2^55 per call
            emit ProtocolTaoAdded(minted, 0);
            emit EmissionDistributed(fromSlot, toSlot, minted, 0);
            return;
        }
        uint256[] memory amounts = EmissionSplit.byWeight(minted, weights, sum);
        for (uint256 i; i < entries.length; ++i) {
            if (entries[i].eligible) _emitTo(entries[i], amounts[i], toSlot, cfg.ownerCut);
        }
        emit EmissionDistributed(fromSlot, toSlot, minted, eligible);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IStaking
    function setSettlement(address settlement_) external onlyOwner {
        if (settlement_ == address(0)) revert ZeroAddress();
        if (_config.settlement != address(0)) revert SettlementAlreadySet(_config.settlement);
        _config.settlement = settlement_;
        emit SettlementSet(settlement_);
    }

    /// @inheritdoc IStaking
    function setTaoWeight(uint64 taoWeight_) external onlyOwner {
        _config.taoWeight = taoWeight_;
        _taoWeightTrace.push(_key(_now()), taoWeight_);
        emit TaoWeightSet(taoWeight_);
    }

    /// @inheritdoc IStaking
    function setShareRule(ShareRule rule) external onlyOwner {
        _config.rule = rule;
        emit ShareRuleSet(rule);
    }

    /// @inheritdoc IStaking
    function setOwnerCut(uint16 cut) external onlyOwner {
        _config.ownerCut = cut;
        emit OwnerCutSet(cut);
    }

    /// @inheritdoc IStaking
    function drawEmissionReserve(uint256 amount) external onlyOwner {
        IEmissionReserve(address(emission)).drawReserve(amount);
        _ledger.protocolTao += SafeCast.toUint64(amount);
        emit ProtocolTaoAdded(amount, 2);
    }

    /// @inheritdoc IStaking
    function recycleProtocolTao(uint256 amount) external onlyOwner {
        uint256 held = _ledger.protocolTao;
        if (amount > held) revert ProtocolTaoExceeded(amount, held);
        unchecked {
            _ledger.protocolTao = uint64(held - amount); // amount <= held
        }
        ITAO(tao).burn(amount);
        emit ProtocolTaoRecycled(amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IStaking
    function pool(uint16 netuid) external view returns (PoolView memory v) {
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        SubnetAlpha memory sa = s.alpha;
        SubnetEma memory em = s.ema;
        v.live = p.tao != 0;
        v.started = p.started;
        v.generation = p.generation;
        v.taoReserve = p.tao;
        v.alphaReserve = p.alpha;
        v.alphaStaked = v.live ? _staked(p, sa) : 0;
        v.alphaPending = sa.pending;
        v.protocolAlpha = sa.protocol;
        v.alphaIssuance = sa.issuance;
        v.pendingFlow = p.flow;
        v.flowEma = em.flowEma;
        v.emaPrice = em.emaPrice;
        v.emissionStartSlot = em.startSlot;
    }

    /// @inheritdoc IStaking
    function spotPrice(uint16 netuid) public view returns (uint256) {
        if (netuid == ROOT) return WAD;
        Pool memory p = _livePool(netuid);
        return (uint256(p.tao) * WAD) / p.alpha;
    }

    /// @inheritdoc IStakingHooks
    function emaPrice(uint16 netuid) external view returns (uint256) {
        if (netuid == ROOT) return WAD;
        return _subnets[netuid].ema.emaPrice;
    }

    /// @inheritdoc IStaking
    function quoteStake(uint16 netuid, uint256 taoIn) external view returns (uint256 alphaOut, uint256 fee) {
        if (netuid == ROOT) return (taoIn, 0);
        Pool memory p = _livePool(netuid);
        return PoolMath.swapOut(p.tao, p.alpha, taoIn, true);
    }

    /// @inheritdoc IStaking
    function quoteUnstake(uint16 netuid, uint256 alpha) external view returns (uint256 taoOut, uint256 fee) {
        if (netuid == ROOT) return (alpha, 0);
        Pool memory p = _livePool(netuid);
        return PoolMath.swapOut(p.alpha, p.tao, alpha, true);
    }

    /// @inheritdoc IStaking
    function maxStakeAtLimit(uint16 netuid, uint256 limitPrice) external view returns (uint256) {
        if (netuid == ROOT) return limitPrice >= PoolMath.PRICE_UNIT ? type(uint256).max : 0;
        Pool memory p = _livePool(netuid);
        return PoolMath.maxBuy(p.tao, p.alpha, limitPrice, uint256(p.tao) * PoolMath.MAX_INPUT_MULTIPLE, true);
    }

    /// @inheritdoc IStaking
    function maxUnstakeAtLimit(uint16 netuid, uint256 limitPrice) external view returns (uint256) {
        if (netuid == ROOT) return limitPrice <= PoolMath.PRICE_UNIT ? type(uint256).max : 0;
        Pool memory p = _livePool(netuid);
        return PoolMath.maxSell(p.tao, p.alpha, limitPrice, uint256(p.alpha) * PoolMath.MAX_INPUT_MULTIPLE, true);
    }

    /// @inheritdoc IStaking
    function position(uint16 netuid, address hotkey, address coldkey)
        external
        view
        returns (uint256 shares, uint256 alpha, uint256 taoValue)
    {
        (shares, alpha) = _positionAlpha(netuid, hotkey, coldkey);
        if (netuid == ROOT) return (shares, alpha, alpha);
        Pool memory p = _subnets[netuid].pool;
        if (p.tao != 0) taoValue = (alpha * p.tao) / p.alpha;
    }

    /// @inheritdoc IStaking
    function hotkeyStake(uint16 netuid, address hotkey) external view returns (uint256 alpha, uint256 shares) {
        uint256 key = _poolKey(netuid, netuid == ROOT ? 0 : _subnets[netuid].pool.generation, hotkey);
        return (_stakeTrace[key].latest(), _totalShares[key]);
    }

    /// @inheritdoc IStakingHooks
    function stakeWeight(uint16 netuid, address hotkey) external view returns (uint256) {
        uint256 rootStake = _stakeTrace[_poolKey(ROOT, 0, hotkey)].latest();
        if (netuid == ROOT) return rootStake;
        Pool memory p = _subnets[netuid].pool;
        if (p.tao == 0) return 0;
        return _stakeTrace[_poolKey(netuid, p.generation, hotkey)].latest()
            + EmissionSplit.rootWeight(rootStake, _config.taoWeight);
    }

    /// @inheritdoc IStakingHooks
    function stakeWeightAt(uint16 netuid, address hotkey, uint64 slot) external view returns (uint256) {
        uint48 k = _key(slot);
        uint256 rootStake = _stakeTrace[_poolKey(ROOT, 0, hotkey)].upperLookupRecent(k);
        if (netuid == ROOT) return rootStake;
        Pool memory p = _subnets[netuid].pool;
        if (p.tao == 0) return 0;
        return _stakeTrace[_poolKey(netuid, p.generation, hotkey)].upperLookupRecent(k)
            + EmissionSplit.rootWeight(rootStake, _taoWeightTrace.upperLookupRecent(k));
    }

    /// @inheritdoc IStakingHooks
    function epochEmission(uint16 netuid, uint64 epoch) external view returns (uint256 ownerCut_, uint256 distributable) {
        EpochEmission memory e = _epochs[_genKey(netuid, _subnets[netuid].pool.generation)][epoch];
        return (e.ownerCut, e.distributable);
    }

    /// @inheritdoc IStaking
    function emissionShare(uint16 netuid) external view returns (uint256) {
        ShareRule rule = _config.rule;
        uint256 n = _live.length;
        uint256 sum;
        uint256 sumPrice;
        uint256 mine;
        uint256 minePrice;
        uint256 eligible;
        bool isEligible;
        for (uint256 i; i < n; ++i) {
            uint16 id = _live[i];
            Subnet storage s = _subnets[id];
            if (!s.pool.started) continue;
            SubnetEma memory em = s.ema;
            uint256 w = _weightOf(em, rule);
            sum += w;
            sumPrice += em.emaPrice;
            ++eligible;
            if (id == netuid) {
                (mine, minePrice, isEligible) = (w, em.emaPrice, true);
            }
        }
        if (!isEligible) return 0;
        if (sum != 0) return (mine * WAD) / sum;
        if (sumPrice != 0) return (minePrice * WAD) / sumPrice;
        return WAD / eligible;
    }

    /// @inheritdoc IStaking
    function delegateTake(address hotkey) external view returns (uint16 take, uint64 lastChangeSlot) {
        Take memory t = _takes[hotkey];
        return (t.set ? t.take : MAX_TAKE, t.lastChange);
    }

    /// @inheritdoc IStaking
    function dissolved(uint16 netuid, uint24 generation)
        external
        view
        returns (uint256 taoPot, uint256 alphaStaked, uint256 unclaimed)
    {
        DissolvedPot memory d = _dissolved[_genKey(netuid, generation)];
        return (d.taoPot, d.alphaStaked, d.unclaimed);
    }

    /// @inheritdoc IStaking
    function subnets() external view returns (uint16[] memory) {
        return _live;
    }

    /// @inheritdoc IStaking
    function ledger() external view returns (uint256 rootStake, uint256 dissolvedUnclaimed, uint256 protocolTao) {
        Ledger memory l = _ledger;
        return (l.rootStake, l.dissolvedUnclaimed, l.protocolTao);
    }

    /// @inheritdoc IStaking
    function taoWeightAt(uint64 slot) external view returns (uint64) {
        return uint64(_taoWeightTrace.upperLookupRecent(_key(slot)));
    }

    /// @inheritdoc IStaking
    function taoWeight() external view returns (uint64) {
        return _config.taoWeight;
    }

    /// @inheritdoc IStaking
    function shareRule() external view returns (ShareRule) {
        return _config.rule;
    }

    /// @inheritdoc IStaking
    function ownerCut() external view returns (uint16) {
        return _config.ownerCut;
    }

    /// @inheritdoc IStaking
    function settlement() external view returns (address) {
        return _config.settlement;
    }

    /// @inheritdoc IStaking
    function currentSlot() external view returns (uint64) {
        return _now();
    }

    // ------------------------------------------------------------------ internal: user flows

    function _stake(uint16 netuid, address hotkey, uint256 taoIn, uint256 limitPrice, bool allowPartial, uint256 deadline)
        internal
        returns (uint256 alphaOut, uint256 taoUsed)
    {
        _checkDeadline(deadline);
        if (taoIn == 0) revert ZeroAmount();
        uint64 slot = _now();
        if (netuid == ROOT) {
            taoUsed = limitPrice >= PoolMath.PRICE_UNIT ? taoIn : 0;
            if (taoUsed < taoIn && !allowPartial) revert PriceLimitExceeded(taoIn, taoUsed, limitPrice);
            if (taoUsed < MIN_STAKE) revert BelowMinimumStake(taoUsed, MIN_STAKE);
            alphaOut = taoUsed;
            _deposit(_poolKey(ROOT, 0, hotkey), hotkey, msg.sender, alphaOut, slot);
            _ledger.rootStake += SafeCast.toUint64(taoUsed);
        } else {
            Subnet storage s = _subnets[netuid];
            Pool memory p = s.pool;
            if (p.tao == 0) revert SubnetNotFound(netuid);
            if (!p.started) {
                s.ema.startSlot = _requireStarted(netuid, slot);
                p.started = true;
            }
            (taoUsed, alphaOut) = _buy(p, taoIn, limitPrice, allowPartial, true);
            if (taoUsed < MIN_STAKE) revert BelowMinimumStake(taoUsed, MIN_STAKE);
            p.flow += int64(int256(taoUsed)); // taoUsed < 2^56 (checked by the input cap in _buy)
            s.pool = p;
            _deposit(_poolKey(netuid, p.generation, hotkey), hotkey, msg.sender, alphaOut, slot);
        }
        SafeTransferLib.safeTransferFrom(tao, msg.sender, address(this), taoUsed);
        emit Staked(msg.sender, hotkey, netuid, taoUsed, alphaOut);
    }

    function _unstake(uint16 netuid, address hotkey, uint256 alpha, uint256 limitPrice, bool allowPartial, uint256 deadline)
        internal
        returns (uint256 taoOut, uint256 alphaUsed)
    {
        _checkDeadline(deadline);
        if (alpha == 0) revert ZeroAmount();
        uint64 slot = _now();
        if (netuid == ROOT) {
            alphaUsed = limitPrice <= PoolMath.PRICE_UNIT ? alpha : 0;
            if (alphaUsed < alpha && !allowPartial) revert PriceLimitExceeded(alpha, alphaUsed, limitPrice);
            if (alphaUsed == 0) revert ZeroAmount();
            taoOut = alphaUsed;
            bool closed = _withdraw(_poolKey(ROOT, 0, hotkey), msg.sender, alphaUsed, slot);
            if (!closed && taoOut < MIN_STAKE) revert BelowMinimumStake(taoOut, MIN_STAKE);
            _ledger.rootStake -= uint64(taoOut); // taoOut <= the hotkey's root stake <= rootStake
        } else {
            Subnet storage s = _subnets[netuid];
            Pool memory p = s.pool;
            if (p.tao == 0) revert SubnetNotFound(netuid);
            (alphaUsed, taoOut) = _sell(p, alpha, limitPrice, allowPartial, true);
            bool closed = _withdraw(_poolKey(netuid, p.generation, hotkey), msg.sender, alphaUsed, slot);
            if (!closed && taoOut < MIN_STAKE) revert BelowMinimumStake(taoOut, MIN_STAKE);
            p.flow -= int64(int256(taoOut)); // taoOut < pool TAO < 2^56
            s.pool = p;
        }
        SafeTransferLib.safeTransfer(tao, msg.sender, taoOut);
        emit Unstaked(msg.sender, hotkey, netuid, alphaUsed, taoOut);
    }

    function _move(
        address fromHotkey,
        uint16 fromNetuid,
        address toColdkey,
        address toHotkey,
        uint16 toNetuid,
        uint256 alpha,
        uint256 minOut,
        uint256 deadline
    ) internal returns (uint256 out) {
        _checkDeadline(deadline);
        if (alpha == 0) revert ZeroAmount();
        uint64 slot = _now();
        if (fromNetuid == toNetuid) {
            out = _moveShares(fromHotkey, fromNetuid, toColdkey, toHotkey, alpha, slot);
        } else {
            uint256 taoMid = _sellLeg(fromHotkey, fromNetuid, alpha, slot);
            if (taoMid < MIN_STAKE) revert BelowMinimumStake(taoMid, MIN_STAKE);
            // Exactly one leg pays the fee: the sale, unless it was a fee-free root unstake.
            out = _buyLeg(toColdkey, toHotkey, toNetuid, taoMid, fromNetuid == ROOT, slot);
        }
        if (out < minOut) revert SlippageExceeded(out, minOut);
        emit StakeMoved(msg.sender, toColdkey, fromHotkey, toHotkey, fromNetuid, toNetuid, alpha, out);
    }

    /// @dev Same subnet: shares move at value (no swap, no fee). The moved value must be worth the minimum
    /// stake at the spot price unless it closes the position.
    function _moveShares(address fromHotkey, uint16 netuid, address toColdkey, address toHotkey, uint256 alpha, uint64 slot)
        internal
        returns (uint256)
    {
        uint24 gen;
        uint256 taoValue = alpha;
        if (netuid != ROOT) {
            Pool memory p = _livePool(netuid);
            gen = p.generation;
            taoValue = (alpha * p.tao) / p.alpha;
        }
        bool closed = _withdraw(_poolKey(netuid, gen, fromHotkey), msg.sender, alpha, slot);
        if (!closed && taoValue < MIN_STAKE) revert BelowMinimumStake(taoValue, MIN_STAKE);
        _deposit(_poolKey(netuid, gen, toHotkey), toHotkey, toColdkey, alpha, slot);
        return alpha;
    }

    function _sellLeg(address hotkey, uint16 netuid, uint256 alpha, uint64 slot) internal returns (uint256 taoOut) {
        if (netuid == ROOT) {
            _withdraw(_poolKey(ROOT, 0, hotkey), msg.sender, alpha, slot);
            _ledger.rootStake -= uint64(alpha); // alpha <= the position <= rootStake
            return alpha;
        }
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        if (p.tao == 0) revert SubnetNotFound(netuid);
        (, taoOut) = _sell(p, alpha, 0, false, true);
        _withdraw(_poolKey(netuid, p.generation, hotkey), msg.sender, alpha, slot);
        p.flow -= int64(int256(taoOut));
        s.pool = p;
    }

    function _buyLeg(address coldkey, address hotkey, uint16 netuid, uint256 taoIn, bool withFee, uint64 slot)
        internal
        returns (uint256 alphaOut)
    {
        if (netuid == ROOT) {
            _deposit(_poolKey(ROOT, 0, hotkey), hotkey, coldkey, taoIn, slot);
            _ledger.rootStake += uint64(taoIn); // taoIn < pool TAO < 2^56
            return taoIn;
        }
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        if (p.tao == 0) revert SubnetNotFound(netuid);
        if (!p.started) {
            s.ema.startSlot = _requireStarted(netuid, slot);
            p.started = true;
        }
        (, alphaOut) = _buy(p, taoIn, type(uint256).max, false, withFee);
        p.flow += int64(int256(taoIn));
        s.pool = p;
        _deposit(_poolKey(netuid, p.generation, hotkey), hotkey, coldkey, alphaOut, slot);
    }

    /// @dev Buys alpha with up to `taoIn` TAO into `p` (memory; the caller stores it). Applies the input cap,
    /// the limit price and the alpha reserve floor.
    function _buy(Pool memory p, uint256 taoIn, uint256 limitPrice, bool allowPartial, bool withFee)
        internal
        pure
        returns (uint256 taoUsed, uint256 alphaOut)
    {
        uint256 t = p.tao;
        uint256 a = p.alpha;
        uint256 maxIn = t * PoolMath.MAX_INPUT_MULTIPLE;
        if (taoIn > maxIn) revert InputTooLarge(taoIn, maxIn);
        taoUsed = taoIn;
        if (limitPrice != type(uint256).max) {
            uint256 fill = PoolMath.maxBuy(t, a, limitPrice, taoIn, withFee);
            if (fill < taoIn) {
                if (!allowPartial || fill == 0) revert PriceLimitExceeded(taoIn, fill, limitPrice);
                taoUsed = fill;
            }
        }
        (alphaOut,) = PoolMath.swapOut(t, a, taoUsed, withFee);
        if (alphaOut == 0) revert ZeroAmount();
        uint256 aAfter = a - alphaOut;
        if (aAfter < PoolMath.MIN_RESERVE) revert ReserveBelowMinimum(aAfter, PoolMath.MIN_RESERVE);
        // t + taoUsed <= TAO held by this contract after the pull < 2^56 (else the pull reverts).
        p.tao = uint56(t + taoUsed);
        p.alpha = uint104(aAfter);
    }

    /// @dev Sells up to `alphaIn` alpha into `p` (memory). Applies the input cap, limit and TAO reserve floor.
    function _sell(Pool memory p, uint256 alphaIn, uint256 limitPrice, bool allowPartial, bool withFee)
        internal
        pure
        returns (uint256 alphaUsed, uint256 taoOut)
    {
        uint256 t = p.tao;
        uint256 a = p.alpha;
        uint256 maxIn = a * PoolMath.MAX_INPUT_MULTIPLE;
        if (alphaIn > maxIn) revert InputTooLarge(alphaIn, maxIn);
        alphaUsed = alphaIn;
        if (limitPrice != 0) {
            uint256 fill = PoolMath.maxSell(t, a, limitPrice, alphaIn, withFee);
            if (fill < alphaIn) {
                if (!allowPartial || fill == 0) revert PriceLimitExceeded(alphaIn, fill, limitPrice);
                alphaUsed = fill;
            }
        }
        (taoOut,) = PoolMath.swapOut(a, t, alphaUsed, withFee);
        uint256 tAfter = t - taoOut;
        if (tAfter < PoolMath.MIN_RESERVE) revert ReserveBelowMinimum(tAfter, PoolMath.MIN_RESERVE);
        p.tao = uint56(tAfter);
        // a + alphaUsed <= the subnet's alpha issuance < 2^96 (the alpha sold comes out of a position).
        p.alpha = uint104(a + alphaUsed);
    }

    /// @dev Buys shares of pool `key` for `coldkey` with `amount`. A pool with no shares checks that the hotkey
    /// is bound; one with shares was bound when they were bought, and bindings are permanent.
    function _deposit(uint256 key, address hotkey, address coldkey, uint256 amount, uint64 slot) internal {
        uint256 totalShares = _totalShares[key];
        if (totalShares == 0 && registry.coldkeyOf(hotkey) == address(0)) revert HotkeyNotBound(hotkey);
        Checkpoints.Trace208 storage trace = _stakeTrace[key];
        uint256 total = trace.latest();
        uint256 minted = SharePool.sharesForDeposit(amount, totalShares, total);
        if (minted == 0) revert SharesRoundToZero(amount);
        _totalShares[key] = totalShares + minted;
        _shares[key][coldkey] += minted;
        trace.push(_key(slot), uint208(total + amount)); // total + amount < 2^104
    }

    /// @dev Burns the shares of `coldkey` in pool `key` worth `amount`; returns whether the position closed.
    function _withdraw(uint256 key, address coldkey, uint256 amount, uint64 slot) internal returns (bool closed) {
        uint256 totalShares = _totalShares[key];
        Checkpoints.Trace208 storage trace = _stakeTrace[key];
        uint256 total = trace.latest();
        uint256 mine = _shares[key][coldkey];
        uint256 value = SharePool.valueOf(mine, totalShares, total);
        if (amount > value) revert InsufficientStake(amount, value);
        closed = amount == value;
        uint256 burned = closed ? mine : SharePool.sharesForWithdrawal(amount, totalShares, total);
        unchecked {
            // burned <= mine <= totalShares (ceil(amount * S / T) <= mine since amount <= mine * T / S), and
            // amount <= value <= total.
            _shares[key][coldkey] = mine - burned;
            _totalShares[key] = totalShares - burned;
            trace.push(_key(slot), uint208(total - amount));
        }
    }

    /// @dev Credits `take` (bought as shares for the coldkey) and `rest` (raising every share's value) to pool
    /// `key` in one checkpoint. An empty pool gives everything to the coldkey. A take too small to buy a share
    /// raises the pool's value instead.
    function _creditShares(uint256 key, address coldkey, uint256 take, uint256 rest, uint64 slot) internal {
        uint256 totalShares = _totalShares[key];
        Checkpoints.Trace208 storage trace = _stakeTrace[key];
        uint256 total = trace.latest();
        uint256 minted = totalShares == 0
            ? SharePool.sharesForDeposit(take + rest, 0, 0)
            : SharePool.sharesForDeposit(take, totalShares, total);
        if (minted != 0) {
            _totalShares[key] = totalShares + minted;
            _shares[key][coldkey] += minted;
        }
        trace.push(_key(slot), uint208(total + take + rest));
    }

    function _claimDissolved(uint16 netuid, address hotkey, uint24 gen) internal returns (uint256 taoOut) {
        uint256 gk = _genKey(netuid, gen);
        DissolvedPot memory d = _dissolved[gk];
        if (!d.dissolved) revert NotDissolved(netuid, gen);
        uint256 key = _poolKey(netuid, gen, hotkey);
        uint256 mine = _shares[key][msg.sender];
        if (mine == 0 || d.alphaStaked == 0) revert NothingToClaim(netuid, gen, hotkey, msg.sender);
        // The dissolved generation's totals are frozen: each claim values its shares against them.
        uint256 alpha = SharePool.valueOf(mine, _totalShares[key], _stakeTrace[key].latest());
        taoOut = (alpha * d.taoPot) / d.alphaStaked;
        delete _shares[key][msg.sender];
        // Sum over all positions of alpha <= alphaStaked, so the sum of payouts <= taoPot = initial unclaimed.
        _dissolved[gk].unclaimed = d.unclaimed - uint64(taoOut);
        _ledger.dissolvedUnclaimed -= uint64(taoOut);
        SafeTransferLib.safeTransfer(tao, msg.sender, taoOut);
        emit DissolvedClaimed(netuid, gen, msg.sender, hotkey, alpha, taoOut);
    }

    // ------------------------------------------------------------------ internal: emission

    /// @dev Pass 1 of a coinbase: for every live subnet, discover its emission start, advance its flow and price
    /// EMAs over the call's slots (one write of its `SubnetEma` slot), and collect its share weight.
    function _updateEmas(uint64 fromSlot, uint64 toSlot, ShareRule rule)
        internal
        returns (Entry[] memory entries, uint256[] memory weights, uint256 sum, uint256 eligible)
    {
        uint256 n = _live.length;
        entries = new Entry[](n);
        weights = new uint256[](n);
        uint256 sumPrice;
        uint256 dFlow = FlowEma.decay(toSlot - fromSlot);
        for (uint256 i; i < n; ++i) {
            Entry memory e = entries[i];
            e.netuid = _live[i];
            if (!_updateOne(e, fromSlot, toSlot, dFlow, rule)) continue;
            weights[i] = e.weight;
            sum += e.weight;
            sumPrice += e.priceWeight;
            ++eligible;
        }
        if (sum == 0 && eligible != 0) {
            // No positive flow: by EMA price; no EMA price yet either: equally.
            for (uint256 i; i < n; ++i) {
                if (!entries[i].eligible) continue;
                weights[i] = sumPrice != 0 ? entries[i].priceWeight : 1;
            }
            sum = sumPrice != 0 ? sumPrice : eligible;
        }
    }

    /// @dev Pass 1 for one subnet; returns whether it emits in this call. `dFlow` = FlowEma.decay(toSlot - fromSlot).
    function _updateOne(Entry memory e, uint64 fromSlot, uint64 toSlot, uint256 dFlow, ShareRule rule)
        internal
        returns (bool)
    {
        Subnet storage s = _subnets[e.netuid];
        e.pool = s.pool;
        SubnetEma memory em = s.ema;
        if (!e.pool.started) {
            uint64 start = registry.emissionStartSlot(e.netuid);
            if (start == 0 || start > toSlot) return false;
            e.pool.started = true;
            em.startSlot = start;
        }
        e.eligible = true;
        e.start = em.startSlot;
        // Slots of this call at or after the emission start: (lo, toSlot].
        uint64 lo = e.start == 0 || e.start - 1 < fromSlot ? fromSlot : e.start - 1;
        e.span = toSlot - lo;
        uint256 d = lo == fromSlot ? dFlow : FlowEma.decay(e.span);
        em.flowEma = SafeCast.toInt128(FlowEma.update(em.flowEma, e.pool.flow, e.span, d));
        e.pool.flow = 0;
        e.priceWeight = em.emaPrice;
        e.weight = _weightOf(em, rule);
        // The EMA price is used (above) before it is advanced, as subtensor does. b = slots since the emission
        // start, inclusive (start <= toSlot).
        uint256 spot = (uint256(e.pool.tao) * WAD) / e.pool.alpha;
        em.emaPrice = uint64(PriceEma.update(em.emaPrice, spot, uint256(toSlot) + 1 - e.start, e.span));
        s.ema = em;
        return true;
    }

    /// @dev Pass 2 for one subnet: inject `taoIn` (and the matching alpha) into its pool and accrue its alpha
    /// emission to the epoch(s) containing the slots.
    function _emitTo(Entry memory e, uint256 taoIn, uint64 toSlot, uint16 cut) internal {
        Subnet storage s = _subnets[e.netuid];
        SubnetAlpha memory sa = s.alpha;
        uint256 gk = _genKey(e.netuid, e.pool.generation);
        uint256 alphaOut = _accrueEpochs(gk, e.netuid, sa.issuance, toSlot, e.span, cut);
        uint256 alphaIn;
        uint256 bought;
        if (taoIn != 0) {
            uint256 tNew;
            uint256 aNew;
            (tNew, aNew, alphaIn, bought) = PoolMath.inject(e.pool.tao, e.pool.alpha, taoIn, alphaOut);
            // tNew <= TAO held < 2^56; aNew <= issuance + alphaIn < 2^96.
            e.pool.tao = uint56(tNew);
            e.pool.alpha = uint104(aNew);
        }
        s.pool = e.pool;
        // alphaIn <= alphaOut <= 1e9 per slot; bought < the alpha reserve.
        sa.issuance += uint96(alphaIn + alphaOut);
        sa.pending += uint64(alphaOut);
        sa.protocol += uint96(bought);
        s.alpha = sa;
        emit SubnetEmitted(e.netuid, taoIn, alphaIn, bought, alphaOut);
    }

    /// @dev Alpha emission of the `span` slots ending at `toSlot`, starting at alpha issuance `issuance`,
    /// attributed to the epoch containing each slot: the epoch of `toSlot` and, if the span starts earlier, the
    /// epoch before it (which also takes any older slots of a gap longer than one epoch: nothing is lost, and the
    /// work per subnet stays bounded). Returns the alpha emitted.
    function _accrueEpochs(uint256 gk, uint16 netuid, uint256 issuance, uint64 toSlot, uint64 span, uint16 cut)
        internal
        returns (uint256 alphaOut)
    {
        (uint64 epoch, uint64 start,) = registry.epochAt(netuid, toSlot);
        uint256 recent = span;
        if (uint256(start) + span > uint256(toSlot) + 1) {
            // The span's first slot, toSlot - span + 1, precedes `start` (so start >= 1): slots
            // (toSlot - span, start - 1] belong to earlier epochs.
            recent = toSlot - start + 1;
            uint256 older = span - recent;
            (uint64 prevEpoch,,) = registry.epochAt(netuid, start - 1);
            uint256 outOlder = HalvingMath.emissionOver(issuance, older);
            _addEpoch(gk, prevEpoch, outOlder, cut);
            issuance += outOlder;
            alphaOut = outOlder;
        }
        uint256 outRecent = HalvingMath.emissionOver(issuance, recent);
        _addEpoch(gk, epoch, outRecent, cut);
        alphaOut += outRecent;
    }

    function _addEpoch(uint256 gk, uint64 epoch, uint256 alphaOut, uint16 cut) internal {
        if (alphaOut == 0) return;
        (uint256 owner_, uint256 distributable) = EmissionSplit.ownerCut(alphaOut, cut);
        EpochEmission storage e = _epochs[gk][epoch];
        // Per-epoch totals <= 21e15 alpha: far below 2^128.
        e.ownerCut += uint128(owner_);
        e.distributable += uint128(distributable);
    }

    // ------------------------------------------------------------------ internal: helpers

    function _weightOf(SubnetEma memory em, ShareRule rule) internal pure returns (uint256) {
        if (rule == ShareRule.EmaPrice) return em.emaPrice;
        return em.flowEma > 0 ? uint256(int256(em.flowEma)) : 0;
    }

    function _requireStarted(uint16 netuid, uint64 slot) internal view returns (uint64 start) {
        start = registry.emissionStartSlot(netuid);
        if (start == 0 || start > slot) revert SubnetNotStarted(netuid, start, slot);
    }

    function _positionAlpha(uint16 netuid, address hotkey, address coldkey)
        internal
        view
        returns (uint256 shares, uint256 alpha)
    {
        uint256 key = _poolKey(netuid, netuid == ROOT ? 0 : _subnets[netuid].pool.generation, hotkey);
        shares = _shares[key][coldkey];
        alpha = SharePool.valueOf(shares, _totalShares[key], _stakeTrace[key].latest());
    }

    function _livePool(uint16 netuid) internal view returns (Pool memory p) {
        p = _subnets[netuid].pool;
        if (p.tao == 0) revert SubnetNotFound(netuid);
    }

    function _staked(Pool memory p, SubnetAlpha memory sa) internal pure returns (uint256) {
        return uint256(sa.issuance) - p.alpha - sa.pending - sa.protocol;
    }

    function _takeOf(address hotkey) internal view returns (uint256) {
        Take memory t = _takes[hotkey];
        return t.set ? t.take : MAX_TAKE;
    }

    /// @dev Median spot price (1e18) of the live subnets, 1e18 when there are none (lower median for an even
    /// count), clamped to at least MIN_SEED_PRICE. O(n) quickselect in memory; subnet creation only.
    function _medianPrice() internal view returns (uint256) {
        uint256 n = _live.length;
        if (n == 0) return WAD;
        uint256[] memory prices = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            Pool memory p = _subnets[_live[i]].pool;
            prices[i] = (uint256(p.tao) * WAD) / p.alpha;
        }
        uint256 m = _select(prices, (n - 1) / 2);
        return m < MIN_SEED_PRICE ? MIN_SEED_PRICE : m;
    }

    /// @dev The k-th smallest element (Hoare quickselect, middle pivot; reorders `v`).
    function _select(uint256[] memory v, uint256 k) internal pure returns (uint256) {
        uint256 lo;
        uint256 hi = v.length - 1;
        while (lo < hi) {
            uint256 pivot = v[lo + (hi - lo) / 2];
            uint256 i = lo;
            uint256 j = hi;
            while (i <= j) {
                while (v[i] < pivot) ++i;
                while (v[j] > pivot) --j;
                if (i <= j) {
                    (v[i], v[j]) = (v[j], v[i]);
                    ++i;
                    if (j == 0) break;
                    --j;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return v[k];
        }
        return v[k];
    }

    function _removeLive(uint16 netuid) internal {
        uint256 idx = _liveIndex[netuid] - 1; // live subnets are in the list
        uint256 last = _live.length - 1;
        if (idx != last) {
            uint16 moved = _live[last];
            _live[idx] = moved;
            _liveIndex[moved] = idx + 1;
        }
        _live.pop();
        delete _liveIndex[netuid];
    }

    function _checkDeadline(uint256 deadline) internal view {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
    }

    function _now() internal view returns (uint64) {
        return SlotClock.current(genesisTime);
    }

    /// @dev Checkpoint key of a slot (uint48 holds 8.9 billion years of slots; larger values saturate).
    function _key(uint64 slot) internal pure returns (uint48) {
        return slot > type(uint48).max ? type(uint48).max : uint48(slot);
    }

    function _poolKey(uint16 netuid, uint24 gen, address hotkey) internal pure returns (uint256) {
        return uint256(uint160(hotkey)) | (uint256(netuid) << 160) | (uint256(gen) << 176);
    }

    function _genKey(uint16 netuid, uint24 gen) internal pure returns (uint256) {
        return uint256(netuid) | (uint256(gen) << 16);
    }
}
