import type { CommandContext, OptionDef } from "../command.ts";
import { UsageError } from "../errors.ts";
import { oneOf, parseJsonObject, readJsonObject } from "./shared.ts";

const SECURITY_MODES = ["none", "hmac", "mtls"] as const;
const HTTP_STATUS_MODES = ["mirror", "always200"] as const;
/** Extra deliveries a platform may opt in to (docs/design.md §7). */
const EVENTS = ["opResult"] as const;

/** Flags that set platform fields: shared by register and edit. */
export const platformFieldOptions: Record<string, OptionDef> = {
  name: { type: "string", value: "<name>", description: "display name" },
  code: {
    type: "string",
    multiple: true,
    value: "<MMMMMM>",
    description: "manufacturer code the platform owns (6 digits)",
  },
  adapter: {
    type: "string",
    value: "<adapter>",
    description:
      'adapter that talks to the platform: standard, miot, tuya or one the hub loads with HUB_ADAPTERS (hub default: "standard")',
  },
  "adapter-config": { type: "string", value: "<json>", description: "adapter configuration, a JSON object" },
  "api-base-url": {
    type: "string",
    value: "<url>",
    description: "the platform's standard API base, e.g. https://vendor.example/v1",
  },
  "verify-url": { type: "string", value: "<url>", description: "the platform's user verify URL" },
  "data-gateway-url": {
    type: "string",
    value: "<url>",
    description: "where the hub delivers status reports",
  },
  "app-id": { type: "string", value: "<appId>", description: "the AppID the platform issued to the hub" },
  mode: {
    type: "string",
    value: "<mode>",
    description: "security mode: none | hmac | mtls (hub default: hmac)",
  },
  "http-status": {
    type: "string",
    value: "<mode>",
    description:
      "HTTP status of the hub's /v1 answers: mirror (the RetCode, hub default) | always200 (HTTP 200, RetCode in the body, for a client built to the letter of the standard)",
  },
  events: {
    type: "string",
    value: "<list>",
    description:
      'extra deliveries to its dataGatewayUrl, comma-separated: opResult (the outcome of its devices/op commands); "" for none',
  },
  "cert-fingerprint": {
    type: "string",
    multiple: true,
    value: "<sha256>",
    description: "client certificate SHA-256 fingerprint (mode mtls)",
  },
  file: {
    type: "string",
    value: "<body.json>",
    description: "read the JSON body from a file; flags override its fields",
  },
};

/**
 * The JSON body from --file plus the field flags (flags win). For edit, an empty string clears a
 * URL or the vendor AppID (sent as null).
 */
export function platformBody(
  ctx: CommandContext,
  command: string,
  forEdit: boolean,
): Record<string, unknown> {
  const { flags } = ctx;
  const file = flags.string("file");
  const body: Record<string, unknown> = file ? readJsonObject(file, ctx.io, command) : {};
  const orNull = (v: string) => (forEdit && v === "" ? null : v);

  const name = flags.string("name");
  if (name !== undefined) body.name = name;
  const codes = flags.strings("code");
  if (codes.length > 0) {
    const bad = codes.find((c) => !/^\d{6}$/.test(c));
    if (bad !== undefined)
      throw new UsageError(`--code "${bad}" is not a 6-digit manufacturer code`, command);
    body.manufacturerCodes = codes;
  }
  if (flags.bool("clear-codes")) {
    if (codes.length > 0) throw new UsageError("--clear-codes and --code exclude each other", command);
    body.manufacturerCodes = [];
  }
  const adapter = flags.string("adapter");
  if (adapter !== undefined) body.adapter = adapter;
  const adapterConfig = flags.string("adapter-config");
  if (adapterConfig !== undefined)
    body.adapterConfig = parseJsonObject(adapterConfig, "--adapter-config", command);
  const urls = [
    ["api-base-url", "apiBaseUrl"],
    ["verify-url", "verifyUrl"],
    ["data-gateway-url", "dataGatewayUrl"],
    ["app-id", "appId"],
  ] as const;
  for (const [flag, field] of urls) {
    const v = flags.string(flag);
    if (v !== undefined) body[field] = orNull(v);
  }

  const httpStatus = oneOf(flags.string("http-status"), HTTP_STATUS_MODES, "http-status", command);
  if (httpStatus !== undefined) body.httpStatus = httpStatus;

  const events = flags.string("events");
  if (events !== undefined) {
    const list = events
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    for (const e of list) oneOf(e, EVENTS, "events", command);
    body.events = list;
  }

  const mode = oneOf(flags.string("mode"), SECURITY_MODES, "mode", command);
  const fingerprints = flags.strings("cert-fingerprint");
  if (mode !== undefined || fingerprints.length > 0) {
    const given = body.security;
    const security: Record<string, unknown> =
      given !== null && typeof given === "object" && !Array.isArray(given) ? { ...given } : {};
    if (mode !== undefined) security.mode = mode;
    if (fingerprints.length > 0) security.certFingerprints = fingerprints;
    body.security = security;
  }
  return body;
}
