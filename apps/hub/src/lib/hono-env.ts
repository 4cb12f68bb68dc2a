import type { HttpBindings } from "@hono/node-server";
import type { RequestTrace } from "../observability/request-context.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import type { Operator } from "../security/operator-auth.ts";

/**
 * Typed context of every Hono route. Routes get their services by closure when they are
 * registered (each the few it uses), never from the context: only per-request facts live here.
 */
export interface HubEnv {
  Bindings: HttpBindings;
  Variables: {
    requestId: string;
    /** The request id and the vendors the request reached (the listener's, see request-state.ts). */
    trace: RequestTrace;
    /** Set on /admin/v1/self/… by the admin gate: whose registration, and who acts on it. */
    selfCaller?: { platform: PlatformRecord; actor: string };
    /** Set by the admin gate when the bootstrap token or an operator key opened the door. */
    operator?: Operator;
  };
}
