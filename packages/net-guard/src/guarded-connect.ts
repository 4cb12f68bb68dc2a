import { type LookupAddress, lookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { buildConnector } from "undici";
import { isPrivateAddress } from "./private-address.ts";

/** The error a refused connection fails with (code ERR_PRIVATE_ADDRESS). */
export class PrivateAddressError extends Error {
  readonly code = "ERR_PRIVATE_ADDRESS";
  constructor(host: string, address: string) {
    super(`refused to connect to ${host}: it resolves to ${address}, a private or loopback address`);
    this.name = "PrivateAddressError";
  }
}

/**
 * dns.lookup that refuses private answers. The address it returns is the one the socket
 * connects to, so a name that resolved to a public address at registration and to 127.0.0.1
 * now (DNS rebinding) is caught here, at connect time.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddressError(hostname, bad.address), "", 0);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
    // Node's net.connect asks for every address (happy eyeballs) or for one.
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else callback(null, first.address, first.family);
  });
};

/**
 * An undici connector that refuses private destinations: IP literals directly (no lookup
 * happens for them), names through publicOnlyLookup. Pass as `connect` to an undici Agent.
 */
export function publicOnlyConnector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: publicOnlyLookup } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) && isPrivateAddress(host)) {
      callback(new PrivateAddressError(host, host), null);
      return;
    }
    return connect(opts, callback);
  };
}
