/** The validator-side client of the axon protocol. */
export {
  DEFAULT_MAX_STREAM_LINE_BYTES,
  Dendrite,
  type AxonTarget,
  type DendriteOptions,
  type DendriteResult,
  type QueryManyOptions,
  type QueryOptions,
} from "./dendrite.js";
