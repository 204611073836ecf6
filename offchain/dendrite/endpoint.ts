/**
 * Which destinations a validator's dendrite may connect to.
 *
 * A miner's endpoint is whatever it published on chain (Endpoint.sol accepts any host name or IP literal), so
 * without a check a miner could point validators at their own networks: blind signed POSTs to loopback
 * services, cloud metadata (169.254.169.254), private ranges, or a port scan through the answer statuses. Off
 * local networks the dendrite therefore connects only to public unicast addresses, checked twice:
 * - an IP-literal host before anything is signed or sent (Node never calls `lookup` for a literal);
 * - a host name on the address it RESOLVES to, inside the agent's `lookup`, on every new connection: the
 *   socket connects to the address checked, so a name that re-resolves to 127.0.0.1 later (DNS rebinding)
 *   is refused too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** A destination refused before any byte is sent to it; reported as `bad_endpoint`. */
export class EndpointRefused extends Error {
  override readonly name = "EndpointRefused";
}

/**
 * Why `address` (an IP literal) is not a public unicast destination, or undefined when it is one.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it reaches.
 */
export function nonPublicReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address);
  // ipaddr.js names every special-purpose range (loopback, private, linkLocal, uniqueLocal, carrierGradeNat,
  // multicast, broadcast, unspecified, reserved = documentation and benchmarking, 6to4, teredo, NAT64, ...);
  // "unicast" is what is left: the global unicast space.
  let range: string = ip.range();
  // IPv4-compatible IPv6 (::a.b.c.d, deprecated) is "unicast" to ipaddr.js, but it embeds an IPv4 address
  // (::127.0.0.1) and nothing public lives in ::/80.
  if (range === "unicast" && ip.kind() === "ipv6" && (ip as ipaddr.IPv6).parts.slice(0, 5).every((p) => p === 0))
    range = "ipv4Compatible";
  return range === "unicast" ? undefined : `${ip.toString()} is a ${range} address, not a public unicast one`;
}

/** The IP address a URL's host is written as (brackets of an IPv6 literal removed), or undefined for a name. */
export function ipLiteralOf(url: URL): string | undefined {
  // The WHATWG parser has already normalised IPv4 in decimal, hex or octal (2130706433, 0x7f.1) to dotted quad.
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? undefined : host;
}

/** The resolver the dendrite's agents use by default. */
export const systemLookup: LookupFunction = dnsLookup as LookupFunction;

/**
 * A `lookup` for http(s) agents that resolves with `resolve` and refuses (EndpointRefused) a name any of
 * whose addresses is not public unicast: all are refused, not filtered, since a name that mixes a public
 * address with 10.0.0.5 has no honest use and a connection could be tried on either.
 */
export function publicOnlyLookup(resolve: LookupFunction = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    // Node (autoSelectFamily, the default since 20) asks for every address; an older caller may ask for one.
    const all: LookupAllOptions = { ...options, all: true };
    resolve(hostname, all, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list: LookupAddress[] = Array.isArray(addresses)
        ? addresses
        : [{ address: addresses, family: isIP(addresses) }];
      if (list.length === 0) return callback(new EndpointRefused(`${hostname} resolves to no address`), "", 0);
      for (const a of list) {
        const why = nonPublicReason(a.address);
        if (why !== undefined) return callback(new EndpointRefused(`${hostname} resolves to ${why}`), "", 0);
      }
      if (options.all === true) return callback(null, list);
      const first = list[0]!;
      return callback(null, first.address, first.family);
    });
  };
}
