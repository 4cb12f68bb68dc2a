import { setTimeout as sleep } from "node:timers/promises";
import type { DeviceCloud } from "@yunlian/vendor-sim";
import { request } from "undici";
import type { OpsCtx } from "../../src/services/commands/op-tracking.ts";
import { type Answer, requestSignature } from "./client.ts";
import type { World } from "./world.ts";

/** A platform's signed GET /v1/ops/{OpID} (docs/design.md §7), with UserID in the query unless omitted. */
export async function getOp(
  hubUrl: string,
  creds: { platId: string; appId: string; appSecret: string },
  opId: string,
  who: { userId?: string; accessToken?: string },
): Promise<Answer> {
  const target = `/v1/ops/${encodeURIComponent(opId)}${who.userId ? `?UserID=${who.userId}` : ""}`;
  const res = await request(`${hubUrl}${target}`, {
    method: "GET",
    headers: {
      PlatID: creds.platId,
      AppID: creds.appId,
      ...(who.accessToken ? { AccessToken: who.accessToken } : {}),
      ...requestSignature(creds.appSecret, "GET", target, ""),
    },
  });
  const text = await res.body.text();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
  return { status: res.statusCode, headers, body: JSON.parse(text) as Record<string, unknown> };
}

/** A command that changes the device: its first attribute (onLine aside) set to a value it does not hold. */
export function changingCommand(cloud: DeviceCloud, deviceId: string): Record<string, string> {
  const attrs = cloud.devices.get(deviceId)?.attrs ?? {};
  const key = Object.keys(attrs).find((k) => k !== "onLine");
  if (!key) throw new Error(`sim device ${deviceId} has no attribute to command`);
  return { [key]: attrs[key] === "7" ? "8" : "7" };
}

/** Polls `read` until `done` holds (no timed assertion: the bound only stops a broken run). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  what: string,
): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/**
 * An OpsCtx of its own on the world's hub database, with its own clock: what another hub instance
 * would hold (and a sweeper run as if later). Settled ops go nowhere.
 */
export function opsInstance(
  world: World,
  now: () => Date = () => new Date(),
  retentionMs = 86_400_000,
): OpsCtx {
  return {
    db: world.hub.hub.database.db,
    now,
    log: world.hub.hub.log,
    confirmTimeoutMs: 60_000,
    retentionMs,
    metrics: world.hub.hub.metrics,
    results: { settled: async () => undefined },
  };
}
