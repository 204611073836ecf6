/** The miner: config, chain interface, Ollama backend, start-up and serving. */
export { runMiner, type MinerDeps, type RunningMiner } from "./runMiner.js";
export {
  parseMinerConfig,
  minerConfigSchema,
  externalEndpoint,
  LOCAL_NETWORKS,
  type MinerConfig,
  type MinerConfigInput,
} from "./config.js";
export type { MinerChain, RegistrationReceipt, ServeReceipt } from "./minerChain.js";
export { OllamaBackend, type OllamaBackendOptions } from "./ollamaBackend.js";
export { BurnTooHighError, NotRegisteredError, ensureRegistered } from "./registration.js";
export { SelfCheckError, checkEndpoint } from "./selfCheck.js";
export { parseTao, formatTao, RAO_PER_TAO } from "./tao.js";
