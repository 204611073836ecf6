// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {MockStakingForRegistry} from "../../contracts/harness/MockStakingForRegistry.sol";
import {MockPermitsForRegistry} from "../../contracts/harness/MockPermitsForRegistry.sol";
import {SubnetRegistry} from "../../contracts/SubnetRegistry.sol";
import {ISubnetRegistry, ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Shared deployment and helpers of the registry tests: Emission (1M TAO seeded to the test contract),
/// the registry at one address (ISubnetRegistry), mocks for Staking and Permits.
abstract contract RegistryFixture is TestBase {
    EmissionHarness internal emission;
    IERC20 internal tao;
    ISubnetRegistry internal reg;
    MockStakingForRegistry internal staking;
    MockPermitsForRegistry internal permits;
    uint256 internal genesis;

    uint256 internal constant TAO = 1e9;
    uint256 internal constant OWNER_PK = 0xA11CE;
    address internal owner1; // coldkey of the first subnet
    address internal ownerHotkey1; // its owner hotkey (self-consenting)

    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    function _deploy() internal {
        vm.warp(1_800_000_000);
        emission = new EmissionHarness(address(this), 0);
        genesis = emission.genesisTime();
        emission.seedIssuance(address(this), 5_000_000 * TAO);
        tao = IERC20(address(emission.tao()));
        reg = ISubnetRegistry(address(new SubnetRegistry(address(this), emission)));
        staking = new MockStakingForRegistry(tao);
        staking.setRegistry(address(reg));
        permits = new MockPermitsForRegistry();
        reg.setStaking(address(staking));
        reg.setPermits(address(permits));
        tao.approve(address(reg), type(uint256).max);
        owner1 = vm.addr(OWNER_PK);
        ownerHotkey1 = owner1;
    }

    // --- clock ---

    function _slot() internal view returns (uint64) {
        return uint64((block.timestamp - genesis) / 12);
    }

    function _warpSlots(uint256 n) internal {
        vm.warp(block.timestamp + n * 12);
    }

    function _toSlot(uint256 s) internal {
        vm.warp(genesis + s * 12);
    }

    // --- accounts ---

    function _fund(address a, uint256 amount) internal {
        tao.transfer(a, amount);
        vm.prank(a);
        tao.approve(address(reg), type(uint256).max);
    }

    /// @dev A self-owned neuron account (hotkey = coldkey), funded.
    function _account(uint256 i) internal returns (address a) {
        a = address(uint160(0xA0000 + i));
        _fund(a, 10_000 * TAO);
    }

    /// @dev Creates a subnet owned by `coldkey` with itself as owner hotkey.
    function _create(address coldkey) internal returns (uint16 netuid) {
        if (tao.allowance(coldkey, address(reg)) == 0) _fund(coldkey, 1000 * TAO);
        vm.prank(coldkey);
        netuid = reg.createSubnet(coldkey, type(uint256).max, "");
    }

    function _registerSelf(uint16 netuid, address hotkey) internal returns (uint16 uid) {
        vm.prank(hotkey);
        uid = reg.register(netuid, hotkey, type(uint256).max, "");
    }

    /// @dev Makes network settings cheap for tests that create many subnets.
    function _cheapNetwork() internal {
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.NetworkRateLimit, 0);
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.LockReductionInterval, 1);
    }

    // --- EIP-712, computed independently of the registry ---

    function _domain() internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256("SubnetRegistry"), keccak256("1"), block.chainid, address(reg))
            );
    }

    /// @dev A hotkey's consent to registration on the current life (generation) of `netuid`. Reads the registry:
    /// call it before `vm.prank` / `vm.expectRevert`, not in the arguments of the call they apply to.
    function _registerSig(
        uint256 pk,
        address coldkey,
        uint16 netuid,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes memory) {
        return _registerSigAt(pk, coldkey, netuid, reg.generation(netuid), nonce, deadline);
    }

    /// @dev A hotkey's consent to registration on life `gen` of `netuid`: deadline ‖ generation ‖ signature.
    function _registerSigAt(
        uint256 pk,
        address coldkey,
        uint16 netuid,
        uint32 gen,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes memory) {
        return _registerSigFor(pk, vm.addr(pk), coldkey, netuid, gen, nonce, deadline);
    }

    /// @dev The consent of `hotkey` (an ERC-1271 wallet whose signer is `pk`, or `pk`'s own address), signed by `pk`.
    function _registerSigFor(
        uint256 pk,
        address hotkey,
        address coldkey,
        uint16 netuid,
        uint32 gen,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Register(address hotkey,address coldkey,uint16 netuid,uint32 generation,uint64 nonce,uint64 deadline)"
                ),
                hotkey,
                coldkey,
                netuid,
                gen,
                nonce,
                deadline
            )
        );
        return abi.encodePacked(deadline, gen, _sign(pk, structHash));
    }

    function _createSig(
        uint256 pk,
        address coldkey,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes memory) {
        return _createSigFor(pk, vm.addr(pk), coldkey, nonce, deadline);
    }

    /// @dev `hotkey`'s consent to be the owner hotkey of a subnet `coldkey` creates, signed by `pk`.
    function _createSigFor(
        uint256 pk,
        address hotkey,
        address coldkey,
        uint64 nonce,
        uint64 deadline
    ) internal view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("CreateSubnet(address hotkey,address coldkey,uint64 nonce,uint64 deadline)"),
                hotkey,
                coldkey,
                nonce,
                deadline
            )
        );
        return abi.encodePacked(deadline, _sign(pk, structHash));
    }

    /// @dev The 65-byte ECDSA signature (r ‖ s ‖ v) of the EIP-712 digest of `structHash`.
    function _sign(uint256 pk, bytes32 structHash) private view returns (bytes memory) {
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", _domain(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    // --- assertions ---

    function assertEqAddr(address a, address b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": addresses differ"));
    }

    function assertFalse(bool c, string memory what) internal pure {
        if (c) revert(what);
    }
}
