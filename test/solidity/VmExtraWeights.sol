// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @notice Cheatcodes the weights tests use beyond test/solidity/Vm.sol (Hardhat 3 / EDR implements them).
interface VmExtraWeights {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
}
