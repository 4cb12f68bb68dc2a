import { type AdapterCall, AdapterError, isAdapterError } from "@yunlian/adapter-sdk";
import { resolve } from "./config.ts";
import { tuyaRequest } from "./transport.ts";

interface TokenResult {
  access_token: string;
  refresh_token: string;
  /** Seconds. */
  expire_time: number;
}

interface Cached {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/**
 * The project token (grant_type=1) is one per cloud project, not per hub user, so it is cached per
 * (API origin, client id) and shared by every user's calls. It is refreshed with the refresh token
 * shortly before it expires; a token the cloud answers 1010 for is dropped, so the next login fetches
 * a new one.
 */
const cache = new Map<string, Promise<Cached>>();

const keyOf = (call: AdapterCall) => `${call.platform.apiBaseUrl}|${resolve(call.platform).config.clientId}`;

async function fetchToken(call: AdapterCall, refreshToken?: string): Promise<Cached> {
  const result = refreshToken
    ? await tuyaRequest<TokenResult>(call, { method: "GET", path: `/v1.0/token/${refreshToken}` })
    : await tuyaRequest<TokenResult>(call, {
        method: "GET",
        path: "/v1.0/token",
        query: { grant_type: "1" },
      });
  if (typeof result?.access_token !== "string" || typeof result.expire_time !== "number") {
    throw new AdapterError("bad_response", `${call.platform.platId} token: no access_token`);
  }
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token,
    expiresAt: Date.now() + result.expire_time * 1000,
  };
}

/** A refresh that fails for any reason but the network falls back to a fresh grant. */
async function refresh(call: AdapterCall, stale: Cached): Promise<Cached> {
  try {
    return await fetchToken(call, stale.refreshToken);
  } catch (err) {
    if (isAdapterError(err, "unreachable") || isAdapterError(err, "timeout")) throw err;
    return fetchToken(call);
  }
}

export async function projectToken(call: AdapterCall): Promise<string> {
  const key = keyOf(call);
  const margin = resolve(call.platform).config.tokenRefreshMarginSeconds * 1000;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = fetchToken(call);
  } else {
    const current = await pending.catch(() => undefined);
    if (current !== undefined && current.expiresAt - margin > Date.now()) return current.accessToken;
    // Another call may already have replaced the entry while this one awaited it.
    if (cache.get(key) !== pending) return projectToken(call);
    pending = current === undefined ? fetchToken(call) : refresh(call, current);
  }
  cache.set(key, pending);
  pending.catch(() => {
    if (cache.get(key) === pending) cache.delete(key);
  });
  return (await pending).accessToken;
}

/** Forgets a token the cloud refused, unless a newer one already replaced it. */
export async function dropToken(call: AdapterCall, token: string): Promise<void> {
  const key = keyOf(call);
  const pending = cache.get(key);
  const current = await pending?.catch(() => undefined);
  if (current?.accessToken === token && cache.get(key) === pending) cache.delete(key);
}
