import { type CommonHeaders, httpStatusOf, parseRequest, retBody } from "@yunlian/protocol";
import { Hono } from "hono";
import type { createHangPool } from "../shared/server.ts";
import type { Answer, HandlerInput } from "./answer.ts";
import { inboundBody, outboundExtra, type WireIds } from "./device-ids.ts";
import * as device from "./device-routes.ts";
import type { CloudState } from "./state.ts";
import { missingHeader, strictExtra, strictRet, strictUnreadable } from "./strict.ts";
import * as userRoutes from "./user-routes.ts";

/**
 * "hang" parks every call and answers 503 once the mode changes (a cloud that stopped answering);
 * "hold" parks every call and answers it as usual once the mode changes (calls in flight at once,
 * for tests that need several callers waiting on the cloud together).
 */
export type CloudMode = "normal" | "hang" | "hold" | "fail500";

export interface ReceivedCall {
  api: string;
  headers: Record<string, string>;
  /** The parsed body, or the raw text when it did not parse. */
  body: unknown;
}

export interface CloudAppDeps extends userRoutes.LoginDeps {
  state: CloudState;
  calls: ReceivedCall[];
  recordCalls: boolean;
  mode(): CloudMode;
  /** Milliseconds every answer is held back (a slow cloud); 0 = answer at once. */
  delayMs(): number;
  hang: ReturnType<typeof createHangPool>;
  /** Called after a successful op with what changed (a real device would report it). */
  onOpApplied(changes: { id: string; attrs: Record<string, string> }[]): void;
  /** Answer to the letter of the standard (strict.ts): RetCode "200"/"500" only, HTTP 200 always. */
  strict: boolean;
  /** How devices are named on the wire (device-ids.ts). */
  ids: WireIds;
  /** Fault: bindDevices answers an empty FailedIDs whatever failed. */
  wrongFailedIds: boolean;
}

type Handler = (input: HandlerInput) => Answer;

const HANDLERS: Record<string, Handler> = {
  "user/logout": userRoutes.logout,
  "user/unregister": userRoutes.unregister,
  "user/bindDevices": device.bindDevices,
  "user/unbindDevices": device.unbindDevices,
  "users/devices": device.userDevices,
  "devices/deviceInfo": device.deviceInfo,
  "devices/modifyDeviceInfo": device.modifyDeviceInfo,
  "devices/deviceStatus": device.deviceStatus,
};

/** The standard's B-side interfaces (section 7) under `/v1/{api}`. */
export function createDeviceCloudApp(deps: CloudAppDeps): Hono {
  const app = new Hono();
  app.post("/v1/:group/:name", async (c) => {
    const api = `${c.req.param("group")}/${c.req.param("name")}`;
    const text = await c.req.text();
    const rawHeaders = Object.fromEntries(c.req.raw.headers);
    const known = api === "user/login" || api === "devices/op" || Object.hasOwn(HANDLERS, api);
    const parsed = known
      ? parseRequest(api as Parameters<typeof parseRequest>[0], text, rawHeaders)
      : undefined;
    if (deps.recordCalls)
      deps.calls.push({ api, headers: rawHeaders, body: parsed?.ok ? parsed.body : text });

    if (deps.mode() === "hold") await deps.hang.park();
    if (deps.mode() === "hang") {
      await deps.hang.park();
      return c.json(retBody("500", "simulated hang released"), 503);
    }
    if (deps.mode() === "fail500") return c.json(retBody("500", "simulated vendor failure"), 500);
    const delay = deps.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (parsed === undefined) {
      if (deps.strict) return c.json({ RetCode: "500", RetInfo: `接口 ${api} 不存在` }, 200);
      return c.json(retBody("404", `unknown interface ${api}`), 404);
    }
    if (!parsed.ok) {
      if (deps.strict) return c.json(strictUnreadable(parsed.retInfo), 200);
      return c.json(retBody(parsed.retCode, parsed.retInfo), 400);
    }

    const body = inboundBody(deps.ids, parsed.body as Record<string, unknown>);
    const answered = await dispatch(deps, api, parsed.headers, body);
    const answer = {
      ...answered,
      info: deps.ids.outboundText(answered.info),
      ...(answered.zh === undefined ? {} : { zh: deps.ids.outboundText(answered.zh) }),
    };
    for (const [name, value] of Object.entries(answer.headers ?? {})) c.header(name, value);
    const extra = outboundExtra(deps.ids, answer.extra);
    // Table 9 and every answer table: RetCode lives in the body; HTTP carries the call, never the verdict.
    if (deps.strict) return c.json({ ...strictRet(answer), ...strictExtra(api, extra) }, 200);
    return c.json(retBody(answer.code, answer.info, extra), httpStatusOf(answer.code) as 200);
  });
  app.all("*", (c) =>
    deps.strict
      ? c.json({ RetCode: "500", RetInfo: `路径 ${c.req.path} 不存在` }, 200)
      : c.json(retBody("404", `no such path ${c.req.path}`), 404),
  );
  return app;
}

async function dispatch(
  deps: CloudAppDeps,
  api: string,
  headers: CommonHeaders,
  body: Record<string, unknown>,
): Promise<Answer> {
  const missing = deps.strict ? missingHeader(api, headers) : undefined;
  if (missing) return missing;
  if (api === "user/login") return userRoutes.login(deps, headers, body);
  const user = deps.state.userOfToken(headers.accessToken);
  if (user === undefined || headers.accessToken === undefined) {
    // An expired or unknown token has no zh: the strict answer is SESSION_GONE (strict.ts).
    return headers.accessToken
      ? { code: "401", info: "AccessToken invalid or expired" }
      : { code: "401", info: "AccessToken required", zh: "缺少 AccessToken" };
  }
  const input: HandlerInput = { headers, body, state: deps.state, user, accessToken: headers.accessToken };
  if (api === "devices/op") {
    const { answer, changed } = device.op(input);
    if (changed.length > 0) deps.onOpApplied(changed);
    return answer;
  }
  const handler = HANDLERS[api];
  if (!handler) return { code: "400", info: `unsupported interface ${api}`, zh: `接口 ${api} 不支持` };
  const answer = handler(input);
  return api === "user/bindDevices" && deps.wrongFailedIds
    ? { ...answer, extra: { ...answer.extra, FailedIDs: [] } }
    : answer;
}
