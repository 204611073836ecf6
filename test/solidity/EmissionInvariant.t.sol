// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase, Vm} from "./Vm.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {HalvingHarness} from "../../contracts/harness/HalvingHarness.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {HalvingMath} from "../../contracts/libraries/HalvingMath.sol";

/// @notice Random actions for the invariant run: time passes, anyone calls coinbase, holders recycle TAO.
contract EmissionHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    EmissionHarness public immutable emission;
    HalvingHarness internal immutable model = new HalvingHarness();
    uint256 public modelIssuance;

    constructor(EmissionHarness emission_) {
        emission = emission_;
        modelIssuance = emission_.tao().issuance();
    }

    function warpAndCoinbase(uint256 dt) external {
        vm.warp(block.timestamp + (dt % 200_000_000));
        uint64 before = emission.lastMintedSlot();
        emission.coinbase();
        modelIssuance += model.emissionOver(modelIssuance, emission.lastMintedSlot() - before);
    }

    function coinbaseAgain() external {
        uint256 minted = emission.coinbase();
        require(minted == 0, "second coinbase in a slot minted");
    }

    function recycle(uint256 amount) external {
        uint256 held = IERC20(address(emission.tao())).balanceOf(address(this));
        if (held == 0) return;
        amount = (amount % held) + 1;
        emission.tao().burn(amount);
        modelIssuance -= amount;
    }
}

contract EmissionInvariantTest is TestBase {
    EmissionHandler internal handler;
    EmissionHarness internal emission;

    function setUp() public {
        emission = new EmissionHarness(address(this), 0);
        // Start just below the third halving so that runs cross thresholds and approach the cap.
        emission.seedIssuance(address(this), 18_000_000e9);
        handler = new EmissionHandler(emission);
        IERC20(address(emission.tao())).transfer(address(handler), 1_000_000e9);
        targetContract(address(handler));
    }

    function invariant_supplyNeverPassesCap() public view {
        assertLe(emission.tao().issuance(), HalvingMath.MAX_SUPPLY, "supply <= 21M");
    }

    function invariant_supplyMatchesModel() public view {
        assertEq(emission.tao().issuance(), handler.modelIssuance(), "issuance vs model");
    }
}
