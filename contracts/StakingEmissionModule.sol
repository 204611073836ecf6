// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITAO} from "./interfaces/ITAO.sol";
import {IEmission} from "./interfaces/IEmission.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {HalvingMath} from "./libraries/HalvingMath.sol";
import {PoolMath} from "./libraries/PoolMath.sol";
import {SharePool} from "./libraries/SharePool.sol";
import {FlowEma} from "./libraries/FlowEma.sol";
import {PriceEma} from "./libraries/PriceEma.sol";
import {EmissionSplit} from "./libraries/EmissionSplit.sol";
import {StakingBase} from "./StakingBase.sol";

/// @dev `Emission.drawReserve` is not part of IEmission (a requested addition); declared here.
interface IEmissionReserve {
    function drawReserve(uint256 amount) external;
}

/// @title StakingEmissionModule
/// @notice The emission and subnet-lifecycle half of {Staking}, run only through `delegatecall` from Staking
/// (so it reads and writes Staking's storage and TAO balance: one ledger). Deployed first with the same
/// Emission and registry, which Staking's constructor checks. Split out to keep both under the 24 KiB
/// EIP-170 limit.
/// Every entry point repeats Staking's access check (msg.sender is preserved by delegatecall).
contract StakingEmissionModule is StakingBase {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice The module was called directly instead of through Staking.
    error NotDelegated();

    address private immutable _self;

    constructor(IEmission emission_, ISubnetRegistryView registry_) StakingBase(emission_, registry_, msg.sender) {
        _self = address(this);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        _;
    }

    /// @notice See {IStakingHooks}.
    function onSubnetCreated(uint16 netuid, uint256 lockTao) external onlyDelegated onlyRegistry {
        Subnet storage s = _subnets[netuid];
        if (netuid == ROOT || s.pool.tao != 0) revert SubnetAlreadyExists(netuid);
        if (lockTao < PoolMath.MIN_RESERVE) revert LockBelowMinimum(lockTao, PoolMath.MIN_RESERVE);
        (uint256 price, uint256 pooled) = _medianPrice();
        // The registry transfers the lock first: the ledger must now hold it on top of everything accounted.
        Ledger memory ledger_ = _ledger;
        uint256 accounted = pooled + ledger_.rootStake + ledger_.dissolvedUnclaimed + ledger_.protocolTao;
        uint256 held = IERC20(tao).balanceOf(address(this));
        if (held < accounted + lockTao) revert LockNotReceived(lockTao, held > accounted ? held - accounted : 0);
        uint256 alpha = (lockTao * WAD) / price;
        if (alpha < PoolMath.MIN_RESERVE) alpha = PoolMath.MIN_RESERVE;
        uint24 gen = s.pool.generation;
        s.pool = Pool({
            tao: SafeCast.toUint56(lockTao),
            alpha: uint104(alpha),
            flow: 0,
            generation: gen,
            started: false
        });
        // alpha <= 2.1e16 * 1e18 / 1e9 < 2^85.
        s.alpha = SubnetAlpha({issuance: uint96(alpha), pending: 0, protocol: 0});
        _live.push(netuid);
        _liveIndex[netuid] = _live.length;
        emit PoolCreated(netuid, gen, lockTao, alpha);
    }

    /// @notice See {IStakingHooks}.
    function onSubnetDissolved(uint16 netuid) external onlyDelegated onlyRegistry {
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
        delete s.recent;
        s.pool = Pool({tao: 0, alpha: 0, flow: 0, generation: p.generation + 1, started: false});
        _removeLive(netuid);
        emit PoolDissolved(netuid, p.generation, pot, staked);
    }

    /// @notice See {IStakingHooks}.
    function creditEmission(
        uint16 netuid,
        address hotkey,
        uint256 incentive,
        uint256 dividend,
        uint64 closeSlot
    ) external onlyDelegated {
        Config memory cfg = _config;
        if (msg.sender != cfg.settlement || msg.sender == address(0)) revert NotSettlement(msg.sender, cfg.settlement);
        uint256 amount = incentive + dividend;
        if (amount == 0) revert ZeroAmount();
        Subnet storage s = _subnets[netuid];
        Pool memory p = s.pool;
        if (netuid == ROOT || p.tao == 0) revert SubnetNotFound(netuid);
        if (amount > s.alpha.pending) revert EmissionExceeded(amount, s.alpha.pending);
        address coldkey = _takes[hotkey].coldkey;
        if (coldkey == address(0)) {
            coldkey = registry.coldkeyOf(hotkey);
            if (coldkey == address(0)) revert HotkeyNotBound(hotkey);
            _takes[hotkey].coldkey = coldkey; // see `Take`: a binding never changes
        }
        unchecked {
            s.alpha.pending -= uint64(amount); // amount <= pending checked above
        }
        _credit(s, p, netuid, hotkey, coldkey, incentive, dividend, closeSlot);
    }

    /// @dev Incentive (and an owner cut) is the coldkey's own stake, as subtensor stakes it: no take, no root
    /// part. Dividends pay the delegate take, then the root stake's part, then raise every alpha nominator's
    /// shares.
    function _credit(
        Subnet storage s,
        Pool memory p,
        uint16 netuid,
        address hotkey,
        address coldkey,
        uint256 incentive,
        uint256 dividend,
        uint64 closeSlot
    ) internal {
        uint64 slot = _now();
        uint256 key = _poolKey(netuid, p.generation, hotkey);
        uint256 take;
        uint256 toRoot;
        uint256 rootTao;
        if (dividend != 0) {
            // A miner's claim (incentive only) reads neither the take nor the root pool.
            take = (dividend * _takeOf(hotkey)) / EmissionSplit.U16_ONE;
            (toRoot, rootTao) = _sellRootPart(s, p, key, hotkey, dividend - take, slot, closeSlot);
        }
        _creditShares(key, coldkey, incentive + take, dividend - take - toRoot, slot);
        emit EmissionCredited(netuid, hotkey, incentive, dividend, take, toRoot, rootTao);
    }

    /// @dev The part of a dividend `rest` earned by the hotkey's root stake (§3.7: in proportion
    /// tao_weight x root stake : alpha stake, as they stood at the end of the epoch's closing slot, the root stake
    /// capped by today's; see `_rootSplit`) is sold for TAO in the subnet's pool
    /// (fee-free, as subtensor's default root claim "Swap"), which vests to the hotkey's root nominators (see
    /// `ROOT_DIVIDEND_VEST_SLOTS`). If the pool is too shallow for the sale, or nobody holds root stake on the
    /// hotkey any more, the alpha nominators keep it.
    function _sellRootPart(
        Subnet storage s,
        Pool memory p,
        uint256 key,
        address hotkey,
        uint256 rest,
        uint64 slot,
        uint64 closeSlot
    ) internal returns (uint256 toRoot, uint256 rootTao) {
        toRoot = _rootSplit(key, hotkey, rest, closeSlot);
        if (toRoot == 0) return (0, 0);
        (rootTao, ) = PoolMath.swapOut(p.alpha, p.tao, toRoot, false);
        if (rootTao == 0 || p.tao - rootTao < PoolMath.MIN_RESERVE) return (0, 0);
        p.tao -= uint56(rootTao);
        p.alpha += uint104(toRoot); // <= issuance < 2^96
        s.pool = p;
        _streamRootTao(hotkey, rootTao, slot);
    }

    /// @dev The root part of `rest` from the alpha stake, root stake and tao_weight at the end of `closeSlot`,
    /// the root stake capped by what is staked on root now: root stake that left after the close leaves its part
    /// to the alpha nominators instead of to whoever stays (a lone holder keeping a rao could otherwise draw a
    /// whole root part onto one share). 0 if the root pool has no shares now (nobody would own the TAO).
    function _rootSplit(uint256 key, address hotkey, uint256 rest, uint64 closeSlot) internal view returns (uint256) {
        uint256 rootKey = _poolKey(ROOT, 0, hotkey);
        (uint256 rootNow, uint256 rootShares) = _hotkeyPool(rootKey);
        if (rootShares == 0) return 0;
        uint48 k = _key(closeSlot);
        uint256 rootStake = Math.min(_hotkeyAlphaAtRecent(rootKey, k), rootNow);
        uint256 rootW = EmissionSplit.rootWeight(rootStake, _taoWeightAtRecent(k));
        return EmissionSplit.rootPart(rest, _hotkeyAlphaAtRecent(key, k), rootW);
    }

    /// @dev tao_weight at the end of checkpoint key `k`, as `stakeWeightAt` (Yuma's and the quorum's input)
    /// reads it; the latest checkpoint first (governance changes it rarely).
    function _taoWeightAtRecent(uint48 k) internal view returns (uint256) {
        (, uint48 lastKey, uint208 last) = _taoWeightTrace.latestCheckpoint(); // pushed in the constructor
        if (lastKey <= k) return last;
        return _taoWeightTrace.upperLookupRecent(k);
    }

    /// @dev Adds `rootTao` to `hotkey`'s root dividend stream at `slot`. What had vested stays owed to the shares
    /// held until the pool's next change. What had not, and the new TAO, vest linearly from now to the
    /// amount-weighted mean of their ends (the backlog's end and now + `ROOT_DIVIDEND_VEST_SLOTS`), rounded up to
    /// 1/`ROOT_STREAM_END_SCALE` slot:
    /// a merge neither delays the backlog to a full new period (a hotkey credited every few slots would
    /// otherwise hold about twice the unvested TAO of separate linear streams) nor vests the merged stream faster
    /// than the two separate streams would at the merge (by Cauchy-Schwarz, (U + N)^2 / (U R + N V) <=
    /// U / R + N / V).
    function _streamRootTao(address hotkey, uint256 rootTao, uint64 slot) internal {
        RootStream memory r = _rootStreams[hotkey];
        (uint256 vested, uint256 unvested) = _rootStreamAt(r, slot);
        uint256 at = uint256(slot) * ROOT_STREAM_END_SCALE;
        uint256 period = ROOT_DIVIDEND_VEST_SLOTS * ROOT_STREAM_END_SCALE;
        if (unvested != 0) {
            // unvested != 0 after the advance: at < r.end. All terms < 2^64 * 2^48: no overflow.
            period = Math.ceilDiv(unvested * (r.end - at) + rootTao * period, unvested + rootTao);
        }
        // Amounts < TAO supply < 2^64; slots < 2^40, so at + period < 2^48 (see `RootStream`).
        _rootStreams[hotkey] = RootStream(
            uint64(vested),
            uint64(unvested + rootTao),
            _key(slot),
            SafeCast.toUint48(at + period)
        );
        _ledger.rootStake += uint64(rootTao);
    }

    /// @notice See {IEmissionReceiver}.
    function onEmission(uint64 fromSlot, uint64 toSlot, uint256 minted) external onlyDelegated {
        if (msg.sender != address(emission)) revert NotEmission(msg.sender);
        if (toSlot <= fromSlot || minted == 0) return;
        Config memory cfg = _config;
        (Entry[] memory entries, uint256[] memory weights, uint256 sum, uint256 eligible) = _updateEmas(
            fromSlot,
            toSlot,
            cfg.rule
        );
        if (eligible == 0) {
            _ledger.protocolTao += uint64(minted); // minted < 2^55 per call
            emit ProtocolTaoAdded(minted, 0);
            emit EmissionDistributed(fromSlot, toSlot, minted, 0);
            return;
        }
        uint256[] memory amounts = EmissionSplit.byWeight(minted, weights, sum);
        for (uint256 i; i < entries.length; ++i) {
            if (entries[i].eligible) _emitTo(entries[i], amounts[i], cfg.ownerCut);
        }
        emit EmissionDistributed(fromSlot, toSlot, minted, eligible);
    }

    /// @dev Credits `take` (bought as shares for the coldkey) and `rest` (raising every share's value) to pool
    /// `key` in one checkpoint. An empty pool gives everything to the coldkey. A take too small to buy a share
    /// raises the pool's value instead.
    function _creditShares(uint256 key, address coldkey, uint256 take, uint256 rest, uint64 slot) internal {
        (uint256 total, uint256 totalShares) = _hotkeyPool(key);
        uint256 minted =
            totalShares == 0
                ? SharePool.sharesForDeposit(take + rest, 0, 0)
                : SharePool.sharesForDeposit(take, totalShares, total);
        if (minted != 0) _shares[key][coldkey] += minted;
        _writeHotkeyPool(key, slot, total + take + rest, totalShares + minted);
    }

    /// @dev Pass 1 of a coinbase: for every live subnet, discover its emission start, advance its flow and price
    /// EMAs over the call's slots (one write of its `SubnetEma` slot), and collect its share weight.
    function _updateEmas(
        uint64 fromSlot,
        uint64 toSlot,
        ShareRule rule
    ) internal returns (Entry[] memory entries, uint256[] memory weights, uint256 sum, uint256 eligible) {
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
    function _updateOne(
        Entry memory e,
        uint64 fromSlot,
        uint64 toSlot,
        uint256 dFlow,
        ShareRule rule
    ) internal returns (bool) {
        Subnet storage s = _subnets[e.netuid];
        e.pool = s.pool;
        SubnetEma memory em = s.ema;
        if (!e.pool.started) {
            uint64 start = registry.emissionStartSlot(e.netuid);
            if (start == 0 || start > toSlot) return false;
            e.pool.started = true;
            em.startSlot = SafeCast.toUint48(start);
        }
        e.eligible = true;
        e.start = em.startSlot;
        // Slots of this call at or after the emission start: (lo, toSlot].
        uint64 lo = e.start == 0 || e.start - 1 < fromSlot ? fromSlot : e.start - 1;
        e.span = toSlot - lo;
        uint256 d = lo == fromSlot ? dFlow : FlowEma.decay(e.span);
        int256 flowEma = FlowEma.update(int256(em.flowEma) << 32, e.pool.flow, e.span, d);
        em.flowEma = SafeCast.toInt96(flowEma >> 32); // stored as rao x 2^32 (arithmetic shift: floor)
        e.pool.flow = 0;
        e.priceWeight = em.emaPrice;
        e.weight = _weightOf(em, rule);
        // The EMA price is used (above) before it is advanced, as subtensor does. b = slots since the emission
        // start, inclusive (start <= toSlot).
        uint256 spot = (uint256(e.pool.tao) * WAD) / e.pool.alpha;
        em.emaPrice = uint64(PriceEma.update(em.emaPrice, spot, uint256(toSlot) + 1 - e.start, e.span));
        em.epochClose = _epochPieces(e, em.epochClose, toSlot);
        e.ema = em; // written once, in pass 2, with the epoch records' `newest`
        return true;
    }

    /// @dev Splits the slots (toSlot - span, toSlot] by epoch. Inside the cached epoch (toSlot < cachedClose) they
    /// all belong to it. Otherwise one registry call gives the epoch of `toSlot`; earlier slots belong to the
    /// epoch before it (closing at its start), which also takes the older slots of a gap longer than one epoch:
    /// nothing is lost and the work per subnet stays bounded. Returns the new cached close.
    function _epochPieces(Entry memory e, uint64 cachedClose, uint64 toSlot) internal view returns (uint40) {
        if (toSlot < cachedClose) {
            e.recentClose = cachedClose;
            return uint40(cachedClose);
        }
        (, uint64 start, uint64 close) = registry.epochAt(e.netuid, toSlot);
        e.recentClose = close;
        if (start <= toSlot && uint256(start) + e.span > uint256(toSlot) + 1) {
            // The span's first slot, toSlot - span + 1, precedes `start`.
            e.older = e.span - (toSlot - start + 1);
            e.olderClose = start;
        }
        return SafeCast.toUint40(close);
    }

    /// @dev Pass 2 for one subnet: inject `taoIn` (and the matching alpha) into its pool and accrue its alpha
    /// emission to the epoch(s) containing the slots.
    function _emitTo(Entry memory e, uint256 taoIn, uint16 cut) internal {
        Subnet storage s = _subnets[e.netuid];
        SubnetAlpha memory sa = s.alpha;
        uint256 gk = _genKey(e.netuid, e.pool.generation);
        // Older slots first: each piece continues the halving curve where the previous one left it.
        uint256 olderOut;
        if (e.older != 0) olderOut = HalvingMath.emissionOver(sa.issuance, e.older);
        uint256 recent = HalvingMath.emissionOver(sa.issuance + olderOut, e.span - e.older);
        uint256 alphaOut = olderOut + recent;
        // Slots of an epoch the settlement has already taken (a coinbase late past its close) go to the current
        // epoch: nothing accrues where nobody would distribute it. The current epoch is never taken yet (it
        // closes at or after this slot, and an epoch opens only after its close).
        if (olderOut != 0 && !_addEpoch(s, gk, e, e.olderClose, olderOut, cut)) recent += olderOut;
        _addEpoch(s, gk, e, e.recentClose, recent, cut);
        _storeEma(s, e.ema);
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

    /// @dev Accrues `alphaOut` (owner cut `cut`) to the epoch closing at `closeSlot`; false, with nothing
    /// written, if the settlement has already taken that epoch.
    function _addEpoch(
        Subnet storage s,
        uint256 gk,
        Entry memory entry,
        uint64 closeSlot,
        uint256 alphaOut,
        uint16 cut
    ) internal returns (bool) {
        if (alphaOut == 0) return true;
        (EpochEmission storage rec, EpochEmission memory e, uint256 newest) = _epochRecord(
            s,
            gk,
            closeSlot,
            entry.ema.newest
        );
        entry.ema.newest = uint8(newest); // 0 or 1
        if (e.taken) return false;
        (uint256 owner_, uint256 distributable) = EmissionSplit.ownerCut(alphaOut, cut);
        // Per-epoch totals <= the subnet's alpha issuance < 2^64.
        e.ownerCut += uint64(owner_);
        e.distributable += uint64(distributable);
        _storeRecord(rec, e, false);
        return true;
    }

    /// @notice See {IStakingHooks}.
    function takeEpochEmission(
        uint16 netuid,
        uint64 epoch,
        uint64 close
    ) external onlyDelegated returns (uint256 ownerCut, uint256 distributable) {
        address settlement = _config.settlement;
        if (msg.sender != settlement || msg.sender == address(0)) revert NotSettlement(msg.sender, settlement);
        Subnet storage s = _subnets[netuid];
        uint256 newest = s.ema.newest;
        (EpochEmission storage rec, EpochEmission memory e, uint256 newestAfter) = _epochRecord(
            s,
            _genKey(netuid, s.pool.generation),
            close,
            newest
        );
        if (e.taken) revert EpochEmissionTaken(netuid, epoch);
        if (newestAfter != newest) s.ema.newest = uint8(newestAfter);
        _storeRecord(rec, e, true);
        return (e.ownerCut, e.distributable);
    }

    /// @dev Median spot price (1e18) of the live subnets, 1e18 when there are none (lower median for an even
    /// count), clamped to at least MIN_SEED_PRICE, and the TAO in their pools. O(n) quickselect in memory;
    /// subnet creation only.
    function _medianPrice() internal view returns (uint256 median, uint256 pooled) {
        uint256 n = _live.length;
        if (n == 0) return (WAD, 0);
        uint256[] memory prices = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            Pool memory p = _subnets[_live[i]].pool;
            prices[i] = (uint256(p.tao) * WAD) / p.alpha;
            pooled += p.tao;
        }
        median = _select(prices, (n - 1) / 2);
        if (median < MIN_SEED_PRICE) median = MIN_SEED_PRICE;
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

    /// @notice See {IStaking}.
    function setDelegateTake(address hotkey, uint16 take) external onlyDelegated {
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
        _takes[hotkey] = Take({take: take, set: true, lastChange: slot, coldkey: owner_});
        emit DelegateTakeSet(hotkey, take);
    }

    /// @notice See {IStaking}.
    function claimDissolved(uint16 netuid, address hotkey) external onlyDelegated returns (uint256) {
        uint24 gen = _subnets[netuid].pool.generation;
        if (gen == 0) revert NotDissolved(netuid, 0);
        unchecked {
            return _claimDissolved(netuid, hotkey, gen - 1); // gen >= 1
        }
    }

    /// @notice See {IStaking}.
    function claimDissolved(uint16 netuid, address hotkey, uint24 generation) external onlyDelegated returns (uint256) {
        return _claimDissolved(netuid, hotkey, generation);
    }

    /// @notice See {IStaking}.
    function drawEmissionReserve(uint256 amount) external onlyDelegated onlyOwner {
        IEmissionReserve(address(emission)).drawReserve(amount);
        _ledger.protocolTao += SafeCast.toUint64(amount);
        emit ProtocolTaoAdded(amount, 2);
    }

    /// @notice See {IStaking}.
    function recycleProtocolTao(uint256 amount) external onlyDelegated onlyOwner {
        uint256 held = _ledger.protocolTao;
        if (amount > held) revert ProtocolTaoExceeded(amount, held);
        unchecked {
            _ledger.protocolTao = uint64(held - amount); // amount <= held
        }
        ITAO(tao).burn(amount);
        emit ProtocolTaoRecycled(amount);
    }

    function _claimDissolved(uint16 netuid, address hotkey, uint24 gen) internal returns (uint256 taoOut) {
        uint256 gk = _genKey(netuid, gen);
        DissolvedPot memory d = _dissolved[gk];
        if (!d.dissolved) revert NotDissolved(netuid, gen);
        uint256 key = _poolKey(netuid, gen, hotkey);
        uint256 mine = _shares[key][msg.sender];
        if (mine == 0 || d.alphaStaked == 0) revert NothingToClaim(netuid, gen, hotkey, msg.sender);
        // The dissolved generation's totals are frozen: each claim values its shares against them, with one
        // floor: tao = shares * hotkeyAlpha * pot / (hotkeyShares * alphaStaked). shares <= hotkeyShares, so
        // hotkeyShares > 0; hotkeyAlpha * pot < 2^160 and hotkeyShares * alphaStaked < 2^200.
        (uint256 hotkeyAlpha, uint256 totalShares) = _hotkeyPool(key);
        uint256 alpha = SharePool.valueOf(mine, totalShares, hotkeyAlpha);
        taoOut = Math.mulDiv(mine, hotkeyAlpha * d.taoPot, totalShares * d.alphaStaked);
        delete _shares[key][msg.sender];
        // Sum over all positions of shares * hotkeyAlpha / hotkeyShares <= sum of hotkeyAlpha = alphaStaked, so
        // the payouts sum to at most taoPot = the initial unclaimed (dust: < 1 rao per position).
        _dissolved[gk].unclaimed = d.unclaimed - uint64(taoOut);
        _ledger.dissolvedUnclaimed -= uint64(taoOut);
        SafeTransferLib.safeTransfer(tao, msg.sender, taoOut);
        emit DissolvedClaimed(netuid, gen, msg.sender, hotkey, alpha, taoOut);
    }
}
