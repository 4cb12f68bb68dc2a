import type { HttpBindings } from "@hono/node-server";
import type { HubServices } from "../services/hub-services.ts";

/** Typed context of every route: the services and the request id are set by one middleware. */
export interface HubEnv {
  Bindings: HttpBindings;
  Variables: {
    services: HubServices;
    requestId: string;
  };
}
