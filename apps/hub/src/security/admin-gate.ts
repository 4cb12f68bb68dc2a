import { createHash, timingSafeEqual } from "node:crypto";
import { normaliseHeaders } from "@yunlian/protocol";
import type { Context, MiddlewareHandler } from "hono";
import { callerOf } from "../lib/caller-request.ts";
import type { HubEnv } from "../lib/hono-env.ts";
import { notFound, unauthorized } from "../lib/hub-error.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import { type GuardCtx, guardCaller } from "./guard-caller.ts";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** `/admin/v1/self` and everything under it: a platform managing its own registration. */
const isSelfPath = (path: string) => path === "/admin/v1/self" || path.startsWith("/admin/v1/self/");

/** The client address, for the audit log (the socket's; a proxy's X-Forwarded-For is not trusted). */
function clientIp(c: Context<HubEnv>): string | undefined {
  return c.env.incoming.socket?.remoteAddress;
}

/**
 * The door of /admin: the operator (`Authorization: Bearer $HUB_ADMIN_TOKEN`) everywhere; on
 * /admin/v1/self/… also a platform proving itself by its own security mode (docs/design.md §7):
 * a signature with its current appSecret (never the previous one), its client certificate, or
 * PlatID + AppID in mode `none`. Only the token's SHA-256 is kept, and compared in constant
 * time. Every refusal is audited.
 */
export function adminGate(adminToken: string, guard: GuardCtx): MiddlewareHandler<HubEnv> {
  const tokenHash = sha256(adminToken);
  const isOperator = (c: Context<HubEnv>): boolean | "absent" => {
    const match = /^Bearer\s+(\S.*)$/i.exec((c.req.header("authorization") ?? "").trim());
    if (!match?.[1]) return "absent";
    return timingSafeEqual(sha256(match[1]), tokenHash);
  };
  const refuse = async (c: Context<HubEnv>, reason: string): Promise<never> => {
    await guard.authFailures.record({
      surface: "admin",
      method: c.req.method,
      path: c.req.path,
      ip: clientIp(c),
      reason,
    });
    await guard.unauthBudget.charge(c.env.incoming);
    throw unauthorized("admin API: send Authorization: Bearer <HUB_ADMIN_TOKEN>");
  };

  return async (c, next) => {
    const operator = isOperator(c);
    if (operator === true && !isSelfPath(c.req.path)) return next();
    if (isSelfPath(c.req.path)) {
      if (operator === true) c.set("selfCaller", { platform: operatorTarget(c, guard), actor: "operator" });
      else if (operator === false) await refuse(c, "wrong admin token");
      else {
        const caller = callerOf(c);
        const platform = await guardCaller(guard, caller, normaliseHeaders(caller.headers), "self");
        c.set("selfCaller", { platform, actor: `platform:${platform.platId}` });
      }
      return next();
    }
    return refuse(c, operator === "absent" ? "no bearer token" : "wrong admin token");
  };
}

/** The operator acting through the self-service API names the platform in the PlatID header. */
function operatorTarget(c: Context<HubEnv>, guard: GuardCtx): PlatformRecord {
  const platId = c.req.header("platid");
  if (!platId) throw unauthorized("operator on /admin/v1/self: name the platform in the PlatID header");
  const platform = guard.registry.get(platId);
  if (!platform) throw notFound(`platform ${platId} not found`);
  return platform;
}

/** The platform a self-service route acts on (set by the gate; a route outside it is a bug). */
export function selfCaller(c: Context<HubEnv>): { platform: PlatformRecord; actor: string } {
  const caller = c.get("selfCaller");
  if (!caller) throw unauthorized("self-service: not authenticated");
  return caller;
}
