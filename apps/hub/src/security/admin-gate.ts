import type { Context, MiddlewareHandler } from "hono";
import { callerOf } from "../lib/caller-request.ts";
import type { HubEnv } from "../lib/hono-env.ts";
import { forbidden, notFound, unauthorized } from "../lib/hub-error.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import { stateOf } from "../server/request-state.ts";
import type { Actor } from "../services/audit/audit.ts";
import { bearerToken } from "./bearer-token.ts";
import { type GuardCtx, guardCaller } from "./guard-caller.ts";
import { isReadMethod, type Operator, type OperatorAuth, operatorActor } from "./operator-auth.ts";

/** `/admin/v1/self` and everything under it: a platform managing its own registration. */
const isSelfPath = (path: string) => path === "/admin/v1/self" || path.startsWith("/admin/v1/self/");

/** The client address, for the audit log (the socket's; a proxy's X-Forwarded-For is not trusted). */
function clientIp(c: Context<HubEnv>): string | undefined {
  return c.env.incoming.socket?.remoteAddress;
}

/**
 * The door of /admin: an operator (`Authorization: Bearer` with HUB_ADMIN_TOKEN or an operator
 * key, operator-auth.ts) everywhere — a `read` key for GET only (403 otherwise); on
 * /admin/v1/self/… also a platform proving itself by its own security mode (docs/design.md §7):
 * a signature with its current appSecret (never the previous one), its client certificate, or
 * PlatID + AppID in mode `none`. Every refusal of a credential is audited.
 */
export function adminGate(operators: OperatorAuth, guard: GuardCtx): MiddlewareHandler<HubEnv> {
  const identify = async (c: Context<HubEnv>): Promise<Operator | "wrong" | "absent"> => {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) return "absent";
    return (await operators.identify(token)) ?? "wrong";
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
    throw unauthorized("admin API: send Authorization: Bearer <HUB_ADMIN_TOKEN or an operator key>");
  };

  return async (c, next) => {
    const operator = await identify(c);
    if (typeof operator === "object") {
      if (operator.scope !== "admin" && !isReadMethod(c.req.method)) {
        throw forbidden(`operator key ${operator.name} has scope ${operator.scope}: GET only`);
      }
      c.set("operator", operator);
      if (isSelfPath(c.req.path)) {
        c.set("selfCaller", { platform: operatorTarget(c, guard), actor: operatorActor(operator) });
      }
      return next();
    }
    if (isSelfPath(c.req.path) && operator === "absent") {
      const caller = callerOf(c);
      // The common headers as the listener read them (caps checked there, before the body).
      const platform = await guardCaller(guard, caller, stateOf(c.env.incoming).common, "self");
      c.set("selfCaller", { platform, actor: `platform:${platform.platId}` });
      return next();
    }
    return refuse(c, operator === "absent" ? "no bearer token" : "wrong admin token or operator key");
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

/** The operator a route behind the gate acts as, for its service's audit entry. */
export function operatorOf(c: Context<HubEnv>): Actor {
  const operator = c.get("operator");
  if (!operator) throw unauthorized("admin API: not authenticated");
  return { actor: operatorActor(operator) };
}

/** The platform a self-service route acts on (set by the gate; a route outside it is a bug). */
export function selfCaller(c: Context<HubEnv>): { platform: PlatformRecord; actor: string } {
  const caller = c.get("selfCaller");
  if (!caller) throw unauthorized("self-service: not authenticated");
  return caller;
}
