// Tables only (plus their row types): `typeof schema` is what drizzle's Database type is built on.
export * from "./access-tokens.ts";
export * from "./audit-log.ts";
export * from "./bindings.ts";
export * from "./console-sessions.ts";
export * from "./deliveries.ts";
export * from "./delivery-attempts.ts";
export * from "./device-grants.ts";
export * from "./device-models.ts";
export * from "./device-shadows.ts";
export * from "./hub-users.ts";
export * from "./manufacturer-codes.ts";
export * from "./operator-keys.ts";
export * from "./platforms.ts";
export * from "./reconcile.ts";
export * from "./status-reports.ts";
export * from "./vendor-sessions.ts";
export * from "./verify-tokens.ts";
