import type { HubEnv } from "../lib/hono-env.ts";
import type { AdminCall } from "./admin-call.ts";

/** The console's context: the hub's, plus the session's CSRF token once the session is checked. */
export interface ConsoleEnv {
  Bindings: HubEnv["Bindings"];
  Variables: HubEnv["Variables"] & { csrf: string };
}

export interface ConsoleDeps {
  adminToken: string;
  call: AdminCall;
}

/** One text field of a submitted form ("" when absent or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v.trim() : "";
}
