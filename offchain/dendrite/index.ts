/** The validator-side client of the axon protocol. */
export {
  DEFAULT_MAX_STREAM_LINE_BYTES,
  Dendrite,
  MAX_PEER_REASON_CHARS,
  maxResponseBytesFor,
  type AxonTarget,
  type DendriteOptions,
  type DendriteResult,
  type QueryManyOptions,
  type QueryOptions,
} from "./dendrite.js";
export { EndpointRefused, ipLiteralOf, nonPublicReason, publicOnlyLookup } from "./endpoint.js";
