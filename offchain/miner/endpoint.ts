/**
 * The axon endpoint a miner publishes, checked the way the chain will check it, before anything is spent:
 *
 * - the registry's grammar (contracts/libraries/Endpoint.sol): `http://` or `https://`, a host of
 *   `[A-Za-z0-9.-]` (1..253 bytes) or an IPv6 literal in brackets, `:` and a port 1..65535 without a leading
 *   zero, and nothing after it (no path, query or user info);
 * - subtensor's serve_axon rule (spec/subtensor-reference.md §7.4): no loopback or unroutable address, except on
 *   a local network, where validators run on the same machine.
 */
import { isIPv4, isIPv6 } from "node:net";

/** "https://" + a 253-byte host + ":65535". */
export const MAX_ENDPOINT_LENGTH = 8 + 253 + 6;
const MAX_HOST = 253;

export interface AxonEndpointParts {
  https: boolean;
  host: string;
  port: number;
}

/** The parts of `endpoint`, or an error whose message says what is wrong and how to write it. */
export function parseAxonEndpoint(endpoint: string): AxonEndpointParts {
  const shape = "the registry accepts only http(s)://<host>:<port>";
  if (endpoint.length > MAX_ENDPOINT_LENGTH) {
    throw new Error(`is ${endpoint.length} characters, more than the ${MAX_ENDPOINT_LENGTH} ${shape} allows`);
  }
  const scheme = /^(https?):\/\//.exec(endpoint);
  if (scheme === null) throw new Error(`must start with http:// or https:// (${shape})`);
  const rest = endpoint.slice(scheme[0].length);
  const extra = /[/?#]/.exec(rest);
  if (extra !== null) {
    throw new Error(
      `has something after the port (${JSON.stringify(rest.slice(extra.index))}): ${shape}; drop the path, query or fragment`,
    );
  }
  if (rest.includes("@")) throw new Error(`has user info before the host: ${shape}; drop the "...@"`);
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(rest);
  const host = hostPort?.[1] ?? "";
  const port = hostPort?.[2];
  if (host.startsWith("[")) {
    if (!/^\[[0-9A-Fa-f:.]+\]$/.test(host) || !isIPv6(host.slice(1, -1))) {
      throw new Error(`host ${host} is not an IPv6 address: write one in brackets, e.g. http://[2001:db8::1]:8091`);
    }
  } else if (host === "" || host.length > MAX_HOST || !/^[A-Za-z0-9.-]+$/.test(host)) {
    throw new Error(
      `host ${JSON.stringify(host)} must be 1..${MAX_HOST} letters, digits, '.' or '-' (a DNS name or IPv4 address), or an IPv6 address in brackets`,
    );
  }
  if (port === undefined) {
    throw new Error(`has no port: ${shape}; write it explicitly, e.g. ${scheme[0]}${host}:8091`);
  }
  if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65_535) {
    throw new Error(`port ${JSON.stringify(port)} must be 1..65535, written without leading zeros`);
  }
  return { https: scheme[1] === "https", host, port: Number(port) };
}

/**
 * Whether `host` (as in an endpoint: a name, an IPv4 address, or an IPv6 address in brackets) is one validators on
 * other machines cannot reach: `localhost`, loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0/8, ::), broadcast.
 * Numeric spellings an HTTP client reads as loopback (`127.1`, `2130706433`, `::ffff:127.0.0.1`) count too.
 */
export function isLoopbackOrUnroutable(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  let canonical: string;
  try {
    canonical = new URL(`http://${name}/`).hostname; // how a validator's HTTP client will read it
  } catch {
    return false;
  }
  if (isIPv4(canonical)) return unroutableV4(canonical);
  const v6 = canonical.replace(/^\[|\]$/g, "");
  if (!isIPv6(v6)) return false;
  if (v6 === "::1" || v6 === "::" || v6 === "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped === null) return false;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return unroutableV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
}

function unroutableV4(ip: string): boolean {
  const first = Number(ip.split(".")[0]);
  return first === 127 || first === 0 || ip === "255.255.255.255";
}
