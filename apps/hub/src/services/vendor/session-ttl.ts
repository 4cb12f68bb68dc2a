import { parseDuration } from "@yunlian/config";
import { z } from "zod";

/**
 * adapterConfig.sessionTtl (any adapter): the hub logs in to the vendor again before a session is
 * this old, for clouds that expire sessions on a clock and say so only by refusing a call. Whole
 * seconds, or a duration string ("30m", "12h"). Unset: a session lives until the vendor refuses it.
 */
const sessionTtl = z.union([
  z
    .number()
    .int()
    .positive()
    .max(365 * 86_400)
    .transform((seconds) => seconds * 1000),
  z.string().transform((text, ctx) => {
    try {
      const ms = parseDuration(text);
      if (ms >= 1000) return ms;
      ctx.addIssue({ code: "custom", message: "at least 1s" });
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
    return z.NEVER;
  }),
]);

/** The part of any adapterConfig the hub itself reads (validated at registration and PATCH). */
export const vendorSessionConfig = z.looseObject({ sessionTtl: sessionTtl.optional() });

const cache = new WeakMap<object, number | undefined>();

/**
 * A vendor's session lifetime in ms, or undefined for none; read once per config object (the
 * registry hands over the same object for every call, and replaces it on a change).
 */
export function sessionTtlMs(adapterConfig: unknown): number | undefined {
  if (adapterConfig === null || typeof adapterConfig !== "object") return undefined;
  if (cache.has(adapterConfig)) return cache.get(adapterConfig);
  const parsed = vendorSessionConfig.safeParse(adapterConfig);
  const ttl = parsed.success ? parsed.data.sessionTtl : undefined;
  cache.set(adapterConfig, ttl);
  return ttl;
}
