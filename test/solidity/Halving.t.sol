// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {HalvingHarness} from "../../contracts/harness/HalvingHarness.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {HalvingMath} from "../../contracts/libraries/HalvingMath.sol";
import {ITAO} from "../../contracts/interfaces/ITAO.sol";

contract HalvingTest is TestBase {
    HalvingHarness internal h = new HalvingHarness();
    uint256 internal constant MAX = HalvingMath.MAX_SUPPLY;

    function testFuzz_piecewiseEqualsSlotBySlot(uint256 issuance, uint256 slots) public view {
        // Anywhere on the curve, biased towards halving thresholds half of the time.
        if (issuance % 2 == 0) {
            uint256 k = bound(issuance >> 8, 1, 31);
            uint256 t = MAX - (MAX >> k);
            issuance = t - bound(issuance >> 16, 0, 3e9);
        } else {
            issuance = bound(issuance, 0, MAX);
        }
        slots = bound(slots, 0, 300);
        assertEq(h.emissionOver(issuance, slots), h.emissionSlotBySlot(issuance, slots), "piecewise vs slot-by-slot");
    }

    function testFuzz_splitCallsCompose(uint256 issuance, uint256 a, uint256 b) public view {
        issuance = bound(issuance, 0, MAX);
        a = bound(a, 0, 50_000_000);
        b = bound(b, 0, 50_000_000);
        uint256 first = h.emissionOver(issuance, a);
        uint256 second = h.emissionOver(issuance + first, b);
        assertEq(first + second, h.emissionOver(issuance, a + b), "two calls vs one");
        assertLe(issuance + first + second, MAX, "cap");
    }

    function testFuzz_coinbaseSequenceNeverPassesCap(uint256 seed, uint256 start, uint8 calls) public {
        EmissionHarness e = new EmissionHarness(address(this), 0);
        ITAO tao = e.tao();
        start = bound(start, 0, MAX - 1);
        if (start > 0) e.seedIssuance(address(this), start);
        uint256 t = block.timestamp;
        uint256 expected = start;
        for (uint256 i; i < calls; ++i) {
            uint256 dt = uint256(keccak256(abi.encode(seed, i))) % 4_000_000_000; // up to ~1,500 years per step
            t += dt;
            vm.warp(t);
            uint64 before = e.lastMintedSlot();
            e.coinbase();
            expected += h.emissionOver(expected, e.lastMintedSlot() - before);
            assertEq(tao.issuance(), expected, "issuance vs piecewise model");
            assertLe(tao.issuance(), MAX, "cap");
        }
    }
}
