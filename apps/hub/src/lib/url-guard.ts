import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPrivateAddress } from "@yunlian/net-guard";

export { isPrivateAddress };

const PRIVATE =
  "points at a loopback, private or link-local address (allowed only with HUB_ALLOW_PRIVATE_URLS=1)";

/** Why `raw` may not be registered, or undefined when it may. Checks the literal URL only. */
export function urlProblem(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be http or https";
  if (url.username || url.password) return "must not carry credentials";
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || isPrivateAddress(host)) return PRIVATE;
  return undefined;
}

/**
 * The literal check, then the name resolved: a public-looking name whose DNS answer is private
 * (`internal.example` → 10.0.0.5) is refused at registration. The vendor and delivery HTTP
 * clients check again at connect time, for names re-pointed after registration (rebinding).
 */
export async function resolvedUrlProblem(
  raw: string,
  allowPrivate: boolean,
  resolve: (host: string) => Promise<{ address: string }[]> = (host) => lookup(host, { all: true }),
): Promise<string | undefined> {
  const literal = urlProblem(raw, allowPrivate);
  if (literal || allowPrivate) return literal;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return undefined;
  let addresses: { address: string }[];
  try {
    addresses = await resolve(host);
  } catch {
    return `host ${host} does not resolve`;
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? `resolves to ${bad.address}, which ${PRIVATE.replace("points at", "is")}` : undefined;
}
