import type { IncomingHttpHeaders } from "node:http";
import ipaddr from "ipaddr.js";

/** What a request says about where it came from. */
export interface RequestSource {
  socket?: { remoteAddress?: string };
  headers: IncomingHttpHeaders;
}

export type TrustedProxies = readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];

/**
 * `HUB_TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks of the proxies in front of
 * the hub (`10.0.0.0/8, 192.0.2.7`), or empty. Throws on anything else.
 */
export function parseTrustedProxies(text: string): TrustedProxies {
  const out: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    try {
      if (item.includes("/")) out.push(ipaddr.parseCIDR(item));
      else {
        const address = ipaddr.parse(item);
        out.push([address, address.kind() === "ipv4" ? 32 : 128]);
      }
    } catch {
      throw new Error(`"${item}" is not an IP address or CIDR block (e.g. 10.0.0.0/8, 192.0.2.7, fd00::/8)`);
    }
  }
  return out;
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return trusted.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}

/**
 * The client's address: the socket's, unless the socket is one of `trusted` proxies; then the
 * right-most X-Forwarded-For entry that is not a trusted proxy itself (entries further left
 * were written by the client and prove nothing). Without trusted proxies, X-Forwarded-For is
 * ignored: anyone can send one.
 */
export function clientAddress(source: RequestSource, trusted: TrustedProxies): string | undefined {
  const peer = source.socket?.remoteAddress;
  if (trusted.length === 0 || peer === undefined || !isTrusted(peer, trusted)) return peer;
  const header = source.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = (hops[i] ?? "").trim();
    if (hop === "") continue;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return peer;
}
