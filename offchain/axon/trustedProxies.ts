/**
 * Trusted reverse proxies: the addresses whose `X-Forwarded-For` the axon believes. A trusted address can claim
 * any client address, so only the proxy's own address(es) belong here.
 */
import ipaddr from "ipaddr.js";
import { z } from "zod";

/** True when `address` (a socket's or a forwarded one) is one of the trusted proxies. */
export type TrustedProxies = (address: string) => boolean;

type Range<T> = [T, number];

/**
 * `address` parsed, an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack socket reports) as the IPv4
 * address it maps; undefined when it is not an IP address (only the standard forms: `10.1` or `0x0a.0.0.1` are not).
 */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address);
  if (!ipaddr.IPv6.isValid(address)) return undefined;
  const ip = ipaddr.IPv6.parse(address);
  return ip.isIPv4MappedAddress() ? ip.toIPv4Address() : ip;
}

/** One entry as a range (an address is its own /32 or /128); an IPv4-mapped range as the IPv4 range it maps. */
function parseEntry(entry: string): Range<ipaddr.IPv4> | Range<ipaddr.IPv6> | undefined {
  const e = entry.trim();
  if (!e.includes("/")) {
    const ip = parseAddress(e);
    if (ip === undefined) return undefined;
    return ip.kind() === "ipv4" ? [ip as ipaddr.IPv4, 32] : [ip as ipaddr.IPv6, 128];
  }
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(e)) return ipaddr.IPv4.parseCIDR(e);
  if (!ipaddr.IPv6.isValidCIDR(e)) return undefined;
  const [ip, bits] = ipaddr.IPv6.parseCIDR(e);
  if (bits >= 96 && ip.isIPv4MappedAddress()) return [ip.toIPv4Address(), bits - 96];
  return [ip, bits];
}

/** The error for an entry that is neither an address nor a CIDR range. */
export function trustedProxyError(entry: string): string {
  return `trusted proxy ${JSON.stringify(entry)} is not an IP address or CIDR range (like 10.0.0.1 or 10.0.0.0/8)`;
}

/**
 * Shortest prefixes accepted: a range wider than this trusts far more than any proxy fleet (a /8 of IPv4, e.g.
 * 10.0.0.0/8; a /7 of IPv6, e.g. the unique-local fc00::/7), and `0.0.0.0/0` or `::/0` would let every client
 * claim any address.
 */
const MIN_PREFIX = { ipv4: 8, ipv6: 7 } as const;

/** Undefined when `entry` is an IP address or CIDR range narrow enough; else the error naming it and the fix. */
export function checkTrustedProxy(entry: string): string | undefined {
  const range = parseEntry(entry);
  if (range === undefined) return trustedProxyError(entry);
  const kind = range[0].kind();
  if (range[1] < MIN_PREFIX[kind])
    return `trusted proxy ${JSON.stringify(entry)} covers ${range[1] === 0 ? "every" : "too many"} ${kind === "ipv4" ? "IPv4" : "IPv6"} address${range[1] === 0 ? "" : "es"} (a /${range[1]}; at most a /${MIN_PREFIX[kind]}): a trusted address can claim any client address, so list only your proxy's own addresses`;
  return undefined;
}

/**
 * The predicate of the trusted proxies `entries` (IPv4/IPv6 addresses or CIDR ranges: `127.0.0.1`, `10.0.0.0/8`,
 * `::1`, `fd00::/8`). IPv4-mapped IPv6 is its IPv4 address, in entries and addresses alike; an IPv6 range matches
 * IPv6 addresses only. An unparsable address is never trusted. Throws on an invalid entry, naming it.
 */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const v4: Array<Range<ipaddr.IPv4>> = [];
  const v6: Array<Range<ipaddr.IPv6>> = [];
  for (const entry of entries) {
    const problem = checkTrustedProxy(entry);
    if (problem !== undefined) throw new Error(problem);
    const range = parseEntry(entry)!;
    if (range[0].kind() === "ipv4") v4.push(range as Range<ipaddr.IPv4>);
    else v6.push(range as Range<ipaddr.IPv6>);
  }
  if (v4.length === 0 && v6.length === 0) return () => false;
  return (address: string): boolean => {
    const ip = parseAddress(address);
    if (ip === undefined) return false;
    if (ip.kind() === "ipv4") return v4.some((r) => (ip as ipaddr.IPv4).match(r));
    return v6.some((r) => (ip as ipaddr.IPv6).match(r));
  };
}

/**
 * The zod schema of a trusted-proxies list (the axon's `trustedProxies`, the miner's `--trust-proxy`): at most 1024
 * entries, each checked by `checkTrustedProxy`, an issue per bad entry at its index. `flag` prefixes the messages
 * (the miner names its flag); the list defaults to none.
 */
export function trustedProxiesSchema(flag?: string) {
  const named = (message: string) => (flag === undefined ? message : `${flag}: ${message}`);
  return z
    .array(z.string())
    .max(1024, { message: named("more than 1024 entries: name the proxies' ranges in CIDR form instead") })
    .superRefine((entries, ctx) => {
      entries.forEach((entry, i) => {
        const error = checkTrustedProxy(entry);
        if (error !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: named(error) });
      });
    })
    .default([]);
}
