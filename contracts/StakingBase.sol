// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IStakingTypes} from "./interfaces/IStaking.sol";
import {IEmission} from "./interfaces/IEmission.sol";
import {ISubnetRegistryView} from "./interfaces/ISubnetRegistryView.sol";
import {SlotClock} from "./libraries/SlotClock.sol";

/// @title StakingBase
/// @notice Storage layout, constants and shared helpers of {Staking} and its delegatecall module
/// {StakingEmissionModule}: both inherit this contract first, so their storage layouts are identical, and
/// both are constructed with the same immutables. Storage layout (beside each declaration below):
/// - slots 0-1: Ownable2Step owner and pending owner; then `_config`, `_ledger`, the live list, the mappings;
/// - per netuid, three consecutive slots: `Pool` (read and written by every swap), `SubnetEma` (written once
///   per coinbase), `SubnetAlpha` (written per coinbase and per credit);
/// - per (netuid, generation, hotkey) "pool key" (a packed uint256, no hashing): an OZ `Checkpoints.Trace208`
///   keyed by slot whose latest value IS the pool's (total alpha, total shares);
/// - per (pool key, coldkey): shares.
/// Root (netuid 0) positions use generation 0 and hold TAO 1:1.
abstract contract StakingBase is IStakingTypes, Ownable2Step {
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
    /// @dev Low 104 bits of a stake checkpoint value: the pool's total alpha.
    uint256 internal constant LOW104 = (1 << 104) - 1;
    /// @notice The TAO a dividend credit buys for a hotkey's root nominators vests to its root pool linearly over
    /// this many slots (one default tempo, 360 slots of 12 s). A credit lands when someone claims, at a time the
    /// claimer picks: paid at once, root stake added just before the claim and removed just after it (root
    /// staking is 1:1 and fee-free) would take its pro-rata part of a dividend earned by the stake held at the
    /// epoch's close. Vesting pays each root share in proportion to the time it is held.
    uint64 public constant ROOT_DIVIDEND_VEST_SLOTS = 360;

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

    /// @dev One slot: 64 + 96 + 48 + 40 + 8. `emaPrice` <= 1e18 (targets are capped at 1). `flowEma` is stored as rao
    /// x 2^32 (the I64F64 value >> 32; |flowEma| <= the largest |flow| x 2^32 < 2^95). `epochClose` caches the
    /// closing slot of the epoch that contained the last coinbase (0: none yet): the registry keeps the bounds of
    /// every past and current epoch fixed (a tempo change takes effect at the next boundary), so until a
    /// coinbase reaches that slot no registry call is needed. Slots fit 40 bits (418,000 years of 12 s slots).
    /// `newest`: which of the subnet's two `recent` epoch records holds the newer epoch.
    struct SubnetEma {
        uint64 emaPrice;
        int96 flowEma;
        uint48 startSlot;
        uint40 epochClose;
        uint8 newest;
    }

    /// @dev One slot: 96 + 64 + 96. issuance = seed + injected + emitted alpha < 2^86; pending <= alpha emitted
    /// by the halving curve (<= 2.1e16 < 2^64). Alpha held by stakers = issuance - reserve - pending - protocol.
    struct SubnetAlpha {
        uint96 issuance;
        uint64 pending;
        uint96 protocol;
    }

    /// @dev `recent`: the records of the two newest epochs the subnet has accrued to (or the settlement has
    /// taken), reused in turn so that a coinbase opening a new epoch overwrites a slot instead of filling a fresh
    /// one (2.9k gas instead of 22.1k). Older records live in `_epochs`.
    struct Subnet {
        Pool pool;
        SubnetEma ema;
        SubnetAlpha alpha;
        EpochEmission[2] recent;
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

    /// @dev One slot per hotkey: 16 + 8 + 64 + 160. `coldkey` caches the registry's binding of the hotkey (0 until
    /// first needed); a binding never changes once made (the registry reverts `HotkeyBoundToOther`), so the
    /// cache never goes stale and saves an emission credit the registry call.
    struct Take {
        uint16 take;
        bool set;
        uint64 lastChange;
        address coldkey;
    }

    /// @dev One slot: 48 + 64 + 64 + 8. The alpha accrued for the epoch closing at `close`: the owner cut and the
    /// part Yuma divides. Each is at most the subnet's alpha issuance (< 2.1e16 < 2^64). `taken`: the settlement
    /// has opened or rolled over the epoch and read the amounts; later slots of it accrue to a newer epoch.
    struct EpochEmission {
        uint48 close;
        uint64 ownerCut;
        uint64 distributable;
        bool taken;
    }

    /// @dev One slot per hotkey: 64 + 64 + 48 + 48. The TAO bought for the hotkey's root nominators and not yet
    /// in its root pool's checkpointed total (see `ROOT_DIVIDEND_VEST_SLOTS`): `vested` vested up to `last` and
    /// belongs to the root shares held since the pool was last written (every change of those shares settles it
    /// first); `unvested` vests linearly from slot `last` to `end`, which counts 1/`ROOT_STREAM_END_SCALE`
    /// slots (a merge of streams ends at a mean of their ends: whole slots would round it by up to a slot per
    /// merge, and a hotkey credited every slot would never see its end come closer). Both amounts < TAO supply
    /// < 2^64; slots < 2^40 (SlotClock), so `end` < 2^48. The TAO is counted in `Ledger.rootStake`.
    struct RootStream {
        uint64 vested;
        uint64 unvested;
        uint48 last;
        uint48 end;
    }

    /// @dev Units of `RootStream.end` per slot.
    uint256 internal constant ROOT_STREAM_END_SCALE = 256;

    /// @dev One slot: 64 + 104 + 64 + 8.
    struct DissolvedPot {
        uint64 taoPot;
        uint104 alphaStaked;
        uint64 unclaimed;
        bool dissolved;
    }

    /// @dev Per-subnet working set of one coinbase: its slots (lo, toSlot] are `older` slots of the epoch closing
    /// at `olderClose` followed by `span - older` slots of the epoch closing at `recentClose`.
    struct Entry {
        uint16 netuid;
        bool eligible;
        uint64 start;
        uint64 span;
        uint64 older;
        uint64 olderClose;
        uint64 recentClose;
        SubnetEma ema;
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
    /// @dev pool key = hotkey | netuid << 160 | generation << 176. Each checkpoint value packs the pool's total
    /// alpha (TAO on root; low 104 bits) and its total shares (high 104 bits), so that one slot per change
    /// holds both. Both stay below 2^104: alpha <= a subnet's issuance < 2^96 (root TAO < 2^56), and shares <=
    /// alpha because shares start 1:1 and the share price never falls (see SharePool).
    mapping(uint256 poolKey => Checkpoints.Trace208) internal _stakeTrace;
    mapping(uint256 poolKey => mapping(address coldkey => uint256)) internal _shares;
    mapping(address hotkey => Take) internal _takes;
    /// @dev gen key = netuid | generation << 16. Epoch records older than a subnet's two `recent` ones, keyed by
    /// the epoch's closing slot (unique within a generation, and known without asking the registry for the
    /// epoch's number).
    mapping(uint256 genKey => mapping(uint64 closeSlot => EpochEmission)) internal _epochs;
    mapping(uint256 genKey => DissolvedPot) internal _dissolved;
    Checkpoints.Trace208 internal _taoWeightTrace;
    mapping(address hotkey => RootStream) internal _rootStreams;

    constructor(IEmission emission_, ISubnetRegistryView registry_, address owner_) Ownable(owner_) {
        if (address(emission_) == address(0) || address(registry_) == address(0)) revert ZeroAddress();
        emission = emission_;
        registry = registry_;
        tao = address(emission_.tao());
        genesisTime = emission_.genesisTime();
    }

    // ------------------------------------------------------------------ shared helpers

    /// @dev The (total alpha, total shares) of hotkey pool `key` now.
    function _hotkeyPool(uint256 key) internal view returns (uint256 total, uint256 shares) {
        uint256 v = _stakeTrace[key].latest();
        return (v & LOW104, v >> 104);
    }

    /// @dev Records hotkey pool `key` as (`total`, `shares`) at `slot` (both < 2^104, see `_stakeTrace`).
    function _writeHotkeyPool(uint256 key, uint64 slot, uint256 total, uint256 shares) internal {
        _stakeTrace[key].push(_key(slot), uint208(total | (shares << 104)));
    }

    /// @dev Total alpha of hotkey pool `key` at the end of checkpoint key `k`.
    function _hotkeyAlphaAt(uint256 key, uint48 k) internal view returns (uint256) {
        return uint256(_stakeTrace[key].upperLookupRecent(k)) & LOW104;
    }

    /// @dev `_hotkeyAlphaAt` that first tries the latest checkpoint (the two slots `_hotkeyPool` reads, so warm
    /// after it): a pool unchanged since `k` needs no search.
    function _hotkeyAlphaAtRecent(uint256 key, uint48 k) internal view returns (uint256) {
        (bool exists, uint48 lastKey, uint208 last) = _stakeTrace[key].latestCheckpoint();
        if (!exists) return 0;
        if (lastKey <= k) return uint256(last) & LOW104;
        return _hotkeyAlphaAt(key, k);
    }

    /// @dev Stream `r` advanced to `slot`: what has vested (unsettled) and what is still to vest.
    function _rootStreamAt(RootStream memory r, uint64 slot) internal pure returns (uint256 vested, uint256 unvested) {
        vested = r.vested;
        unvested = r.unvested;
        if (unvested != 0 && slot > r.last) {
            uint256 at = uint256(slot) * ROOT_STREAM_END_SCALE;
            uint256 from = uint256(r.last) * ROOT_STREAM_END_SCALE;
            uint256 v = at >= r.end ? unvested : (unvested * (at - from)) / (r.end - from);
            unchecked {
                // v <= unvested (at - from < end - from in the division); vested + v <= the TAO bought < 2^64.
                vested += v;
                unvested -= v;
            }
        }
    }

    /// @dev Before the shares of `hotkey`'s root pool change at `slot`: takes what its root dividends have vested
    /// out of the stream, for the caller to add to the pool's total (which it writes anyway). Returns 0 without a
    /// write when nothing vested.
    function _settleRootStream(address hotkey, uint64 slot) internal returns (uint256 vested) {
        RootStream memory r = _rootStreams[hotkey];
        uint256 unvested;
        (vested, unvested) = _rootStreamAt(r, slot);
        if (vested == 0) return 0;
        // Both < 2^64 (see `RootStream`).
        _rootStreams[hotkey] = RootStream(0, uint64(unvested), _key(slot), r.end);
    }

    function _weightOf(SubnetEma memory em, ShareRule rule) internal pure returns (uint256) {
        if (rule == ShareRule.EmaPrice) return em.emaPrice;
        return em.flowEma > 0 ? uint256(int256(em.flowEma)) : 0;
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

    // ------------------------------------------------------------------ epoch records

    /// @dev The record of the epoch closing at `close` (see `Subnet.recent`; `newest` indexes the newer of the
    /// two): a recent one, an archived one, or, for a close newer than both recent records, the place of the
    /// older of them, which is archived first if the settlement has not taken it yet (it lags by more than an
    /// epoch: rare). Returns where to write, the current content (zero amounts for a new epoch) and the new
    /// `newest`.
    function _epochRecord(
        Subnet storage s,
        uint256 gk,
        uint64 close,
        uint256 newest
    ) internal returns (EpochEmission storage rec, EpochEmission memory e, uint256 newestAfter) {
        EpochEmission memory n = s.recent[newest];
        if (n.close == close) return (s.recent[newest], n, newest);
        uint256 other = newest ^ 1;
        EpochEmission memory o = s.recent[other];
        if (close > n.close) {
            if (o.close != 0 && !o.taken) _storeRecord(_epochs[gk][o.close], o, false);
            return (s.recent[other], EpochEmission(uint48(close), 0, 0, false), other);
        }
        if (o.close == close) return (s.recent[other], o, newest);
        rec = _epochs[gk][close];
        e = rec;
        e.close = uint48(close); // an epoch never seen starts empty
        return (rec, e, newest);
    }

    /// @dev Writes an epoch record in one SSTORE, in `EpochEmission`'s declared packing: close (bits 0-47),
    /// ownerCut (48-111), distributable (112-175), taken (176).
    function _storeRecord(EpochEmission storage rec, EpochEmission memory e, bool taken) internal {
        uint256 word =
            uint256(e.close) | (uint256(e.ownerCut) << 48) | (uint256(e.distributable) << 112) | (taken ? 1 << 176 : 0);
        assembly ("memory-safe") {
            sstore(rec.slot, word)
        }
    }

    /// @dev Writes a subnet's `SubnetEma` in one SSTORE (a struct assignment writes it member by member), in its
    /// declared packing: emaPrice (bits 0-63), flowEma (64-159, two's complement), startSlot (160-207),
    /// epochClose (208-247), newest (248-255).
    function _storeEma(Subnet storage s, SubnetEma memory em) internal {
        uint256 word =
            uint256(em.emaPrice) |
                (uint256(uint96(em.flowEma)) << 64) |
                (uint256(em.startSlot) << 160) |
                (uint256(em.epochClose) << 208) |
                (uint256(em.newest) << 248);
        SubnetEma storage slot_ = s.ema;
        assembly ("memory-safe") {
            sstore(slot_.slot, word)
        }
    }

    /// @dev Read-only `_epochRecord`: the amounts accrued for the epoch closing at `close` (zero if none).
    function _epochRecordView(Subnet storage s, uint256 gk, uint64 close) internal view returns (EpochEmission memory) {
        if (s.recent[0].close == close) return s.recent[0];
        if (s.recent[1].close == close) return s.recent[1];
        return _epochs[gk][close];
    }
}
