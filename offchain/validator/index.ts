/** The validator process: config, rounds, schedule, the service loop and its ports. */
export {
  ConfigError,
  configSchema,
  loadConfig,
  parseConfig,
  subnetSettings,
  type SubnetSettings,
  type ValidatorConfig,
} from "./config.js";
export { serveMetrics, ValidatorMetrics } from "./metrics.js";
export { assertMetagraph, type Axon, type Metagraph, type Neuron } from "./metagraph.js";
export type { ChainPort, Hex, SettlementPort, SubnetChainState, TxStatus, WeightsCodec } from "./ports.js";
export {
  DEFAULT_SLACK_MS,
  assignTasks,
  runRound,
  sampleNeurons,
  type MinerResult,
  type OpenModel,
  type QueryFn,
  type RoundOptions,
  type RoundResult,
} from "./round.js";
export {
  DEFAULT_SCHEDULE_OPTIONS,
  decide,
  stakeNeededForPermit,
  type Action,
  type EpochInfo,
  type Permit,
  type Refusal,
  type Schedule,
  type ScheduleInput,
  type ScheduleOptions,
  type Waiting,
} from "./schedule.js";
export {
  STEP_BACKOFF,
  ValidatorService,
  nextStepDelay,
  type ActionOutcome,
  type RunOptions,
  type ServiceDeps,
  type TickResult,
} from "./service.js";
