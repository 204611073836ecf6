// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IStakingHooks} from "./IStakingHooks.sol";
import {IEmissionReceiver} from "./IEmission.sol";

/// @title IStakingTypes
/// @notice Types, errors and events of {IStaking}, shared with its delegatecall module.
interface IStakingTypes {
    /// @notice How each coinbase's TAO is divided across subnets (SYSTEM.md §2.1).
    enum ShareRule {
        // EMA of each subnet's net TAO flow, negatives clipped to 0; falls back to EmaPrice when none is positive.
        NetFlow,
        // EMA price (subtensor's newest rule).
        EmaPrice
    }

    /// @notice One subnet's pool and alpha accounting (current generation).
    struct PoolView {
        bool live; // the subnet exists (has a pool)
        bool started; // Staking has seen its emission start
        uint24 generation; // bumped on every dissolution of this netuid
        uint256 taoReserve; // TAO in the pool (rao)
        uint256 alphaReserve; // alpha in the pool
        uint256 alphaStaked; // alpha held by stakers (sum of all hotkeys' totals)
        uint256 alphaPending; // alpha emission accrued and not yet credited by the settlement
        uint256 protocolAlpha; // alpha bought with excess TAO at injection, and same-subnet move fees: protocol-owned, never distributed
        uint256 alphaIssuance; // alpha ever created on this subnet (drives its halving curve)
        int256 pendingFlow; // net TAO flow since the last coinbase (rao)
        int256 flowEma; // EMA of net TAO flow, I64F64 (rao x 2^64)
        uint256 emaPrice; // 1e18 fixed point
        uint64 emissionStartSlot; // 0 until Staking has seen it
    }

    // ------------------------------------------------------------------ errors

    /// @notice Only the Emission contract may call.
    error NotEmission(address caller);
    /// @notice Only the subnet registry may call.
    error NotRegistry(address caller);
    /// @notice Only the settlement contract may call (zero while unset).
    error NotSettlement(address caller, address settlement);
    /// @notice The settlement contract is already set.
    error SettlementAlreadySet(address settlement);
    /// @notice A zero address where one is required.
    error ZeroAddress();
    /// @notice The module given to the constructor was built for another Emission or registry.
    error ModuleMismatch(address module);
    /// @notice `netuid` has no live pool (unknown or dissolved subnet).
    error SubnetNotFound(uint16 netuid);
    /// @notice `netuid` is already live.
    error SubnetAlreadyExists(uint16 netuid);
    /// @notice Staking into `netuid` before its emission start (`startSlot` 0 = not started at all).
    error SubnetNotStarted(uint16 netuid, uint64 startSlot, uint64 currentSlot);
    /// @notice The lock seeding a pool is below the reserve floor.
    error LockBelowMinimum(uint256 lock, uint256 minimum);
    /// @notice The registry called onSubnetCreated without transferring the lock: only `received` arrived.
    error LockNotReceived(uint256 lock, uint256 received);
    /// @notice `hotkey` is not bound to a coldkey in the registry.
    error HotkeyNotBound(address hotkey);
    /// @notice The caller is not the coldkey that owns `hotkey`.
    error NotHotkeyOwner(address hotkey, address caller, address coldkey);
    /// @notice The transaction was included after its deadline (chain timestamps).
    error DeadlineExpired(uint256 deadline, uint256 nowTime);
    /// @notice An amount of TAO (or its value) below the minimum stake.
    error BelowMinimumStake(uint256 amount, uint256 minimum);
    /// @notice A partial withdrawal would leave `remainder` rao (alpha, or TAO on root) on the position, below
    /// `minimum`: withdraw all of it, or leave at least `minimum` (a dust position left alone in a hotkey's pool
    /// would let one dividend inflate its share price and round later stakes down).
    error RemainderBelowMinimum(uint256 remainder, uint256 minimum);
    /// @notice `amount` would move the price past `limitPrice`; at most `maxAmount` can be filled.
    error PriceLimitExceeded(uint256 amount, uint256 maxAmount, uint256 limitPrice);
    /// @notice A swap input above 1000 x the input reserve.
    error InputTooLarge(uint256 amount, uint256 maxInput);
    /// @notice A swap would leave the output reserve below the floor.
    error ReserveBelowMinimum(uint256 reserveAfter, uint256 minimum);
    /// @notice More alpha requested than the position holds.
    error InsufficientStake(uint256 requested, uint256 available);
    /// @notice A zero amount, or a swap whose output rounds to zero.
    error ZeroAmount();
    /// @notice A deposit too small to buy one share at the pool's share price.
    error SharesRoundToZero(uint256 amount);
    /// @notice A move or transfer delivered less than the caller's minimum.
    error SlippageExceeded(uint256 amountOut, uint256 minAmountOut);
    /// @notice A delegate take above the maximum.
    error TakeTooHigh(uint16 take, uint16 maxTake);
    /// @notice A take increase before the rate limit allows.
    error RateLimited(uint64 nextAllowedSlot);
    /// @notice A credit larger than the subnet's accrued, uncredited emission.
    error EmissionExceeded(uint256 requested, uint256 available);
    /// @notice The settlement already took epoch `epoch`'s emission of `netuid` (it opens or rolls over once).
    error EpochEmissionTaken(uint16 netuid, uint64 epoch);
    /// @notice No dissolved position to claim.
    error NothingToClaim(uint16 netuid, uint24 generation, address hotkey, address coldkey);
    /// @notice `generation` of `netuid` was never dissolved.
    error NotDissolved(uint16 netuid, uint24 generation);
    /// @notice More protocol TAO requested than held.
    error ProtocolTaoExceeded(uint256 requested, uint256 available);

    // ------------------------------------------------------------------ events

    /// @notice `coldkey` staked `taoIn` TAO to `hotkey` on `netuid` and received `alphaOut` alpha.
    event Staked(
        address indexed coldkey,
        address indexed hotkey,
        uint16 indexed netuid,
        uint256 taoIn,
        uint256 alphaOut
    );
    /// @notice `coldkey` unstaked `alphaIn` alpha from `hotkey` on `netuid` and received `taoOut` TAO.
    event Unstaked(
        address indexed coldkey,
        address indexed hotkey,
        uint16 indexed netuid,
        uint256 alphaIn,
        uint256 taoOut
    );
    /// @notice Stake moved from (coldkey, fromHotkey, fromNetuid) to (toColdkey, toHotkey, toNetuid).
    event StakeMoved(
        address indexed coldkey,
        address indexed toColdkey,
        address fromHotkey,
        address toHotkey,
        uint16 fromNetuid,
        uint16 toNetuid,
        uint256 alphaIn,
        uint256 alphaOut
    );
    /// @notice `hotkey`'s delegate take is now `take` (x / 65535).
    event DelegateTakeSet(address indexed hotkey, uint16 take);
    /// @notice A pool was seeded for `netuid` (generation `generation`).
    event PoolCreated(uint16 indexed netuid, uint24 generation, uint256 taoReserve, uint256 alphaReserve);
    /// @notice `netuid` generation `generation` was dissolved: `taoPot` TAO is claimable by `alphaStaked` alpha.
    event PoolDissolved(uint16 indexed netuid, uint24 generation, uint256 taoPot, uint256 alphaStaked);
    /// @notice A staker claimed `tao` for `alpha` of a dissolved subnet.
    event DissolvedClaimed(
        uint16 indexed netuid,
        uint24 generation,
        address indexed coldkey,
        address indexed hotkey,
        uint256 alpha,
        uint256 tao
    );
    /// @notice A registration burn of `tao` was counted as inflow of `netuid`.
    event RegistrationBurnCounted(uint16 indexed netuid, uint256 tao);
    /// @notice The coinbase of slots (fromSlot, toSlot] was split across `subnets` emitting subnets.
    event EmissionDistributed(uint64 fromSlot, uint64 toSlot, uint256 minted, uint256 subnets);
    /// @notice `netuid` received `taoIn` TAO and `alphaIn` alpha into its pool (of which `protocolAlpha` was
    /// bought back with excess TAO) and accrued `alphaOut` alpha of epoch emission.
    event SubnetEmitted(uint16 indexed netuid, uint256 taoIn, uint256 alphaIn, uint256 protocolAlpha, uint256 alphaOut);
    /// @notice The settlement credited `incentive + dividend` alpha to `hotkey` on `netuid`: the incentive and
    /// `take` (of the dividend) to its coldkey, `toRoot` alpha of the dividend sold for `rootTao` TAO added to its
    /// root nominators, the rest of the dividend to its alpha nominators.
    event EmissionCredited(
        uint16 indexed netuid,
        address indexed hotkey,
        uint256 incentive,
        uint256 dividend,
        uint256 take,
        uint256 toRoot,
        uint256 rootTao
    );
    /// @notice Governance changes.
    event SettlementSet(address indexed settlement);
    event TaoWeightSet(uint64 taoWeight);
    event ShareRuleSet(ShareRule rule);
    event OwnerCutSet(uint16 cut);
    /// @notice TAO was added to the protocol reserve (`reason`: 0 no emitting subnet, 1 dissolved without
    /// stakers, 2 drawn from the Emission reserve, 3 root dividends vested while the root pool had no shares).
    event ProtocolTaoAdded(uint256 amount, uint8 reason);
    /// @notice Protocol TAO was recycled (burned), lowering issuance.
    event ProtocolTaoRecycled(uint256 amount);
}

/// @title IStaking
/// @notice Dynamic TAO (SYSTEM.md §2.1, §2.3): one constant-product TAO/alpha pool per subnet, stake as shares
/// of a per-(hotkey, subnet) pool of alpha, the split of each coinbase across subnets, epoch emission
/// accounting, and lazy payout of dissolved subnets. All protocol TAO sits in this contract (one ledger).
///
/// Units: TAO and alpha amounts are rao (9 decimals). Limit prices are subtensor's (reference §9.2): rao of TAO
/// per 1 alpha (1e9 = 1 TAO per alpha); `type(uint256).max` means "no limit" for a buy and 0 for a sell.
/// Spot and EMA prices in views are TAO per alpha in 1e18 fixed point. u16 proportions are x / 65535.
/// Deadlines are chain timestamps (seconds); every other duration is in 12 s slots.
interface IStaking is IStakingTypes, IStakingHooks, IEmissionReceiver {
    // ------------------------------------------------------------------ staking

    /// @notice Stakes `taoIn` TAO (pulled with one transferFrom) to `hotkey` on `netuid`. With a binding
    /// `limitPrice`, fills at most the amount that moves the price exactly to the limit (or reverts unless
    /// `allowPartial`); a partial fill also stops where the pool's alpha reserve would fall below its floor.
    /// Returns the alpha received and the TAO used.
    function stake(
        uint16 netuid,
        address hotkey,
        uint256 taoIn,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline
    ) external returns (uint256 alphaOut, uint256 taoUsed);

    /// @notice `stake` after an EIP-2612 permit of `taoIn` for this contract (permit deadline = `deadline`). A
    /// permit that fails (e.g. front-run) is ignored when the allowance already suffices.
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
    ) external returns (uint256 alphaOut, uint256 taoUsed);

    /// @notice Sells `alpha` of the caller's stake with `hotkey` on `netuid` for TAO, paid to the caller. With a
    /// binding `limitPrice`, as `stake`: at most the amount that moves the price to the limit and, when partial,
    /// leaves the pool's TAO reserve at its floor or above.
    function unstake(
        uint16 netuid,
        address hotkey,
        uint256 alpha,
        uint256 limitPrice,
        bool allowPartial,
        uint256 deadline
    ) external returns (uint256 taoOut, uint256 alphaUsed);

    /// @notice Closes the caller's whole position with `hotkey` on `netuid` (all or nothing at `limitPrice`).
    function unstakeAll(
        uint16 netuid,
        address hotkey,
        uint256 limitPrice,
        uint256 deadline
    ) external returns (uint256 taoOut, uint256 alphaUsed);

    /// @notice Moves `alpha` of the caller's stake to another hotkey and/or subnet (same coldkey). Same subnet:
    /// shares move at value, no swap; between two hotkeys of a non-root subnet the pool fee (33/65535, rounded up)
    /// is taken from the moved alpha and kept as protocol alpha. Other subnet: sold then bought, one leg paying
    /// the fee. Every move must be worth the minimum stake (`BelowMinimumStake`), even one that closes a position.
    function moveStake(
        address originHotkey,
        address destHotkey,
        uint16 originNetuid,
        uint16 destNetuid,
        uint256 alpha,
        uint256 minAlphaOut,
        uint256 deadline
    ) external returns (uint256 alphaOut);

    /// @notice Transfers `alpha` of the caller's stake with `hotkey` to `destColdkey`, optionally to another subnet.
    function transferStake(
        address destColdkey,
        address hotkey,
        uint16 originNetuid,
        uint16 destNetuid,
        uint256 alpha,
        uint256 minAlphaOut,
        uint256 deadline
    ) external returns (uint256 alphaOut);

    /// @notice The hotkey's coldkey sets its delegate take: decreases any time, increases up to the maximum
    /// once per 216,000 slots after the last change.
    function setDelegateTake(address hotkey, uint16 take) external;

    /// @notice Claims the caller's TAO for its position with `hotkey` on the last dissolved generation of `netuid`.
    function claimDissolved(uint16 netuid, address hotkey) external returns (uint256 tao);

    /// @notice Claims the caller's TAO for its position with `hotkey` on dissolved generation `generation`.
    function claimDissolved(uint16 netuid, address hotkey, uint24 generation) external returns (uint256 tao);

    // ------------------------------------------------------------------ governance

    /// @notice Governance, once: the settlement contract, the only caller of `creditEmission`.
    function setSettlement(address settlement) external;
    /// @notice Governance: tao_weight as a u64 proportion (x / (2^64 - 1)); checkpointed by slot.
    function setTaoWeight(uint64 taoWeight) external;
    /// @notice Governance: the rule dividing each coinbase across subnets.
    function setShareRule(ShareRule rule) external;
    /// @notice Governance: the subnet owner cut of each epoch's alpha emission (x / 65535).
    function setOwnerCut(uint16 cut) external;
    /// @notice Pulls `amount` of the Emission reserve (minted before Staking was the receiver) into the protocol reserve.
    function drawEmissionReserve(uint256 amount) external;
    /// @notice Recycles (burns) `amount` of the protocol reserve, lowering TAO issuance.
    function recycleProtocolTao(uint256 amount) external;

    // ------------------------------------------------------------------ views

    /// @notice Pool and alpha accounting of `netuid` (current generation; `live` false once dissolved).
    function pool(uint16 netuid) external view returns (PoolView memory);
    /// @notice Spot price (TAO per alpha, 1e18); 1e18 on root.
    function spotPrice(uint16 netuid) external view returns (uint256);
    /// @notice Alpha out and fee (TAO) for staking `taoIn` now (no limit, no minimum checks).
    function quoteStake(uint16 netuid, uint256 taoIn) external view returns (uint256 alphaOut, uint256 fee);
    /// @notice TAO out and fee (alpha) for unstaking `alpha` now.
    function quoteUnstake(uint16 netuid, uint256 alpha) external view returns (uint256 taoOut, uint256 fee);
    /// @notice Largest TAO input whose buy leaves the price <= `limitPrice` and the alpha reserve at its floor
    /// (PoolMath.MIN_RESERVE) or above, capped at the input cap: what `stake` with `allowPartial` would use, except
    /// that a fill the floor holds under MIN_STAKE is not made (the stake reverts `ReserveBelowMinimum`).
    function maxStakeAtLimit(uint16 netuid, uint256 limitPrice) external view returns (uint256);
    /// @notice Largest alpha input whose sale leaves the price >= `limitPrice` and the TAO reserve at its floor
    /// or above, capped at the input cap: what `unstake` with `allowPartial` would use.
    function maxUnstakeAtLimit(uint16 netuid, uint256 limitPrice) external view returns (uint256);
    /// @notice A position: its shares, alpha (on root: TAO, with its part of the root dividends vested so far),
    /// and TAO value at the spot price.
    function position(
        uint16 netuid,
        address hotkey,
        address coldkey
    ) external view returns (uint256 shares, uint256 alpha, uint256 taoValue);
    /// @notice A hotkey's share pool on `netuid`: total alpha (TAO on root, with the root dividends vested so
    /// far) and total shares.
    function hotkeyStake(uint16 netuid, address hotkey) external view returns (uint256 alpha, uint256 shares);
    /// @notice The TAO bought for `hotkey`'s root nominators by dividend credits: `vested` already belongs to the
    /// root pool's shares (added to the pool's checkpointed stake at its next stake change), `unvested` vests
    /// linearly until slot `endSlot`.
    function rootDividends(address hotkey) external view returns (uint256 vested, uint256 unvested, uint64 endSlot);
    /// @notice The emission share of `netuid` the next coinbase would use (1e18 = all), from stored EMAs.
    function emissionShare(uint16 netuid) external view returns (uint256);
    /// @notice Delegate take of `hotkey` (x / 65535) and the slot of its last change.
    function delegateTake(address hotkey) external view returns (uint16 take, uint64 lastChangeSlot);
    /// @notice A dissolved generation: TAO pot, alpha it is shared by, TAO still unclaimed.
    function dissolved(
        uint16 netuid,
        uint24 generation
    ) external view returns (uint256 taoPot, uint256 alphaStaked, uint256 unclaimed);
    /// @notice Live subnets (root excluded), in list order.
    function subnets() external view returns (uint16[] memory);
    /// @notice TAO held outside pools: root stake, unclaimed dissolved pots, protocol reserve.
    function ledger() external view returns (uint256 rootStake, uint256 dissolvedUnclaimed, uint256 protocolTao);
    /// @notice tao_weight, u64-normalised (x / (2^64 - 1)), as of the end of `slot`.
    function taoWeightAt(uint64 slot) external view returns (uint64);
    function taoWeight() external view returns (uint64);
    function shareRule() external view returns (ShareRule);
    function ownerCut() external view returns (uint16);
    function settlement() external view returns (address);
    function currentSlot() external view returns (uint64);
}
