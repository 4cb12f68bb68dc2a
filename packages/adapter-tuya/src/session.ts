import {
  type AdapterCall,
  AdapterError,
  isAdapterError,
  type VendorSession,
  withSession,
} from "@yunlian/adapter-sdk";
import { resolve } from "./config.ts";
import { dropToken, projectToken } from "./tokens.ts";
import { type TuyaRequest, tuyaRequest } from "./transport.ts";

/** A signed call with the project token; a token answered with 1010 is forgotten before rethrowing. */
export async function withToken<T>(call: AdapterCall, req: Omit<TuyaRequest, "token">): Promise<T> {
  const token = await projectToken(call);
  try {
    return await tuyaRequest<T>(call, { ...req, token });
  } catch (err) {
    if (isAdapterError(err, "unauthorized")) await dropToken(call, token);
    throw err;
  }
}

/**
 * Tuya authenticates the project, not the user: "login" makes sure the hub user exists as a user of
 * the project's app schema (the cloud answers the same uid for the same username) and pairs that uid
 * with the project token. A cached token found stale here is replaced once.
 */
export async function login(call: AdapterCall): Promise<VendorSession> {
  const { config } = resolve(call.platform);
  const register = () =>
    withToken<{ uid?: unknown }>(call, {
      method: "POST",
      path: `/v1.0/apps/${config.schema}/user`,
      body: {
        country_code: config.countryCode,
        username: call.user.userId,
        username_type: 3,
        nick_name: call.user.userId,
      },
    });
  const result = await register().catch((err: unknown) => {
    if (isAdapterError(err, "unauthorized")) return register();
    throw err;
  });
  if (typeof result?.uid !== "string")
    throw new AdapterError("bad_response", `${call.platform.platId} login: no uid`);
  return { vendorUserId: result.uid, accessToken: await projectToken(call) };
}

/** Runs `fn` for the hub user's Tuya uid; a 1010 answer means one fresh login and one retry. */
export const asUser = <T>(call: AdapterCall, fn: (uid: string) => Promise<T>) =>
  withSession(call, { login }, (session) => fn(session.vendorUserId));

/** Nothing to revoke: the token belongs to the project and other hub users still use it. */
export async function logout(call: AdapterCall): Promise<void> {
  await call.sessions.clear();
}

export async function unregister(call: AdapterCall): Promise<void> {
  await asUser(call, (uid) => withToken(call, { method: "DELETE", path: `/v1.0/users/${uid}` }));
  await call.sessions.clear();
}
