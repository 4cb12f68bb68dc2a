import { timingSafeEqualStr } from "@yunlian/secrets";
import type { MiddlewareHandler } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { unauthorized } from "../../lib/hub-error.ts";
import { audit } from "../../services/audit/audit.ts";

/** Operator only: `Authorization: Bearer $HUB_ADMIN_TOKEN`, compared in constant time. */
export function requireOperator(adminToken: string): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1] || !timingSafeEqualStr(match[1], adminToken)) {
      await audit(c.get("services"), {
        actor: "anonymous",
        action: `${c.req.method} ${c.req.path}`,
        outcome: "denied",
        detail: {
          reason: match ? "wrong admin token" : "no bearer token",
          ip: c.env?.incoming?.socket?.remoteAddress,
        },
      });
      throw unauthorized("admin API: send Authorization: Bearer <HUB_ADMIN_TOKEN>");
    }
    await next();
  };
}
