// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {MockRegistryForStaking} from "../../contracts/harness/MockRegistryForStaking.sol";
import {Staking} from "../../contracts/Staking.sol";
import {StakingEmissionModule} from "../../contracts/StakingEmissionModule.sol";
import {IStakingHooks} from "../../contracts/interfaces/IStakingHooks.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Shared setup for the Staking tests: real TAO and Emission, the mock registry, Staking as the
/// Emission receiver and this test contract as the settlement.
abstract contract StakingFixture is TestBase {
    EmissionHarness internal emission;
    IERC20 internal tao;
    MockRegistryForStaking internal registry;
    Staking internal staking;

    uint256 internal constant LOCK = 1000e9;
    uint256 internal constant NO_LIMIT = type(uint256).max;
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA401);
    address internal constant HOT1 = address(0x1001);
    address internal constant HOT2 = address(0x1002);
    address internal constant COLD1 = address(0xC001);
    address internal constant COLD2 = address(0xC002);
    address internal constant OWNER_COLD = address(0x0C01D);
    address internal constant OWNER_HOT = address(0x0407);

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        emission = new EmissionHarness(address(this), 0);
        tao = IERC20(address(emission.tao()));
        registry = new MockRegistryForStaking(emission.tao());
        staking = new Staking(emission, registry, new StakingEmissionModule(emission, registry), address(this));
        registry.setStaking(IStakingHooks(address(staking)));
        emission.setReceiver(address(staking));
        staking.setSettlement(address(this));
        _warpSlots(10); // slot 0 reads as "not started" in the registry's emissionStartSlot
        emission.seedIssuance(address(registry), 100_000e9);
        registry.bind(HOT1, COLD1);
        registry.bind(HOT2, COLD2);
        _fund(ALICE, 100_000e9);
        _fund(BOB, 100_000e9);
        _fund(CAROL, 100_000e9);
        // Mint the slots so far (to no subnet yet): every trade mints the slots before it first
        // (Staking._accrue), and the tests' quotes are of pools with nothing pending.
        emission.coinbase();
    }

    function _fund(address who, uint256 amount) internal {
        emission.seedIssuance(who, amount);
        vm.prank(who);
        tao.approve(address(staking), type(uint256).max);
    }

    /// @dev Creates `netuid` with the default lock and starts its emission at the current slot.
    function _createStarted(uint16 netuid) internal {
        registry.createSubnet(netuid, LOCK, OWNER_COLD, OWNER_HOT);
        registry.startSubnet(netuid, staking.currentSlot());
    }

    function _stake(address who, uint16 netuid, address hotkey, uint256 amount) internal returns (uint256 alphaOut) {
        vm.prank(who);
        (alphaOut, ) = staking.stake(netuid, hotkey, amount, NO_LIMIT, false, block.timestamp);
    }

    function _unstake(address who, uint16 netuid, address hotkey, uint256 alpha) internal returns (uint256 taoOut) {
        vm.prank(who);
        (taoOut, ) = staking.unstake(netuid, hotkey, alpha, 0, false, block.timestamp);
    }

    function _alphaOf(uint16 netuid, address hotkey, address coldkey) internal view returns (uint256 alpha) {
        (, alpha, ) = staking.position(netuid, hotkey, coldkey);
    }

    function _warpSlots(uint256 slots) internal {
        vm.warp(block.timestamp + slots * 12);
    }

    /// @dev TAO the ledger accounts for: pools + root stake + unclaimed dissolved pots + protocol reserve.
    function _accountedTao() internal view returns (uint256 total) {
        uint16[] memory ids = staking.subnets();
        for (uint256 i; i < ids.length; ++i) {
            total += staking.pool(ids[i]).taoReserve;
        }
        (uint256 root, uint256 unclaimed, uint256 protocol) = staking.ledger();
        total += root + unclaimed + protocol;
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        assertLe(b, a, what);
    }

    function assertEqInt(int256 a, int256 b, string memory what) internal pure {
        assertTrue(a == b, what);
    }

    function assertApprox(uint256 a, uint256 b, uint256 tolerance, string memory what) internal pure {
        uint256 d = a > b ? a - b : b - a;
        assertLe(d, tolerance, what);
    }
}
