import {
  type ApiName,
  type apis,
  type normaliseHeaders,
  parseRequest,
  RetCode,
  retBody,
} from "@yunlian/protocol";
import type { Context } from "hono";
import type { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { HubError } from "../../lib/hub-error.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { guardCaller } from "../../security/guard-caller.ts";
import type { HubServices } from "../../services/hub-services.ts";

export type RequestBody<K extends ApiName> = z.output<(typeof apis)[K]["request"]>;

export interface StandardRequest<K extends ApiName> {
  services: HubServices;
  platform: PlatformRecord;
  headers: ReturnType<typeof normaliseHeaders>;
  body: RequestBody<K>;
  requestId: string;
}

export interface StandardAnswer {
  body: { RetCode: RetCode; RetInfo: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * One interface of the standard: authenticate the calling platform (before reading what it
 * says), parse the body leniently and validate it (400 naming the field), run the service,
 * and answer `{RetCode, RetInfo, …}` with the HTTP status mirroring RetCode.
 */
export function standardRoute<K extends ApiName>(
  api: K,
  handle: (req: StandardRequest<K>) => Promise<StandardAnswer>,
) {
  return async (c: Context<HubEnv>) => {
    const services = c.get("services");
    const rawBody = await c.req.text();
    // Authenticated (failures audited) and charged to its rate limit before the body is parsed.
    const platform = await guardCaller(c, rawBody, "standard");
    const parsed = parseRequest(api, rawBody, c.req.raw.headers);
    if (!parsed.ok) throw new HubError(RetCode.INVALID, parsed.retInfo);
    const answer = await handle({
      services,
      platform,
      headers: parsed.headers,
      body: parsed.body as RequestBody<K>,
      requestId: c.get("requestId"),
    });
    for (const [k, v] of Object.entries(answer.headers ?? {})) c.header(k, v);
    return c.json(answer.body, Number(answer.body.RetCode) as 200);
  };
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
