// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RegistryFixture} from "./RegistryFixture.t.sol";
import {ISubnetRegistry, ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";
import {ISubnetRegistryView} from "../../contracts/interfaces/ISubnetRegistryView.sol";
import {IWeightsContext} from "../../contracts/interfaces/IWeightsContext.sol";
import {MockLastUpdateForRegistry} from "../../contracts/harness/MockLastUpdateForRegistry.sol";

/// @notice Axon endpoints, the weights context, last updates (read from Weights) and the metagraph view.
contract RegistryAxonTest is RegistryFixture {
    uint16 internal constant NET = 1;
    address internal miner;

    function setUp() public {
        _deploy();
        _create(owner1);
        miner = _account(1);
        _registerSelf(NET, miner);
    }

    function _serve(string memory endpoint) internal {
        vm.prank(miner);
        reg.serveAxon(NET, endpoint, 1, 42);
    }

    function _eq(string memory a, string memory b) internal pure returns (bool) {
        return keccak256(bytes(a)) == keccak256(bytes(b));
    }

    function test_serveAndReadBack() public {
        string[5] memory ok = [
            "http://1.2.3.4:8091",
            "https://255.255.255.255:65535",
            "https://miner-17.example.com:443",
            "http://[2001:db8::1]:8080",
            "http://a:1"
        ];
        for (uint256 i; i < ok.length; ++i) {
            _warpSlots(50);
            _serve(ok[i]);
            ISubnetRegistry.Axon memory a = reg.axonOf(NET, 1);
            assertTrue(_eq(a.endpoint, ok[i]), string.concat("round trip: ", a.endpoint));
            assertEq(a.protocol, 1, "protocol");
            assertEq(a.version, 42, "version");
            assertEq(a.servedSlot, _slot(), "served slot");
        }
        // A long host (253 bytes) is stored separately and read back whole.
        bytes memory host = new bytes(253);
        for (uint256 i; i < 253; ++i) {
            host[i] = bytes1(uint8(97 + (i % 26)));
        }
        string memory longEp = string.concat("https://", string(host), ":9000");
        _warpSlots(50);
        _serve(longEp);
        assertTrue(_eq(reg.axonOf(NET, 1).endpoint, longEp), "long host");
        // Back to a short one: the inline form wins again.
        _warpSlots(50);
        _serve("http://9.9.9.9:1");
        assertTrue(_eq(reg.axonOf(NET, 1).endpoint, "http://9.9.9.9:1"), "short after long");
    }

    function test_invalidEndpoints() public {
        _expectBad("ftp://1.2.3.4:21", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointSchemeInvalid.selector));
        _expectBad("HTTP://1.2.3.4:21", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointSchemeInvalid.selector));
        _expectBad("http:/x:1", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointSchemeInvalid.selector));
        _expectBad("http://:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 7));
        _expectBad("http://a_b:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 8));
        _expectBad("http://a b:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 8));
        _expectBad("http://[]:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 8));
        _expectBad("http://[::1:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 14));
        _expectBad("http://[::g]:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 10));
        _expectBad("http://1.2.3.4", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 14));
        _expectBad("http://1.2.3.4:", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 14));
        _expectBad("http://1.2.3.4:0", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 14));
        _expectBad("http://1.2.3.4:080", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 14));
        _expectBad(
            "http://1.2.3.4:123456",
            abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 14)
        );
        _expectBad(
            "http://1.2.3.4:80/x",
            abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 17)
        );
        _expectBad("http://1.2.3.4:8a", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 16));
        _expectBad("http://[::1]x:80", abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortInvalid.selector, 12));
        _expectBad(
            "http://1.2.3.4:65536",
            abi.encodeWithSelector(ISubnetRegistryTypes.EndpointPortOutOfRange.selector, 65_536)
        );
        bytes memory host = new bytes(254);
        for (uint256 i; i < 254; ++i) {
            host[i] = "a";
        }
        _expectBad(
            string.concat("http://", string(host), ":1"),
            abi.encodeWithSelector(ISubnetRegistryTypes.EndpointHostInvalid.selector, 7)
        );
        bytes memory huge = new bytes(268);
        _expectBad(string(huge), abi.encodeWithSelector(ISubnetRegistryTypes.EndpointTooLong.selector, 268, 267));
        assertEq(reg.axonOf(NET, 1).servedSlot, 0, "nothing stored");
    }

    function _expectBad(string memory endpoint, bytes memory err) internal {
        vm.prank(miner);
        vm.expectRevert(err);
        reg.serveAxon(NET, endpoint, 1, 1);
    }

    function test_servingRateLimitAndRegistration() public {
        _serve("http://1.2.3.4:1");
        uint64 next = _slot() + 50;
        vm.prank(miner);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.ServingRateLimited.selector, next));
        reg.serveAxon(NET, "http://1.2.3.4:2", 1, 1);
        _toSlot(next);
        _serve("http://1.2.3.4:2");
        address stranger = address(0x7777);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NotRegistered.selector, NET, stranger));
        reg.serveAxon(NET, "http://1.2.3.4:2", 1, 1);
        vm.prank(miner);
        vm.expectRevert(ISubnetRegistryTypes.RootSubnet.selector);
        reg.serveAxon(0, "http://1.2.3.4:2", 1, 1);
    }

    function test_lastUpdateComesFromWeights() public {
        _warpSlots(20);
        address v = _account(2);
        assertEq(_registerSelf(NET, v), 2, "uid 2");
        uint64 reg2 = reg.registrationSlot(NET, 2);
        assertEq(reg.lastUpdate(NET, 2), reg2, "no Weights contract yet: the registration slot");
        MockLastUpdateForRegistry w = new MockLastUpdateForRegistry();
        reg.setWeightsContract(address(w));
        assertEq(reg.lastUpdate(NET, 2), reg2, "never updated: the registration slot");
        w.setLastUpdate(NET, v, reg2 - 1);
        assertEq(reg.lastUpdate(NET, 2), reg2, "an update from before this registration does not count");
        _warpSlots(10);
        w.setLastUpdate(NET, v, _slot());
        assertEq(reg.lastUpdate(NET, 2), _slot(), "read from Weights");
        assertEq(reg.lastUpdate(NET, 1), reg.registrationSlot(NET, 1), "others untouched");
        w.setLastUpdate(NET + 1, miner, _slot());
        assertEq(reg.lastUpdate(NET, 1), reg.registrationSlot(NET, 1), "keyed by netuid");
        ISubnetRegistry.NeuronInfo[] memory rows = reg.metagraph(NET, 1, 2);
        assertTrue(rows[0].lastUpdate == reg.registrationSlot(NET, 1) && rows[1].lastUpdate == _slot(), "metagraph");
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.UidNotFound.selector, NET, uint16(3)));
        reg.lastUpdate(NET, 3);
    }

    function test_weightsContext() public {
        IWeightsContext.WeightsContext memory c = reg.weightsContext(NET, miner, _slot(), true);
        assertTrue(c.registered && c.uid == 1 && !c.ownerHotkey && c.neuronCount == 2, "miner: uid 1 of 2");
        assertEq(c.generation, reg.generation(NET), "the subnet's life");
        assertTrue(c.commitRevealEnabled && c.revealPeriodEpochs == 1, "defaults: commit-reveal, period 1");
        assertTrue(c.weightsRateLimit == 100 && c.minAllowedWeights == 1 && c.maxWeightLimit == 65535, "defaults");
        assertEq(c.weightsVersionKey, 0, "default version key");
        (uint64 epoch, uint64 start, ) = reg.epochAt(NET, _slot());
        assertEq(c.epoch, epoch, "epoch of the slot");
        _toSlot(start + 360 * 3 + 5);
        assertEq(reg.weightsContext(NET, miner, _slot(), true).epoch, epoch + 3, "epoch follows the slot");
        c = reg.weightsContext(NET, miner, _slot(), false);
        assertTrue(c.registered && c.uid == 1 && c.neuronCount == 0 && c.epoch == epoch + 3, "no count unless asked");
        c = reg.weightsContext(NET, ownerHotkey1, _slot(), true);
        assertTrue(c.registered && c.uid == 0 && c.ownerHotkey, "owner hotkey at uid 0");
        address stranger = address(0x7777);
        c = reg.weightsContext(NET, stranger, _slot(), true);
        assertTrue(!c.registered && c.uid == 0 && !c.ownerHotkey && c.epoch == 0 && c.neuronCount == 2, "stranger");

        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MinAllowedWeights, 7);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxWeightLimit, 30_000);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.WeightsRateLimit, 12);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.WeightsVersionKey, 99);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.CommitRevealEnabled, 0);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.RevealPeriodEpochs, 4);
        c = reg.weightsContext(NET, miner, _slot(), true);
        ISubnetRegistryView.Hyperparams memory hp = reg.hyperparams(NET);
        assertTrue(
            c.minAllowedWeights == hp.minAllowedWeights &&
                c.maxWeightLimit == hp.maxWeightLimit &&
                c.weightsRateLimit == hp.weightsRateLimit &&
                c.weightsVersionKey == hp.weightsVersionKey &&
                c.commitRevealEnabled == hp.commitRevealEnabled &&
                c.revealPeriodEpochs == hp.revealPeriodEpochs,
            "same values as hyperparams()"
        );
        assertTrue(c.minAllowedWeights == 7 && c.maxWeightLimit == 30_000 && c.weightsVersionKey == 99, "changed");
        assertTrue(!c.commitRevealEnabled && c.revealPeriodEpochs == 4 && c.weightsRateLimit == 12, "changed");
        assertTrue(c.registered && c.neuronCount == 2 && c.epoch == 0, "commit-reveal off: no epoch read");

        c = reg.weightsContext(0, miner, _slot(), true);
        assertTrue(!c.registered && c.neuronCount == 0 && c.commitRevealEnabled, "root: defaults, no neurons");
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetNotFound.selector, uint16(9)));
        reg.weightsContext(9, miner, _slot(), true);
        _warpSlots(28_800); // the network rate limit on subnet creation
        address owner2 = _account(9);
        uint16 net2 = _create(owner2);
        uint64 created = reg.subnetRegisteredSlot(net2);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SlotBeforeSubnet.selector, created - 1, created));
        reg.weightsContext(net2, owner2, created - 1, false);
    }

    function test_metagraphPage() public {
        for (uint256 i = 2; i <= 9; ++i) {
            _registerSelf(NET, _account(i));
        }
        _serve("http://5.6.7.8:9");
        staking.setStakeWeight(NET, miner, 777);
        // Before the first finalised epoch only the owner's uid 0 holds a permit.
        ISubnetRegistry.NeuronInfo[] memory rows = reg.metagraph(NET, 0, 100);
        assertEq(rows.length, 10, "clipped to the neuron count");
        assertTrue(rows[0].permit && !rows[1].permit, "bootstrap permits");
        assertTrue(rows[0].immune && rows[1].immune, "owner and new neurons immune");
        for (uint256 i; i < rows.length; ++i) {
            assertEq(rows[i].uid, i, "uid order");
            assertEqAddr(rows[i].hotkey, reg.hotkeyAt(NET, uint16(i)), "hotkey");
            assertEqAddr(rows[i].coldkey, reg.coldkeyOf(rows[i].hotkey), "coldkey");
            assertEq(rows[i].registrationSlot, reg.registrationSlot(NET, uint16(i)), "registration slot");
        }
        assertTrue(_eq(rows[1].axon.endpoint, "http://5.6.7.8:9"), "axon");
        assertEq(rows[1].axon.version, 42, "axon version");
        assertEq(rows[1].stakeWeight, 777, "stake weight from staking");
        // Finalised permits: the bitmap.
        permits.setPermits(NET, (1 << 3) | (1 << 7), true);
        _warpSlots(5000);
        rows = reg.metagraph(NET, 3, 5);
        assertEq(rows.length, 5, "page");
        assertEq(rows[0].uid, 3, "offset");
        assertTrue(rows[0].permit && !rows[1].permit && rows[4].permit, "permit bits 3 and 7");

        assertFalse(rows[0].immune, "past immunity");
        rows = reg.metagraph(NET, 10, 5);
        assertEq(rows.length, 0, "past the end");
        rows = reg.metagraph(NET, 8, 5);
        assertEq(rows.length, 2, "tail");
        // A hotkey registered at a permitted uid after the permits' epoch closed does not hold that permit.
        assertEq(_registerSelf(NET, _account(10)), 10, "uid 10, registered now");
        permits.setPermits(NET, (1 << 3) | (1 << 10), true);
        permits.setPermitsClose(NET, reg.registrationSlot(NET, 10) - 1);
        rows = reg.metagraph(NET, 3, 8);
        assertTrue(rows[0].permit, "uid 3 held the uid when the permits closed");
        assertFalse(rows[7].permit, "uid 10 registered after the permits' close");
    }
}
