import {
  type ApiName,
  type apis,
  type CommonHeaders,
  normaliseHeaders,
  parseRequestBody,
  RetCode,
  retBody,
} from "@yunlian/protocol";
import type { Hono } from "hono";
import type { z } from "zod";
import { type CallerRequest, callerFromContext } from "../../lib/caller-request.ts";
import type { HubEnv } from "../../lib/hono-env.ts";
import { HubError } from "../../lib/hub-error.ts";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { guardCaller } from "../../security/guard-caller.ts";
import type { HubServices } from "../../services/hub-services.ts";

export type RequestBody<K extends ApiName> = z.output<(typeof apis)[K]["request"]>;

export interface StandardRequest<K extends ApiName> {
  services: HubServices;
  platform: PlatformRecord;
  headers: CommonHeaders;
  body: RequestBody<K>;
  trace: RequestTrace;
}

export interface StandardAnswer {
  body: { RetCode: RetCode; RetInfo: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * One POST interface of the standard API, independent of the HTTP framework: the node:http
 * fast path (standard-listener.ts) and the Hono app both serve it through `serve`.
 */
export interface StandardEndpoint {
  path: string;
  serve(services: HubServices, caller: CallerRequest): Promise<StandardAnswer>;
}

/**
 * One interface of the standard: authenticate the calling platform (before reading what it
 * says), parse the body leniently and validate it (400 naming the field), run the service,
 * and answer `{RetCode, RetInfo, …}`; the server mirrors RetCode in the HTTP status.
 */
export function standardEndpoint<K extends ApiName>(
  path: string,
  api: K,
  handle: (req: StandardRequest<K>) => Promise<StandardAnswer>,
): StandardEndpoint {
  return {
    path,
    async serve(services, caller) {
      const headers = normaliseHeaders(caller.headers);
      // Authenticated (failures audited) and charged to its rate limit before the body is parsed.
      const platform = await guardCaller(services, caller, headers, "standard");
      const parsed = parseRequestBody(api, caller.rawBody, headers);
      if (!parsed.ok) throw new HubError(RetCode.INVALID, parsed.retInfo);
      return handle({
        services,
        platform,
        headers: parsed.headers,
        body: parsed.body as RequestBody<K>,
        trace: caller.trace,
      });
    },
  };
}

/**
 * The endpoints as routes of the Hono app too: `app.request()` in tests has no socket to take
 * the fast path, and the app answers 405 for their other methods from its route table.
 */
export function registerStandardEndpoints(app: Hono<HubEnv>, endpoints: readonly StandardEndpoint[]): void {
  for (const endpoint of endpoints) {
    app.post(endpoint.path, async (c) => {
      const answer = await endpoint.serve(c.get("services"), callerFromContext(c, await c.req.text()));
      for (const [k, v] of Object.entries(answer.headers ?? {})) c.header(k, v);
      return c.json(answer.body, Number(answer.body.RetCode) as 200);
    });
  }
}

/** RetCode "200" with RetInfo "ok", or the first vendor failure's code and every failure's reason. */
export function mergedAnswer(
  failures: readonly { retCode: RetCode; info: string; deviceIds: string[] }[],
  extra: Record<string, unknown> = {},
): StandardAnswer {
  const first = failures[0];
  if (!first) return { body: retBody(RetCode.OK, "ok", extra) };
  return {
    body: retBody(first.retCode, failures.map((f) => f.info).join("; "), {
      ...extra,
      FailedIDs: failures.flatMap((f) => f.deviceIds),
    }),
  };
}
