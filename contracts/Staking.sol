// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {IStaking} from "./interfaces/IStaking.sol";
import {IStakingHooks} from "./interfaces/IStakingHooks.sol";
import {IEmission, IEmissionReceiver} from "./interfaces/IEmission.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {PoolMath} from "./libraries/PoolMath.sol";
import {SharePool} from "./libraries/SharePool.sol";
import {EmissionSplit} from "./libraries/EmissionSplit.sol";
import {StakingBase} from "./StakingBase.sol";
import {StakingEmissionModule} from "./StakingEmissionModule.sol";

/// @title Staking
/// @notice See {IStaking} and docs/staking.md; storage layout in {StakingBase}. The coinbase split, emission
/// credits and subnet creation/dissolution run in {StakingEmissionModule} through delegatecall (same storage,
/// same TAO balance); everything else runs here.
contract Staking is StakingBase, IStaking {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice The delegatecall module.
    address public immutable module;

    /// @param emission_ The Emission contract (this contract becomes its receiver by governance's `setReceiver`).
    /// @param registry_ The subnet registry.
    /// @param module_ A `StakingEmissionModule` built for the same Emission and registry (checked).
    /// @param owner_ Governance (two-step transferable).
    constructor(
        IEmission emission_,
        ISubnetRegistryView registry_,
        StakingEmissionModule module_,
        address owner_
    ) StakingBase(emission_, registry_, owner_) {
        if (module_.emission() != emission_ || module_.registry() != registry_) revert ModuleMismatch(address(module_));
        module = address(module_);
        _config = Config({
            settlement: address(0),
            taoWeight: DEFAULT_TAO_WEIGHT,
            ownerCut: DEFAULT_OWNER_CUT,
            rule: ShareRule.NetFlow
        });
        _taoWeightTrace.push(_key(_now()), DEFAULT_TAO_WEIGHT);
    }

    // ------------------------------------------------------------------ module entry points

    /// @inheritdoc IStakingHooks
    function onSubnetCreated(uint16, uint256) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStakingHooks
    function onSubnetDissolved(uint16) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStakingHooks
    function creditEmission(uint16, address, uint256, uint256, uint64) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStakingHooks
    function takeEpochEmission(uint16, uint64, uint64) external returns (uint256, uint256) {
        return abi.decode(Address.functionDelegateCall(module, msg.data), (uint256, uint256));
    }

    /// @inheritdoc IEmissionReceiver
    function onEmission(uint64, uint64, uint256) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStaking
    function setDelegateTake(address, uint16) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStaking
    function claimDissolved(uint16, address) external returns (uint256) {
        return abi.decode(Address.functionDelegateCall(module, msg.data), (uint256));
    }

    /// @inheritdoc IStaking
    function claimDissolved(uint16, address, uint24) external returns (uint256) {
        return abi.decode(Address.functionDelegateCall(module, msg.data), (uint256));
    }

    /// @inheritdoc IStaking
    function drawEmissionReserve(uint256) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStaking
    function recycleProtocolTao(uint256) external {
        Address.functionDelegateCall(module, msg.data);
    }

    /// @inheritdoc IStaking
    function stake(
        uint16 netuid,
        address hotkey,
        uint256 taoIn,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline
    ) external returns (uint256 alphaOut, uint256 taoUsed) {
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
    function unstake(
        uint16 netuid,
        address hotkey,
        uint256 alpha,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline
    ) external returns (uint256 taoOut, uint256 alphaUsed) {
        return _unstake(netuid, hotkey, alpha, limitPrice, allowPartial, deadline);
    }

    /// @inheritdoc IStaking
    function unstakeAll(
        uint16 netuid,
        address hotkey,
        uint256 limitPrice,
        uint256 deadline
    ) external returns (uint256 taoOut, uint256 alphaUsed) {
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

    /// @inheritdoc IStakingHooks
    function onRegistrationBurn(uint16 netuid, uint256 taoBurned) external {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        Pool storage p = _subnets[netuid].pool;
        if (netuid == ROOT || p.tao == 0) revert SubnetNotFound(netuid);
        p.flow += SafeCast.toInt64(SafeCast.toInt256(taoBurned));
        emit RegistrationBurnCounted(netuid, taoBurned);
    }

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
        v.flowEma = int256(em.flowEma) << 32;
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
        uint256 fill = PoolMath.maxBuy(p.tao, p.alpha, limitPrice, uint256(p.tao) * PoolMath.MAX_INPUT_MULTIPLE, true);
        return PoolMath.maxInAboveFloor(p.tao, p.alpha, fill);
    }

    /// @inheritdoc IStaking
    function maxUnstakeAtLimit(uint16 netuid, uint256 limitPrice) external view returns (uint256) {
        if (netuid == ROOT) return limitPrice <= PoolMath.PRICE_UNIT ? type(uint256).max : 0;
        Pool memory p = _livePool(netuid);
        uint256 fill = PoolMath.maxSell(
            p.tao,
            p.alpha,
            limitPrice,
            uint256(p.alpha) * PoolMath.MAX_INPUT_MULTIPLE,
            true
        );
        return PoolMath.maxInAboveFloor(p.alpha, p.tao, fill);
    }

    /// @inheritdoc IStaking
    function position(
        uint16 netuid,
        address hotkey,
        address coldkey
    ) external view returns (uint256 shares, uint256 alpha, uint256 taoValue) {
        (shares, alpha) = _positionAlpha(netuid, hotkey, coldkey);
        if (netuid == ROOT) return (shares, alpha, alpha);
        Pool memory p = _subnets[netuid].pool;
        if (p.tao != 0) taoValue = (alpha * p.tao) / p.alpha;
    }

    /// @inheritdoc IStaking
    function hotkeyStake(uint16 netuid, address hotkey) external view returns (uint256 alpha, uint256 shares) {
        uint256 key = _poolKey(netuid, netuid == ROOT ? 0 : _subnets[netuid].pool.generation, hotkey);
        return _poolNow(key);
    }

    /// @inheritdoc IStaking
    function rootDividends(address hotkey) external view returns (uint256 vested, uint256 unvested, uint64 endSlot) {
        RootStream memory r = _rootStreams[hotkey];
        (vested, unvested) = _rootStreamAt(r, _now());
        endSlot = uint64((uint256(r.end) + ROOT_STREAM_END_SCALE - 1) / ROOT_STREAM_END_SCALE); // < 2^40: fits
    }

    /// @inheritdoc IStakingHooks
    function stakeWeight(uint16 netuid, address hotkey) external view returns (uint256) {
        (uint256 rootStake, ) = _hotkeyPool(_poolKey(ROOT, 0, hotkey));
        if (netuid == ROOT) return rootStake;
        Pool memory p = _subnets[netuid].pool;
        if (p.tao == 0) return 0;
        (uint256 alpha, ) = _hotkeyPool(_poolKey(netuid, p.generation, hotkey));
        return alpha + EmissionSplit.rootWeight(rootStake, _config.taoWeight);
    }

    /// @inheritdoc IStakingHooks
    function stakeWeightAt(uint16 netuid, address hotkey, uint64 slot) external view returns (uint256) {
        uint48 k = _key(slot);
        uint256 rootStake = _hotkeyAlphaAt(_poolKey(ROOT, 0, hotkey), k);
        if (netuid == ROOT) return rootStake;
        Pool memory p = _subnets[netuid].pool;
        if (p.tao == 0) return 0;
        return
            _hotkeyAlphaAt(_poolKey(netuid, p.generation, hotkey), k) +
            EmissionSplit.rootWeight(rootStake, _taoWeightTrace.upperLookupRecent(k));
    }

    /// @inheritdoc IStakingHooks
    function epochEmission(
        uint16 netuid,
        uint64 epoch
    ) external view returns (uint256 ownerCut_, uint256 distributable) {
        (, uint64 close) = registry.epochBounds(netuid, epoch);
        Subnet storage s = _subnets[netuid];
        EpochEmission memory e = _epochRecordView(s, _genKey(netuid, s.pool.generation), close);
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
    function dissolved(
        uint16 netuid,
        uint24 generation
    ) external view returns (uint256 taoPot, uint256 alphaStaked, uint256 unclaimed) {
        DissolvedPot memory d = _dissolved[_genKey(netuid, generation)];
        return (d.taoPot, d.alphaStaked, d.unclaimed);
    }

    /// @inheritdoc IStaking
    function subnets() external view returns (uint16[] memory) {
        return _live;
    }

    /// @inheritdoc IStaking
    function ledger() external view returns (uint256 rootStake, uint256 dissolvedUnclaimed, uint256 protocolTao) {
        Ledger memory ledger_ = _ledger;
        return (ledger_.rootStake, ledger_.dissolvedUnclaimed, ledger_.protocolTao);
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

    function _stake(
        uint16 netuid,
        address hotkey,
        uint256 taoIn,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline
    ) internal returns (uint256 alphaOut, uint256 taoUsed) {
        _checkDeadline(deadline);
        if (taoIn == 0) revert ZeroAmount();
        uint64 slot = _now();
        if (netuid == ROOT) {
            // Root's price is 1: the limit admits all of it or none.
            if (limitPrice < PoolMath.PRICE_UNIT) revert PriceLimitExceeded(taoIn, 0, limitPrice);
            taoUsed = taoIn;
            if (taoUsed < MIN_STAKE) revert BelowMinimumStake(taoUsed, MIN_STAKE);
            alphaOut = taoUsed;
            _deposit(_poolKey(ROOT, 0, hotkey), msg.sender, alphaOut, slot, false);
            _ledger.rootStake += SafeCast.toUint64(taoUsed);
        } else {
            _accrue(); // root has no pool: only subnet trades mint first
            Subnet storage s = _subnets[netuid];
            Pool memory p = s.pool;
            if (p.tao == 0) revert SubnetNotFound(netuid);
            if (!p.started) {
                s.ema.startSlot = SafeCast.toUint48(_requireStarted(netuid, slot));
                p.started = true;
            }
            (taoUsed, alphaOut) = _buy(p, taoIn, limitPrice, allowPartial, true);
            if (taoUsed < MIN_STAKE) revert BelowMinimumStake(taoUsed, MIN_STAKE);
            p.flow += int64(int256(taoUsed)); // taoUsed <= TAO supply < 2^56, else the pull below reverts
            s.pool = p;
            _deposit(_poolKey(netuid, p.generation, hotkey), msg.sender, alphaOut, slot, false);
        }
        SafeTransferLib.safeTransferFrom(tao, msg.sender, address(this), taoUsed);
        emit Staked(msg.sender, hotkey, netuid, taoUsed, alphaOut);
    }

    function _unstake(
        uint16 netuid,
        address hotkey,
        uint256 alpha,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline
    ) internal returns (uint256 taoOut, uint256 alphaUsed) {
        _checkDeadline(deadline);
        if (alpha == 0) revert ZeroAmount();
        uint64 slot = _now();
        if (netuid == ROOT) {
            if (limitPrice > PoolMath.PRICE_UNIT) revert PriceLimitExceeded(alpha, 0, limitPrice);
            alphaUsed = alpha;
            taoOut = alphaUsed;
            bool closed = _withdraw(_poolKey(ROOT, 0, hotkey), msg.sender, alphaUsed, slot);
            if (!closed && taoOut < MIN_STAKE) revert BelowMinimumStake(taoOut, MIN_STAKE);
            _ledger.rootStake -= uint64(taoOut); // taoOut <= the hotkey's root stake <= rootStake
        } else {
            _accrue();
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
            // Shares move at value: no swap, no flow, nothing to mint first.
            out = _moveShares(fromHotkey, fromNetuid, toColdkey, toHotkey, alpha, slot);
        } else {
            _accrue();
            uint256 taoMid = _sellLeg(fromHotkey, fromNetuid, alpha, slot);
            if (taoMid < MIN_STAKE) revert BelowMinimumStake(taoMid, MIN_STAKE);
            // Exactly one leg pays the fee: the sale, unless it was a fee-free root unstake.
            out = _buyLeg(toColdkey, toHotkey, toNetuid, taoMid, fromNetuid == ROOT, slot);
        }
        if (out < minOut) revert SlippageExceeded(out, minOut);
        emit StakeMoved(msg.sender, toColdkey, fromHotkey, toHotkey, fromNetuid, toNetuid, alpha, out);
    }

    /// @dev Same subnet: shares move at value (no swap). The moved value must be worth the minimum stake at the
    /// spot price, closing or not: a dust move is how a pool's first shares would be made a few rao (a later
    /// dividend on them rounds every deposit after it down). Between two hotkeys of a subnet the pool fee is
    /// taken from the moved alpha and kept by the protocol (`protocolAlpha`): a claim credits a hotkey's pool
    /// whenever anyone claims after the close, so a free move in, claim and move out in one transaction would
    /// take a validator's nominators' dividend; with the fee it costs what a stake and unstake round trip costs
    /// (docs/staking.md). Subtensor moves these shares fee-free: it pays dividends at its epoch block, not at a
    /// claim anyone can time. Root has no pool and no fee; its dividends vest (`RootStream`).
    function _moveShares(
        address fromHotkey,
        uint16 netuid,
        address toColdkey,
        address toHotkey,
        uint256 alpha,
        uint64 slot
    ) internal returns (uint256 moved) {
        uint24 gen;
        uint256 taoValue = alpha;
        moved = alpha;
        if (netuid != ROOT) {
            Pool memory p = _livePool(netuid);
            gen = p.generation;
            taoValue = (alpha * p.tao) / p.alpha;
            if (fromHotkey != toHotkey) {
                uint256 fee = PoolMath.feeOf(alpha);
                // fee <= alpha (33/65535, rounded up to the next integer); protocol + fee <= issuance < 2^96.
                unchecked {
                    moved = alpha - fee;
                    _subnets[netuid].alpha.protocol += uint96(fee);
                }
            }
        }
        if (taoValue < MIN_STAKE) revert BelowMinimumStake(taoValue, MIN_STAKE);
        _withdraw(_poolKey(netuid, gen, fromHotkey), msg.sender, alpha, slot);
        _deposit(_poolKey(netuid, gen, toHotkey), toColdkey, moved, slot, fromHotkey == toHotkey);
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

    function _buyLeg(
        address coldkey,
        address hotkey,
        uint16 netuid,
        uint256 taoIn,
        bool withFee,
        uint64 slot
    ) internal returns (uint256 alphaOut) {
        if (netuid == ROOT) {
            _deposit(_poolKey(ROOT, 0, hotkey), coldkey, taoIn, slot, false);
            _ledger.rootStake += uint64(taoIn); // taoIn < pool TAO < 2^56
            return taoIn;
        }
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        if (p.tao == 0) revert SubnetNotFound(netuid);
        if (!p.started) {
            s.ema.startSlot = SafeCast.toUint48(_requireStarted(netuid, slot));
            p.started = true;
        }
        (, alphaOut) = _buy(p, taoIn, type(uint256).max, false, withFee);
        p.flow += int64(int256(taoIn));
        s.pool = p;
        _deposit(_poolKey(netuid, p.generation, hotkey), coldkey, alphaOut, slot, false);
    }

    /// @dev Buys alpha with up to `taoIn` TAO into `p` (memory; the caller stores it). Applies the input cap,
    /// the limit price and the alpha reserve floor.
    function _buy(
        Pool memory p,
        uint256 taoIn,
        uint256 limitPrice,
        bool allowPartial,
        bool withFee
    ) internal pure returns (uint256 taoUsed, uint256 alphaOut) {
        uint256 t = p.tao;
        uint256 a = p.alpha;
        uint256 maxIn = t * PoolMath.MAX_INPUT_MULTIPLE;
        if (taoIn > maxIn) revert InputTooLarge(taoIn, maxIn);
        taoUsed = taoIn;
        if (limitPrice != type(uint256).max) {
            uint256 fill = PoolMath.maxBuy(t, a, limitPrice, taoIn, withFee);
            // A partial fill also stops at the alpha reserve floor (limit paths always pay the fee).
            if (allowPartial) {
                uint256 floorFill = PoolMath.maxInAboveFloor(t, a, fill);
                // Below the minimum stake the pool is at its floor for any stake: the swap below says so.
                if (floorFill >= MIN_STAKE) fill = floorFill;
            }
            if (fill < taoIn) {
                if (!allowPartial || fill == 0) revert PriceLimitExceeded(taoIn, fill, limitPrice);
                taoUsed = fill;
            }
        }
        (alphaOut, ) = PoolMath.swapOut(t, a, taoUsed, withFee);
        if (alphaOut == 0) revert ZeroAmount();
        uint256 aAfter = a - alphaOut;
        if (aAfter < PoolMath.MIN_RESERVE) revert ReserveBelowMinimum(aAfter, PoolMath.MIN_RESERVE);
        // t + taoUsed <= TAO held by this contract after the pull < 2^56 (else the pull reverts).
        p.tao = uint56(t + taoUsed);
        p.alpha = uint104(aAfter);
    }

    /// @dev Sells up to `alphaIn` alpha into `p` (memory). Applies the input cap, limit and TAO reserve floor.
    function _sell(
        Pool memory p,
        uint256 alphaIn,
        uint256 limitPrice,
        bool allowPartial,
        bool withFee
    ) internal pure returns (uint256 alphaUsed, uint256 taoOut) {
        uint256 t = p.tao;
        uint256 a = p.alpha;
        uint256 maxIn = a * PoolMath.MAX_INPUT_MULTIPLE;
        if (alphaIn > maxIn) revert InputTooLarge(alphaIn, maxIn);
        alphaUsed = alphaIn;
        if (limitPrice != 0) {
            uint256 fill = PoolMath.maxSell(t, a, limitPrice, alphaIn, withFee);
            // A partial fill also stops at the TAO reserve floor (limit paths always pay the fee).
            if (allowPartial) {
                uint256 floorFill = PoolMath.maxInAboveFloor(a, t, fill);
                if (floorFill != 0) fill = floorFill; // 0: the reserve is at its floor; the swap says so below
            }
            if (fill < alphaIn) {
                if (!allowPartial || fill == 0) revert PriceLimitExceeded(alphaIn, fill, limitPrice);
                alphaUsed = fill;
            }
        }
        (taoOut, ) = PoolMath.swapOut(a, t, alphaUsed, withFee);
        uint256 tAfter = t - taoOut;
        if (tAfter < PoolMath.MIN_RESERVE) revert ReserveBelowMinimum(tAfter, PoolMath.MIN_RESERVE);
        p.tao = uint56(tAfter);
        // a + alphaUsed <= the subnet's alpha issuance < 2^96 (the alpha sold comes out of a position).
        p.alpha = uint104(a + alphaUsed);
    }

    /// @dev Buys shares of pool `key` for `coldkey` with `amount`. A pool with no shares checks that the hotkey
    /// is bound; one with shares was bound when they were bought, and bindings are permanent. `keepStream`: the
    /// deposit refills a root pool its caller has just emptied (a whole position moved to the same hotkey), so
    /// an unvested stream belongs to the depositor rather than to nobody.
    function _deposit(uint256 key, address coldkey, uint256 amount, uint64 slot, bool keepStream) internal {
        address hotkey = address(uint160(key)); // the low 160 bits of a pool key (see `_poolKey`)
        (uint256 total, uint256 totalShares) = _hotkeyPool(key);
        if (key >> 160 == 0) {
            // Root: the dividends vested so far belong to the shares held until now; with no shares, nobody owns
            // the stream, and a new depositor must not inherit it.
            if (totalShares != 0) total += _settleRootStream(hotkey, slot);
            else if (!keepStream) _rootStreamToNobody(hotkey);
        }
        if (totalShares == 0 && registry.coldkeyOf(hotkey) == address(0)) revert HotkeyNotBound(hotkey);
        uint256 minted = SharePool.sharesForDeposit(amount, totalShares, total);
        if (minted == 0) revert SharesRoundToZero(amount);
        _shares[key][coldkey] += minted;
        _writeHotkeyPool(key, slot, total + amount, totalShares + minted);
    }

    /// @dev Burns the shares of `coldkey` in pool `key` worth `amount`; returns whether the position closed.
    function _withdraw(uint256 key, address coldkey, uint256 amount, uint64 slot) internal returns (bool closed) {
        (uint256 total, uint256 totalShares) = _hotkeyPool(key);
        bool isRoot = key >> 160 == 0;
        // Root: the dividends vested so far belong to the shares held until now (the withdrawer holds some).
        if (isRoot) total += _settleRootStream(address(uint160(key)), slot);
        uint256 mine = _shares[key][coldkey];
        uint256 value = SharePool.valueOf(mine, totalShares, total);
        if (amount > value) revert InsufficientStake(amount, value);
        closed = amount == value;
        if (!closed && value - amount < MIN_STAKE) revert RemainderBelowMinimum(value - amount, MIN_STAKE);
        uint256 burned = closed ? mine : SharePool.sharesForWithdrawal(amount, totalShares, total);
        unchecked {
            // burned <= mine <= totalShares (ceil(amount * S / T) <= mine since amount <= mine * T / S), and
            // amount <= value <= total.
            _shares[key][coldkey] = mine - burned;
            _writeHotkeyPool(key, slot, total - amount, totalShares - burned);
        }
    }

    function _requireStarted(uint16 netuid, uint64 slot) internal view returns (uint64 start) {
        start = registry.emissionStartSlot(netuid);
        if (start == 0 || start > slot) revert SubnetNotStarted(netuid, start, slot);
    }

    function _positionAlpha(
        uint16 netuid,
        address hotkey,
        address coldkey
    ) internal view returns (uint256 shares, uint256 alpha) {
        uint256 key = _poolKey(netuid, netuid == ROOT ? 0 : _subnets[netuid].pool.generation, hotkey);
        shares = _shares[key][coldkey];
        (uint256 total, uint256 totalShares) = _poolNow(key);
        alpha = SharePool.valueOf(shares, totalShares, total);
    }

    /// @dev `_hotkeyPool` with, on root, the dividends vested by now (what a stake change now would settle).
    function _poolNow(uint256 key) internal view returns (uint256 total, uint256 totalShares) {
        (total, totalShares) = _hotkeyPool(key);
        if (key >> 160 == 0 && totalShares != 0) {
            (uint256 vested, ) = _rootStreamAt(_rootStreams[address(uint160(key))], _now());
            total += vested;
        }
    }

    /// @dev The root dividend stream of a root pool whose nominators all left has no owner: all of it, vested or
    /// not, becomes protocol TAO, as other unowned TAO (not the next depositor's).
    function _rootStreamToNobody(address hotkey) internal {
        RootStream memory r = _rootStreams[hotkey];
        uint256 amount = uint256(r.vested) + r.unvested;
        if (amount == 0) return;
        delete _rootStreams[hotkey];
        Ledger memory ledger_ = _ledger;
        unchecked {
            // amount is counted in rootStake (see `RootStream`); protocolTao + amount <= TAO supply < 2^64.
            ledger_.rootStake -= uint64(amount);
            ledger_.protocolTao += uint64(amount);
        }
        _ledger = ledger_;
        emit ProtocolTaoAdded(amount, 3);
    }

    /// @dev Mints the emission of every slot up to this one before a trade moves a subnet pool (a no-op once this slot is
    /// minted), so the coinbase's split (flow EMAs), its injection (at the spot price) and the price EMA never see
    /// a trade of the slot they mint: stake, `coinbase()`, unstake in one transaction (or bundle) would otherwise
    /// pump a subnet's flow and price for every slot not yet minted, steer the TAO split to it and take part of
    /// the injected TAO back out of the deeper pool. Subtensor runs its coinbase before a block's extrinsics.
    function _accrue() internal {
        emission.coinbase();
    }

    function _checkDeadline(uint256 deadline) internal view {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
    }
}
