/** The miner: config, chain interface, Ollama backend, start-up and serving. */
export { runMiner, type MinerDeps, type RunningMiner } from "./runMiner.js";
export {
  parseMinerConfig,
  minerConfigSchema,
  externalEndpoint,
  type MinerConfig,
  type MinerConfigInput,
} from "./config.js";
/** Networks where the axon may publish a loopback endpoint and the built-in fake Ollama may answer. */
export { isLocalNetwork, LOCAL_NETWORKS } from "../chain/client.js";
export { ServingRateLimitedError, type MinerChain, type RegistrationReceipt, type ServeReceipt } from "./minerChain.js";
export { MAX_ENDPOINT_LENGTH, isLoopbackOrUnroutable, parseAxonEndpoint, type AxonEndpointParts } from "./endpoint.js";
export { publishAxon, type AxonPublication, type PublicationState, type PublishAxonOptions } from "./publishAxon.js";
export { OllamaBackend, type OllamaBackendOptions } from "./ollamaBackend.js";
export { BurnTooHighError, HotkeyHasNoGasError, NotRegisteredError, ensureRegistered } from "./registration.js";
export { SelfCheckError, checkEndpoint } from "./selfCheck.js";
export { parseTao, formatTao, RAO_PER_TAO } from "../util/rao.js";
