import { Hono } from "hono";
import { TuyaCode } from "../codes.ts";
import { done, fail } from "./guard.ts";
import { acceptsValue, SIM_PRODUCTS } from "./spec.ts";
import type { SimTuyaDevice, TuyaCloudState } from "./state.ts";

/** The project's API; every route runs after the signature guard. */
export function tuyaRoutes(state: TuyaCloudState, onCommand: (d: SimTuyaDevice, codes: string[]) => void) {
  const app = new Hono();
  const body = async (c: { req: { json(): Promise<unknown> } }) =>
    (await c.req.json().catch(() => ({}))) as Record<string, unknown>;

  app.get("/v1.0/token", (c) =>
    c.req.query("grant_type") === "1"
      ? done(c, state.issueToken())
      : fail(c, TuyaCode.PARAM_EMPTY, "grant_type must be 1"),
  );
  app.get("/v1.0/token/:refresh", (c) => {
    const token = state.refreshToken(c.req.param("refresh"));
    return token ? done(c, token) : fail(c, TuyaCode.TOKEN_INVALID, "refresh token invalid");
  });
  app.post("/v1.0/apps/:schema/user", async (c) => {
    const { username } = await body(c);
    if (typeof username !== "string" || username === "")
      return fail(c, TuyaCode.PARAM_EMPTY, "username is empty");
    return done(c, { uid: state.uidFor(`${c.req.param("schema")}/${username}`) });
  });
  app.delete("/v1.0/users/:uid", (c) => {
    state.deleteUser(c.req.param("uid"));
    return done(c, true);
  });
  app.get("/v1.0/users/:uid/devices", (c) => {
    const uid = c.req.param("uid");
    if (!state.hasUser(uid)) return fail(c, TuyaCode.PERMISSION_DENY, "permission deny");
    return done(
      c,
      [...state.devices.values()].filter((d) => state.holds(uid, d.id)).map((d) => state.details(d)),
    );
  });
  app.on(["POST", "DELETE"], "/v1.0/users/:uid/devices/:id", (c) => {
    const { uid, id } = c.req.param();
    if (!state.hasUser(uid) || !state.devices.has(id))
      return fail(c, TuyaCode.PERMISSION_DENY, "permission deny");
    const set = state.holders.get(id) ?? new Set<string>();
    if (c.req.method === "DELETE" && !set.has(uid))
      return fail(c, TuyaCode.PERMISSION_DENY, "device not authorised to this user");
    if (c.req.method === "POST") set.add(uid);
    else set.delete(uid);
    state.holders.set(id, set);
    return done(c, true);
  });

  const device = (id: string) => state.devices.get(id);
  app.get("/v1.0/devices/:id", (c) => {
    const d = device(c.req.param("id"));
    return d ? done(c, state.details(d)) : fail(c, TuyaCode.PERMISSION_DENY, "permission deny");
  });
  app.put("/v1.0/devices/:id", async (c) => {
    const d = device(c.req.param("id"));
    const { name } = await body(c);
    if (!d) return fail(c, TuyaCode.PERMISSION_DENY, "permission deny");
    if (typeof name !== "string" || name.length === 0 || name.length > 50)
      return fail(c, TuyaCode.PARAM_EMPTY, "name is invalid");
    d.name = name;
    return done(c, true);
  });
  app.get("/v1.0/devices/:id/status", (c) => {
    const d = device(c.req.param("id"));
    return d ? done(c, state.details(d).status) : fail(c, TuyaCode.PERMISSION_DENY, "permission deny");
  });
  app.post("/v1.0/devices/:id/commands", async (c) => {
    const d = device(c.req.param("id"));
    if (!d) return fail(c, TuyaCode.PERMISSION_DENY, "permission deny");
    const { commands } = await body(c);
    if (!Array.isArray(commands) || commands.length === 0)
      return fail(c, TuyaCode.PARAM_EMPTY, "commands is empty");
    if (!d.online) return fail(c, TuyaCode.DEVICE_OFFLINE, "device is offline");
    const dps = SIM_PRODUCTS[d.productId]?.dps ?? {};
    // All or nothing: one unknown code or bad value refuses the whole command list, as Tuya does.
    for (const cmd of commands as { code?: unknown; value?: unknown }[]) {
      const dp = typeof cmd.code === "string" ? dps[cmd.code] : undefined;
      if (dp?.mode !== "rw" || !acceptsValue(dp, cmd.value)) {
        return fail(c, TuyaCode.COMMAND_NOT_SUPPORTED, `command or value not support: ${String(cmd.code)}`);
      }
    }
    for (const cmd of commands as { code: string; value: unknown }[]) d.status.set(cmd.code, cmd.value);
    onCommand(
      d,
      (commands as { code: string }[]).map((x) => x.code),
    );
    return done(c, true);
  });
  return app;
}
