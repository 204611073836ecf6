// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RegistryFixture} from "./RegistryFixture.t.sol";
import {PruningModel} from "./RegistryPruning.t.sol";
import {ISubnetRegistry, ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";

contract ZyPruneFuzzTest is RegistryFixture, PruningModel {
    uint16 internal constant NET = 1;

    function setUp() public {
        _deploy();
        _create(owner1);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxValidators, 1);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, 4);
    }

    function testFuzz_dynamicParams(uint256 seed) public {
        uint256 immunity = seed % 25;
        uint256 maxUids = 4;
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, immunity);
        uint256 next;
        for (uint256 step; step < 60; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 action = r % 12;
            if (action < 5) {
                address a = _account(++next);
                uint256 n = reg.neuronCount(NET);
                if (n < maxUids) {
                    assertEq(_registerSelf(NET, a), n, "append");
                    _modelRegistered(n);
                } else {
                    (bool found, uint16 expected) = _modelCandidate(reg, NET, _slot(), immunity);
                    (bool vFound, uint16 vUid) = reg.pruneCandidate(NET);
                    assertTrue(vFound == found && (!found || vUid == expected), "view agrees");
                    if (found) {
                        assertEq(_registerSelf(NET, a), expected, "argmin");
                        _modelRegistered(expected);
                    }
                }
            } else if (action < 8) {
                _warpSlots((r >> 8) % (action == 7 ? 30 : 4));
            } else if (action == 8) {
                uint256 n = reg.neuronCount(NET);
                for (uint256 uid = 1; uid < n; ++uid) {
                    permits.setLastEmission(NET, uint16(uid), (r >> (8 + 2 * uid)) % 3);
                }
                reg.syncPruningScores(NET);
                _modelSync(n, permits, NET);
            } else if (action == 9) {
                immunity = (r >> 8) % 25;
                reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, immunity);
            } else if (action == 10) {
                if (maxUids < 14) {
                    maxUids += 1 + (r >> 8) % 3;
                    reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, maxUids);
                }
            } else {
                // same-slot burst
                for (uint256 k; k < 3; ++k) {
                    address a = _account(++next);
                    uint256 n = reg.neuronCount(NET);
                    if (n < maxUids) {
                        _registerSelf(NET, a);
                        _modelRegistered(n);
                    } else {
                        (bool found, uint16 expected) = _modelCandidate(reg, NET, _slot(), immunity);
                        if (!found) break;
                        assertEq(_registerSelf(NET, a), expected, "argmin burst");
                        _modelRegistered(expected);
                    }
                }
            }
            assertTrue(_denseAndUnique(reg, NET), "dense");
        }
    }
}
