import ipaddr from "ipaddr.js";

/**
 * The key a peer's address is rate-limited under. An IPv6 host usually holds a whole /64 (one customer's
 * prefix): keyed by its full address it could rotate through 2^64 buckets, so IPv6 is keyed by its /64.
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports) is the IPv4 address it maps.
 * A port after the address is dropped. Anything unparsable is keyed as given.
 */
export function sourceKey(address: string): string {
  // A forwarded address may carry the client's port (`1.2.3.4:5678`, `[2001:db8::1]:5678`, as some load
  // balancers write X-Forwarded-For): keyed with it, every connection of one client would be a fresh bucket.
  const withPort =
    /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(address) ?? /^\[([0-9A-Fa-f:.]+)\]:\d{1,5}$/.exec(address);
  if (withPort) address = withPort[1]!;
  if (!ipaddr.isValid(address)) return address;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}
