import type { Hono } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";

export interface AdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Calls the hub's own admin API in-process (`app.request`, no socket): the console changes
 * nothing the API could not, and every change goes through the same validation and audit log.
 */
export function adminCaller(app: Hono<HubEnv>, adminToken: string) {
  return async (
    c: { var: { requestId: string }; env: HubEnv["Bindings"] },
    method: string,
    path: string,
    body?: unknown,
  ): Promise<AdminAnswer> => {
    const res = await app.request(
      path,
      {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          "x-request-id": c.var.requestId,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      c.env,
    );
    const text = await res.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { RetInfo: text };
    }
    const obj = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return { status: res.status, body: obj };
  };
}

export type AdminCall = ReturnType<typeof adminCaller>;

/** The admin API's error text (RetInfo), for showing beside the form that caused it. */
export function errorText(answer: AdminAnswer): string {
  const info = answer.body.RetInfo;
  return typeof info === "string" && info ? info : `the hub answered HTTP ${answer.status}`;
}
