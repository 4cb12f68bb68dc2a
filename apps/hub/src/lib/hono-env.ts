import type { HttpBindings } from "@hono/node-server";
import type { RequestTrace } from "../observability/request-context.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import type { HubServices } from "../services/hub-services.ts";

/** Typed context of every route: the services and the request id are set by one middleware. */
export interface HubEnv {
  Bindings: HttpBindings;
  Variables: {
    services: HubServices;
    requestId: string;
    /** The request id and the vendors the request reached (set by observeRequests). */
    trace: RequestTrace;
    /** Set on /admin/v1/self/… by the admin gate: whose registration, and who acts on it. */
    selfCaller?: { platform: PlatformRecord; actor: string };
  };
}
