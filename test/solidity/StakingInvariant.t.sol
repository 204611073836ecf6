// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase, Vm} from "./Vm.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {MockRegistryForStaking} from "../../contracts/harness/MockRegistryForStaking.sol";
import {Staking} from "../../contracts/Staking.sol";
import {StakingEmissionModule} from "../../contracts/StakingEmissionModule.sol";
import {IStakingTypes} from "../../contracts/interfaces/IStaking.sol";
import {IStakingHooks} from "../../contracts/interfaces/IStakingHooks.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Random users, time, coinbases, settlement credits, registration burns and subnet dissolutions
/// against the real Staking, TAO and Emission. The handler is the settlement. Reverts of individual actions
/// (floors, minimums, limits) are expected and swallowed; the invariants are checked after every call.
contract StakingHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    EmissionHarness public immutable emission;
    MockRegistryForStaking public immutable registry;
    Staking public immutable staking;
    IERC20 public immutable tao;
    bool public immutable withEmission;

    address[5] public coldkeys = [address(0xA11CE), address(0xB0B), address(0xCA401), address(0xC001), address(0xC002)];
    address[2] public hotkeys = [address(0x1001), address(0x1002)];
    uint16[3] public netuids = [uint16(0), uint16(1), uint16(2)];

    /// @dev k of each subnet's current generation after the last action; a fall sets `kFell`.
    mapping(uint16 => mapping(uint24 => uint256)) public lastK;
    bool public kFell;
    /// @dev Net user TAO into each subnet's pool (stakes and move legs minus unstakes), trading-only runs.
    mapping(uint16 => int256) public netTaoIn;
    uint256 public calls;

    constructor(EmissionHarness emission_, MockRegistryForStaking registry_, Staking staking_, bool withEmission_) {
        emission = emission_;
        registry = registry_;
        staking = staking_;
        tao = IERC20(address(emission_.tao()));
        withEmission = withEmission_;
    }

    function stake(uint256 who, uint256 net, uint256 hot, uint256 amount) external {
        address c = coldkeys[who % 3];
        uint16 n = netuids[net % 3];
        amount = 2e6 + (amount % 200e9);
        vm.prank(c);
        try staking.stake(n, hotkeys[hot % 2], amount, type(uint256).max, false, block.timestamp) returns (
            uint256,
            uint256 used
        ) {
            netTaoIn[n] += int256(used);
        } catch {}
        _after();
    }

    function stakeAtLimit(uint256 who, uint256 net, uint256 amount, uint256 bps) external {
        uint16 n = 1 + uint16(net % 2);
        address c = coldkeys[who % 3];
        amount = 2e6 + (amount % 500e9);
        uint256 limit = ((staking.spotPrice(n) / 1e9) * (10_000 + (bps % 500))) / 10_000;
        vm.prank(c);
        try staking.stake(n, hotkeys[0], amount, limit, true, block.timestamp) returns (uint256, uint256 used) {
            netTaoIn[n] += int256(used);
            // The fill never takes the price past the limit.
            IStakingTypes.PoolView memory p = staking.pool(n);
            require((p.taoReserve * 1e9 + p.alphaReserve - 1) / p.alphaReserve <= limit, "limit passed");
        } catch {}
        _after();
    }

    function unstake(uint256 who, uint256 net, uint256 hot, uint256 fraction) external {
        address c = coldkeys[who % 5];
        uint16 n = netuids[net % 3];
        address h = hotkeys[hot % 2];
        (, uint256 alpha, ) = staking.position(n, h, c);
        if (alpha == 0) return;
        uint256 amount = fraction % 4 == 0 ? alpha : (alpha * (1 + (fraction % 100))) / 100;
        if (amount == 0) return;
        vm.prank(c);
        try staking.unstake(n, h, amount, 0, false, block.timestamp) returns (uint256 out, uint256) {
            netTaoIn[n] -= int256(out);
        } catch {}
        _after();
    }

    function move(uint256 who, uint256 fromNet, uint256 toNet, uint256 hot, uint256 fraction) external {
        address c = coldkeys[who % 3];
        uint16 a = netuids[fromNet % 3];
        uint16 b = netuids[toNet % 3];
        address h = hotkeys[hot % 2];
        (, uint256 alpha, ) = staking.position(a, h, c);
        uint256 amount = (alpha * (1 + (fraction % 100))) / 100;
        if (amount == 0) return;
        (uint256 taoMid, ) = a == b ? (0, 0) : staking.quoteUnstake(a, amount);
        vm.prank(c);
        try staking.moveStake(h, hotkeys[(hot + 1) % 2], a, b, amount, 0, block.timestamp) {
            if (a != b) {
                netTaoIn[a] -= int256(taoMid);
                netTaoIn[b] += int256(taoMid);
            }
        } catch {}
        _after();
    }

    function transfer(uint256 who, uint256 to, uint256 hot, uint256 fraction) external {
        address c = coldkeys[who % 3];
        address h = hotkeys[hot % 2];
        (, uint256 alpha, ) = staking.position(1, h, c);
        uint256 amount = (alpha * (1 + (fraction % 100))) / 100;
        if (amount == 0) return;
        vm.prank(c);
        try staking.transferStake(coldkeys[to % 5], h, 1, 1, amount, 0, block.timestamp) {} catch {}
        _after();
    }

    function coinbase(uint256 slots) external {
        if (!withEmission) return;
        vm.warp(block.timestamp + 12 * (1 + (slots % 400)));
        emission.coinbase();
        _after();
    }

    function credit(uint256 net, uint256 hot, uint256 amount) external {
        if (!withEmission) return;
        uint16 n = 1 + uint16(net % 2);
        IStakingTypes.PoolView memory p = staking.pool(n);
        if (!p.live || p.alphaPending == 0) return;
        uint256 total = 1 + (amount % p.alphaPending);
        uint256 incentive = (total * ((amount >> 128) % 101)) / 100; // 0-100% of it as incentive
        staking.creditEmission(n, hotkeys[hot % 2], incentive, total - incentive, staking.currentSlot());
        _after();
    }

    function burn(uint256 net, uint256 amount) external {
        if (!withEmission) return;
        uint16 n = 1 + uint16(net % 2);
        if (!staking.pool(n).live) return;
        registry.registrationBurn(n, 1 + (amount % 10e9));
        _after();
    }

    function dissolveAndRecreate(uint256 net) external {
        if (!withEmission) return;
        uint16 n = 1 + uint16(net % 2);
        if (!staking.pool(n).live) return;
        registry.dissolve(n);
        registry.createSubnet(n, 1000e9, address(0x0C01D), address(0x0407));
        registry.startSubnet(n, staking.currentSlot());
        _after();
    }

    function claim(uint256 who, uint256 net, uint256 hot) external {
        uint16 n = 1 + uint16(net % 2);
        vm.prank(coldkeys[who % 5]);
        try staking.claimDissolved(n, hotkeys[hot % 2]) {} catch {}
        _after();
    }

    function _after() internal {
        ++calls;
        for (uint16 n = 1; n <= 2; ++n) {
            IStakingTypes.PoolView memory p = staking.pool(n);
            if (!p.live) continue;
            uint256 k = p.taoReserve * p.alphaReserve;
            if (k < lastK[n][p.generation]) kFell = true;
            lastK[n][p.generation] = k;
        }
    }
}

abstract contract StakingInvariantBase is TestBase {
    EmissionHarness internal emission;
    MockRegistryForStaking internal registry;
    Staking internal staking;
    IERC20 internal tao;
    StakingHandler internal handler;
    uint256 internal t0;
    uint256 internal a0;
    uint256 internal protocol0; // protocol alpha at the start (the seed's), the same on both subnets

    function _deploy(bool withEmission) internal {
        vm.warp(1_700_000_000);
        emission = new EmissionHarness(address(this), 0);
        tao = IERC20(address(emission.tao()));
        registry = new MockRegistryForStaking(emission.tao());
        staking = new Staking(emission, registry, new StakingEmissionModule(emission, registry), address(this));
        registry.setStaking(IStakingHooks(address(staking)));
        emission.setReceiver(address(staking));
        vm.warp(block.timestamp + 120);
        emission.seedIssuance(address(registry), 1_000_000e9);
        registry.bind(address(0x1001), address(0xC001));
        registry.bind(address(0x1002), address(0xC002));
        for (uint16 n = 1; n <= 2; ++n) {
            registry.createSubnet(n, 1000e9, address(0x0C01D), address(0x0407));
            registry.startSubnet(n, staking.currentSlot());
        }
        // Mint the slots up to now: a trade would otherwise mint them first (Staking._accrue), which the
        // trading-only invariants must not count as trading.
        emission.coinbase();
        (t0, a0) = (staking.pool(1).taoReserve, staking.pool(1).alphaReserve);
        protocol0 = staking.pool(1).protocolAlpha;
        handler = new StakingHandler(emission, registry, staking, withEmission);
        staking.setSettlement(address(handler));
        for (uint256 i; i < 5; ++i) {
            address c = handler.coldkeys(i);
            emission.seedIssuance(c, 1_000_000e9);
            vm.prank(c);
            tao.approve(address(staking), type(uint256).max);
        }
        targetContract(address(handler));
    }

    /// @dev Every rao of TAO the contract holds is accounted: pools, root stake, unclaimed pots, reserve.
    function invariant_taoHeldEqualsLedger() public view {
        uint256 total;
        uint16[] memory ids = staking.subnets();
        for (uint256 i; i < ids.length; ++i) {
            total += staking.pool(ids[i]).taoReserve;
        }
        (uint256 root, uint256 unclaimed, uint256 protocol) = staking.ledger();
        assertEq(tao.balanceOf(address(staking)), total + root + unclaimed + protocol, "TAO held = ledger");
    }

    /// @dev Positions sum to their hotkey's shares, hotkeys sum to the subnet's staked alpha, and the value
    /// of the positions is the hotkey's total up to rounding dust in the pool's favour.
    function invariant_alphaAccounting() public view {
        for (uint16 n = 0; n <= 2; ++n) {
            uint256 hotkeySum;
            for (uint256 h; h < 2; ++h) {
                address hk = handler.hotkeys(h);
                (uint256 total, uint256 shares) = staking.hotkeyStake(n, hk);
                if (n == 0) {
                    // Root stake in the ledger also holds the root dividends still streaming (and what vested
                    // while nobody held the pool, which the next deposit makes protocol TAO).
                    (uint256 vested, uint256 unvested, ) = staking.rootDividends(hk);
                    hotkeySum += shares == 0 ? vested + unvested : unvested;
                }
                uint256 shareSum;
                uint256 valueSum;
                for (uint256 c; c < 5; ++c) {
                    (uint256 s, uint256 v, ) = staking.position(n, hk, handler.coldkeys(c));
                    shareSum += s;
                    valueSum += v;
                }
                assertEq(shareSum, shares, "positions' shares = hotkey shares");
                assertLe(valueSum, total, "positions' alpha <= hotkey total");
                assertLe(total - valueSum, 5, "dust below one rao per position");
                hotkeySum += total;
            }
            if (n == 0) {
                (uint256 root, , ) = staking.ledger();
                assertEq(hotkeySum, root, "root hotkeys = root stake");
            } else if (staking.pool(n).live) {
                assertEq(hotkeySum, staking.pool(n).alphaStaked, "hotkey totals = alpha staked");
            }
        }
    }

    function invariant_kNeverFalls() public view {
        assertTrue(!handler.kFell(), "k fell");
    }
}

/// @notice The whole system: emission, credits, burns, dissolution and reuse.
contract StakingInvariantTest is StakingInvariantBase {
    function setUp() public {
        _deploy(true);
    }
}

/// @notice Trading only (no emission): the users as a whole can never take out more TAO than they put in.
contract StakingTradingInvariantTest is StakingInvariantBase {
    function setUp() public {
        _deploy(false);
    }

    /// @dev Selling every staked alpha of a subnet back in one fee-free trade would return at most the net TAO
    /// the users put into it: k >= t0 * a0 and the alpha is conserved (reserve + staked + protocol = a0 + protocol0; moves between hotkeys
    /// turn their fee into protocol alpha).
    function invariant_noRoundTripProfit() public view {
        for (uint16 n = 1; n <= 2; ++n) {
            IStakingTypes.PoolView memory p = staking.pool(n);
            // Same-subnet move fees leave the stakers as protocol alpha.
            assertEq(p.alphaReserve + p.alphaStaked + p.protocolAlpha, a0 + protocol0, "alpha conserved");
            uint256 liquidation = (p.taoReserve * p.alphaStaked) / (p.alphaReserve + p.alphaStaked);
            int256 netIn = handler.netTaoIn(n);
            assertTrue(netIn >= 0 && liquidation <= uint256(netIn), "no profit from trading alone");
            assertEq(p.taoReserve, t0 + uint256(netIn), "pool TAO = seed + net user TAO");
        }
    }
}
