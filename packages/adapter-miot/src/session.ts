import { type AdapterCall, AdapterError, type VendorSession } from "@yunlian/adapter-sdk";
import { baseUrl, miotPost, parseJson } from "./client.ts";
import { resolve } from "./config.ts";
import type { MiotTokenAnswer } from "./wire.ts";

/**
 * The hub user's authorisation at the MIoT cloud, modelled on OAuth: the hub (an OAuth client) asks
 * for a token for its user with a hub-issued AuthToken, which the cloud may verify at the hub's
 * `/v1/user/verify` exactly as in the standard's login handshake.
 */
export async function login(call: AdapterCall): Promise<VendorSession> {
  const { config } = resolve(call.platform);
  const platId = call.platform.platId;
  const body = {
    grant_type: "hub_user",
    client_id: config.clientId,
    client_secret: config.clientSecret,
    login_id: call.user.userId,
    auth_token: await call.issueAuthToken(),
  };
  const res = await call.http.postJson(`${baseUrl(call)}/oauth2/token`, body, {
    signal: call.signal,
    timeoutMs: config.timeoutMs,
  });
  const answer = parseJson(platId, "/oauth2/token", res.status, res.text) as Partial<MiotTokenAnswer> & {
    error_description?: string;
  };
  if (res.status !== 200) {
    // A refused grant is not a stale token: the user or the client is not accepted at all.
    const why = answer.error_description ?? `HTTP ${res.status}`;
    throw new AdapterError("rejected", `${platId} login: ${why}`);
  }
  if (typeof answer.access_token !== "string" || typeof answer.open_id !== "string") {
    throw new AdapterError("bad_response", `${platId} login: no access_token or open_id`);
  }
  return { vendorUserId: answer.open_id, accessToken: answer.access_token };
}

export async function logout(call: AdapterCall): Promise<void> {
  const session = await call.sessions.load();
  try {
    if (session) {
      const { config } = resolve(call.platform);
      await call.http.postJson(
        `${baseUrl(call)}/oauth2/revoke`,
        { token: session.accessToken },
        {
          signal: call.signal,
          timeoutMs: config.timeoutMs,
        },
      );
    }
  } catch {
    // Best effort: the user is leaving either way, and a token the cloud forgot is harmless.
  } finally {
    await call.sessions.clear();
  }
}

export async function unregister(call: AdapterCall, token: string): Promise<void> {
  await miotPost(call, "/user/delete", {}, token);
}
