import { Hono } from "hono";
import { MiotCode } from "../codes.ts";
import type { MiotDeviceResult, MiotPropResult } from "../wire.ts";
import { checkValue, lookup } from "./check.ts";
import { SIM_MODELS } from "./spec.ts";
import type { MiotCloudState, SimMiotDevice } from "./state.ts";

type Env = { Variables: { openId: string } };
export interface PropRequest {
  did?: unknown;
  siid?: unknown;
  piid?: unknown;
  value?: unknown;
}

const ok = (result: unknown) => ({ code: MiotCode.OK, message: "ok", result });

/** The device calls: every one needs a live token and acts only on the token user's devices. */
export function deviceRoutes(state: MiotCloudState, onSet: (d: SimMiotDevice, keys: string[]) => void) {
  const app = new Hono<Env>();
  app.use("*", async (c, next) => {
    const openId = state.userOf(c.req.header("access-token"));
    if (openId === undefined)
      return c.json({ code: MiotCode.TOKEN_INVALID, message: "access token invalid" }, 401);
    c.set("openId", openId);
    await next();
  });
  const mine = (openId: string, did: unknown) => {
    const device = typeof did === "string" ? state.devices.get(did) : undefined;
    if (device === undefined) return { device: undefined, code: MiotCode.DEVICE_NOT_FOUND };
    if (!state.holds(openId, device.did)) return { device: undefined, code: MiotCode.NOT_YOUR_DEVICE };
    return { device, code: MiotCode.OK };
  };
  const dids = async (c: { req: { json(): Promise<unknown> } }): Promise<string[]> => {
    const body = (await c.req.json().catch(() => ({}))) as { dids?: unknown };
    return Array.isArray(body.dids) ? body.dids.map(String) : [];
  };

  app.post("/user/delete", (c) => {
    state.deleteUser(c.get("openId"));
    return c.json(ok(null));
  });
  app.post("/device/bind", async (c) => {
    const openId = c.get("openId");
    const result: MiotDeviceResult[] = (await dids(c)).map((did) => {
      if (!state.devices.has(did)) return { did, code: MiotCode.DEVICE_NOT_FOUND };
      state.bind(openId, did);
      return { did, code: MiotCode.OK };
    });
    return c.json(ok(result));
  });
  app.post("/device/unbind", async (c) => {
    const openId = c.get("openId");
    const result = (await dids(c)).map((did) => {
      const { code } = mine(openId, did);
      if (code === MiotCode.OK) state.owners.get(did)?.delete(openId);
      return { did, code };
    });
    return c.json(ok(result));
  });
  const describe = (d: SimMiotDevice) => ({ did: d.did, name: d.name, model: d.model, isOnline: d.online });
  app.post("/device/list", (c) => {
    const openId = c.get("openId");
    const list = [...state.devices.values()].filter((d) => state.holds(openId, d.did)).map(describe);
    return c.json(ok({ list }));
  });
  app.post("/device/info", async (c) => {
    const openId = c.get("openId");
    const result = (await dids(c)).map((did) => {
      const { device, code } = mine(openId, did);
      return device ? { ...describe(device), code } : { did, code };
    });
    return c.json(ok(result));
  });
  app.post("/device/rename", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { did?: unknown; name?: unknown };
    const { device, code } = mine(c.get("openId"), body.did);
    if (device === undefined) return c.json({ code, message: "no such device" });
    if (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 40) {
      return c.json({ code: MiotCode.BAD_REQUEST, message: "name must be 1–40 characters" });
    }
    device.name = body.name;
    return c.json(ok(null));
  });

  const params = async (c: { req: { json(): Promise<unknown> } }): Promise<PropRequest[] | undefined> => {
    const body = (await c.req.json().catch(() => ({}))) as { params?: unknown };
    return Array.isArray(body.params) ? (body.params as PropRequest[]) : undefined;
  };
  const propCode = (openId: string, p: PropRequest, need: "read" | "write") => {
    const { device, code } = mine(openId, p.did);
    if (device === undefined) return { code };
    if (!device.online) return { code: MiotCode.DEVICE_OFFLINE };
    if (typeof p.siid !== "number" || typeof p.piid !== "number") return { code: MiotCode.BAD_REQUEST };
    const found = lookup(SIM_MODELS[device.model] ?? {}, p.siid, p.piid);
    if (found.spec === undefined) return { code: found.code };
    if (!found.spec.access.includes(need)) {
      return { code: need === "read" ? MiotCode.NOT_READABLE : MiotCode.NOT_WRITABLE };
    }
    return { code: MiotCode.OK, device, key: `${p.siid}.${p.piid}`, spec: found.spec };
  };
  app.post("/miotspec/prop/get", async (c) => {
    const list = await params(c);
    if (list === undefined) return c.json({ code: MiotCode.BAD_REQUEST, message: "params must be a list" });
    const result: MiotPropResult[] = list.map((p) => {
      const id = { did: String(p.did), siid: Number(p.siid), piid: Number(p.piid) };
      const found = propCode(c.get("openId"), p, "read");
      if (found.device === undefined) return { ...id, code: found.code };
      return { ...id, code: MiotCode.OK, value: found.device.props.get(found.key) };
    });
    return c.json(ok(result));
  });
  app.post("/miotspec/prop/set", async (c) => {
    const list = await params(c);
    if (list === undefined) return c.json({ code: MiotCode.BAD_REQUEST, message: "params must be a list" });
    const changed = new Map<SimMiotDevice, string[]>();
    const result: MiotPropResult[] = list.map((p) => {
      const id = { did: String(p.did), siid: Number(p.siid), piid: Number(p.piid) };
      const found = propCode(c.get("openId"), p, "write");
      if (found.device === undefined) return { ...id, code: found.code };
      const code = checkValue(found.spec, p.value);
      if (code !== MiotCode.OK) return { ...id, code };
      found.device.props.set(found.key, p.value);
      changed.set(found.device, [...(changed.get(found.device) ?? []), found.key]);
      return { ...id, code };
    });
    for (const [device, keys] of changed) onSet(device, keys);
    return c.json(ok(result));
  });
  return app;
}
