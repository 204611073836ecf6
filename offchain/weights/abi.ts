import { parseAbi } from "viem";

/**
 * The part of `Weights` (contracts/interfaces/IWeights.sol) the off-chain code uses, typed for viem. A test
 * checks every item against the compiled artifact, so a change to the contract cannot drift silently.
 */
export const weightsAbi = parseAbi([
  "event WeightsSet(uint16 indexed netuid, uint16 indexed uid, address indexed hotkey, uint64 slot, bytes32 weightsHash, bytes packedWeights)",
  "event WeightsCommitted(uint16 indexed netuid, uint16 indexed uid, address indexed hotkey, bytes32 commitHash, uint64 commitEpoch, uint64 slot)",
  "event WeightsRevealed(uint16 indexed netuid, address indexed hotkey, bytes32 commitHash, uint64 commitEpoch, uint256 popped)",
  "function commitWeights(uint16 netuid, bytes32 commitHash)",
  "function revealWeights(uint16 netuid, bytes packedWeights, bytes32 salt, uint64 versionKey)",
  "function setWeights(uint16 netuid, bytes packedWeights, uint64 versionKey)",
  "function registry() view returns (address)",
  "function genesisTime() view returns (uint256)",
  "function weightsHashOf(uint16 netuid, address hotkey) view returns (bytes32)",
  "function weightsOf(uint16 netuid, address hotkey) view returns (bytes32 weightsHash, uint16 uid, uint64 slot)",
  "function pendingCommits(uint16 netuid, address hotkey) view returns (bytes32[] commitHashes, uint64[] commitEpochs)",
  "function commitHashOf(address hotkey, uint16 netuid, bytes packedWeights, bytes32 salt, uint64 versionKey) pure returns (bytes32)",
]);

/** The registry views the matrix rebuild reads (contracts/interfaces/ISubnetRegistryView.sol). */
export const registryViewAbi = parseAbi([
  "function hotkeyAt(uint16 netuid, uint16 uid) view returns (address)",
  "function registrationSlot(uint16 netuid, uint16 uid) view returns (uint64)",
]);
