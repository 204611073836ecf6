/** The miner-side server of the axon protocol. */
export { createAxon, type Axon, type AxonDeps, type AxonMetrics, type AxonStats } from "./server.js";
export { BackendError, type Backend, type BackendContext } from "./backend.js";
export { axonConfigSchema, parseAxonConfig, type AxonConfig, type AxonConfigInput } from "./config.js";
export { Admission, AdmissionRejected } from "./admission.js";
export { RateLimiter } from "./rateLimiter.js";
export { NonceGuard } from "./nonceGuard.js";
export {
  NonceLedger,
  type NonceLedgerOptions,
  type NonceScope,
  type NonceStore,
  type OpenedNonceScope,
} from "./nonceLedger.js";
export { MetricsRegistry } from "./metrics.js";
