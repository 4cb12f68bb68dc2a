import { type HubLink, verifyAtHub } from "@yunlian/adapter-sdk/sim-kit";
import { Hono } from "hono";
import type { MiotCloudState } from "./state.ts";

export interface OAuthOptions {
  clients: Record<string, string>;
  /** The hub's verify URL; without it any non-empty auth_token is accepted (tests of the adapter alone). */
  verifyUrl?: string;
  link: HubLink;
}

/** OAuth-style token endpoints; errors in OAuth's own `{error, error_description}` shape. */
export function oauthRoutes(state: MiotCloudState, opts: OAuthOptions) {
  const app = new Hono();
  app.post("/oauth2/token", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const refuse = (status: 400 | 401, error: string, error_description: string) =>
      c.json({ error, error_description }, status);
    if (body.grant_type !== "hub_user")
      return refuse(400, "unsupported_grant_type", "grant_type must be hub_user");
    const clientId = String(body.client_id ?? "");
    if (opts.clients[clientId] === undefined || opts.clients[clientId] !== body.client_secret) {
      return refuse(401, "invalid_client", "unknown client or wrong secret");
    }
    const loginId = body.login_id;
    const authToken = body.auth_token;
    if (typeof loginId !== "string" || loginId === "" || typeof authToken !== "string" || authToken === "") {
      return refuse(400, "invalid_request", "login_id and auth_token are required");
    }
    if (opts.verifyUrl && !(await verifyAtHub(opts.verifyUrl, loginId, authToken, opts.link))) {
      return refuse(400, "invalid_grant", "the hub did not vouch for this user");
    }
    const openId = state.openIdFor(loginId);
    return c.json({ ...state.issueToken(openId), open_id: openId });
  });
  app.post("/oauth2/revoke", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { token?: unknown };
    if (typeof body.token === "string") state.revoke(body.token);
    return c.json({});
  });
  return app;
}
