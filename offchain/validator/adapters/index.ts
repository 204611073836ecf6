/** The validator's production adapters: viem chain access, weights codec, epoch worker, dendrite. */
export { createChainPort, type ChainPortOptions, type ViemChainPort } from "./chainPort.js";
export { readMetagraphRows, METAGRAPH_PAGE, type RegistryRow } from "./metagraphRows.js";
export { protocolAddresses, type ProtocolAddresses, type ProtocolDeployment, type Wallet } from "./protocol.js";
export { createDendriteQuery, type ChainAxon, type DendritePool } from "./queryFn.js";
export { createSettlementPort, type SettlementPortOptions, type WorkerSettlementPort } from "./settlementPort.js";
export { createWeightsCodec } from "./weightsCodec.js";
