import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** 64:ff9b::/96, the well-known NAT64 prefix: the last 32 bits are the IPv4 host. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * Is this address one the hub may not call on a partner's behalf? A partner-registered URL
 * pointing there would let it make the hub call into the hub's own network (SSRF).
 *
 * Only global unicast is callable: ipaddr.js classifies the address (a maintained list of
 * special-purpose ranges: loopback, private, link-local, carrier-grade NAT, unique-local,
 * site-local, multicast, documentation, benchmarking, reserved …), and an IPv6 address that
 * carries an IPv4 one — IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::) and Teredo
 * (server and client) — is judged by that IPv4 address, since that is where a packet ends up.
 * Names (not IP literals) are not addresses: false; they are checked once resolved.
 */
export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 0) return false;
  const address = ipaddr.parse(ip);
  return address.kind() === "ipv4" ? !isPublicV4(address as IPv4) : !isPublicV6(address as IPv6);
}

function isPublicV4(address: IPv4): boolean {
  return address.range() === "unicast";
}

function isPublicV6(address: IPv6): boolean {
  const parts = address.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  const last32 = () => v4(parts[6] ?? 0, parts[7] ?? 0);
  switch (address.range()) {
    case "ipv4Mapped":
    case "rfc6145":
      return isPublicV4(last32());
    case "rfc6052":
      // The local-use prefix 64:ff9b:1::/48 places the IPv4 address by its own prefix length:
      // nothing a partner needs, so none of it is callable.
      return address.match(NAT64_WELL_KNOWN) && isPublicV4(last32());
    case "6to4":
      return isPublicV4(v4(parts[1] ?? 0, parts[2] ?? 0));
    case "teredo": {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC — server address, then the client's, inverted.
      const server = v4(parts[2] ?? 0, parts[3] ?? 0);
      const client = v4(~(parts[6] ?? 0) & 0xffff, ~(parts[7] ?? 0) & 0xffff);
      return isPublicV4(server) && isPublicV4(client);
    }
    case "unicast":
      // IPv4-compatible (::a.b.c.d, deprecated by RFC 4291 but still routed by some stacks).
      if (parts.slice(0, 6).every((p) => p === 0)) return isPublicV4(last32());
      return true;
    default:
      return false;
  }
}
