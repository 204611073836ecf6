// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IStakingHooks
/// @notice What the other protocol contracts call on, or read from, the Staking contract (the Dynamic TAO
/// issue): pools, stake and emission live there, in one ledger. `Staking` implements it; its full interface,
/// `IStaking`, extends this one.
interface IStakingHooks {
    /// @notice Registry: subnet `netuid` was created; `lockTao` rao of TAO were just transferred to Staking and
    /// seed the pool (tao reserve = lock, alpha reserve = lock / median price, 1 by default).
    function onSubnetCreated(uint16 netuid, uint256 lockTao) external;

    /// @notice Registry: subnet `netuid` is being dissolved; its pool TAO becomes claimable pro rata by its
    /// stakers and the netuid may be reused afterwards.
    function onSubnetDissolved(uint16 netuid) external;

    /// @notice Registry: `tao` rao were just recycled (burned) as a registration burn on `netuid`. No TAO
    /// moves; Staking counts it as TAO inflow of the subnet for the net-TAO-flow emission share.
    function onRegistrationBurn(uint16 netuid, uint256 tao) external;

    /// @notice Settlement: credit `incentive + dividend` alpha of epoch emission to `hotkey` on `netuid`, for the
    /// epoch that closed at slot `closeSlot`. The incentive (a miner's, or an owner cut) is staked for the hotkey's
    /// coldkey; of the dividend, the hotkey's delegate take goes to its coldkey's shares, the root stake's part
    /// (split by the hotkey's alpha and root stakes at `closeSlot`, not at the claim) is sold for TAO that vests
    /// to its root nominators over `ROOT_DIVIDEND_VEST_SLOTS`, and the rest raises the value of all its alpha
    /// nominators' shares (subtensor §3.7).
    function creditEmission(
        uint16 netuid,
        address hotkey,
        uint256 incentive,
        uint256 dividend,
        uint64 closeSlot
    ) external;

    /// @notice Settlement, once per epoch (at open, or at roll-over of an epoch never opened): the alpha
    /// emission accrued for epoch `epoch` of `netuid`, closing at slot `close`, which is now fixed: slots of it
    /// that a late coinbase still brings accrue to the current epoch instead. Reverts `EpochEmissionTaken` if
    /// taken before.
    function takeEpochEmission(
        uint16 netuid,
        uint64 epoch,
        uint64 close
    ) external returns (uint256 ownerCut, uint256 distributable);

    /// @notice Alpha emission accrued for epoch `epoch` of `netuid`: the owner cut and the part Yuma divides
    /// among miners and validators.
    function epochEmission(uint16 netuid, uint64 epoch) external view returns (uint256 ownerCut, uint256 distributable);

    /// @notice Stake weight of `hotkey` on `netuid` now: alpha stake + tao_weight x root stake (rao).
    function stakeWeight(uint16 netuid, address hotkey) external view returns (uint256);

    /// @notice Stake weight of `hotkey` on `netuid` as of the end of `slot` (checkpointed).
    function stakeWeightAt(uint16 netuid, address hotkey, uint64 slot) external view returns (uint256);

    /// @notice EMA price of `netuid` (TAO per alpha, 1e18 fixed point); used to choose a subnet to dissolve.
    function emaPrice(uint16 netuid) external view returns (uint256);
}
