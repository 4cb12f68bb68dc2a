import { randomBytes } from "node:crypto";
import type { AdapterRegistry } from "@yunlian/adapter-sdk";
import type { Database } from "@yunlian/db";
import { manufacturerCodes, platforms } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import { eq } from "drizzle-orm";
import { conflict, invalid, notFound } from "../../lib/hub-error.ts";
import { resolvedUrlProblem, urlProblem } from "../../lib/url-guard.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { PlatformSync } from "../../registry/platform-sync.ts";
import { restoreRedacted } from "../../security/redact.ts";
import { type Actor, type AuditCtx, audit } from "../audit/audit.ts";
import type { AuthChanges } from "../users/users-context.ts";
import { vendorSessionConfig } from "../vendor/session-ttl.ts";
import { checkFingerprints, claimFingerprints } from "./fingerprints.ts";
import type { RegisterPlatformInput, UpdatePlatformInput } from "./platform-input.ts";
import { type IssuedSecrets, issuePlatformSecrets, rotatedPlatformSecrets } from "./platform-secrets.ts";
import { platformView } from "./platform-view.ts";
import { sealSecrets } from "./sealed-config.ts";
import { uniqueViolation } from "./unique-violation.ts";

/**
 * How long, after a rotation, the previous appSecret keeps verifying on the standard API (never
 * on self-service) and webhooks carry the previous webhookSecret's signature too.
 */
const SECRET_ROTATION_GRACE_MS = 24 * 3_600_000;

type Settings = Omit<RegisterPlatformInput, "platId" | "sandbox">;

/** What managing the platform registry uses. */
export interface PlatformsCtx extends AuditCtx {
  db: Database;
  keyring: Keyring;
  registry: PlatformRegistry;
  platformSync: PlatformSync;
  adapters: AdapterRegistry;
  authChanges: AuthChanges;
  /** HUB_ALLOW_PRIVATE_URLS: loopback/private URLs may be registered (development only). */
  allowPrivateUrls: boolean;
  /** HUB_PUBLIC_URL: the front of every vendor's ingestUrl. */
  publicUrl?: string;
  now(): Date;
}

/** "platform.update" for the operator, "self.update" through self-service. */
const actionOf = (by: Actor, verb: string) => `${by.viaSelf ? "self" : "platform"}.${verb}`;

/** The cross-field rules of docs/design.md §7, checked on the platform as it would be stored. */
function checkSettings(ctx: PlatformsCtx, platId: string, s: Settings): void {
  for (const key of ["apiBaseUrl", "verifyUrl", "dataGatewayUrl"] as const) {
    const url = s[key];
    if (url) {
      const problem = urlProblem(url, ctx.allowPrivateUrls);
      if (problem) throw invalid(`${key}: ${problem}`);
    }
  }
  if (s.manufacturerCodes.length > 0 && !s.apiBaseUrl) {
    throw invalid("apiBaseUrl: required when manufacturerCodes is not empty");
  }
  if (new Set(s.manufacturerCodes).size !== s.manufacturerCodes.length) {
    throw invalid("manufacturerCodes: each code may appear once");
  }
  const adapter = ctx.adapters.get(s.adapter);
  if (!adapter)
    throw invalid(`adapter: unknown adapter "${s.adapter}" (known: ${ctx.adapters.names().join(", ")})`);
  const config = adapter.configSchema.safeParse(s.adapterConfig);
  if (!config.success) {
    const issue = config.error.issues[0];
    throw invalid(`adapterConfig.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  // What the hub itself reads from any adapter's config (session lifetime).
  const hubPart = vendorSessionConfig.safeParse(s.adapterConfig);
  if (!hubPart.success) {
    const issue = hubPart.error.issues[0];
    throw invalid(`adapterConfig.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  if (s.security.mode === "mtls" && s.security.certFingerprints.length === 0) {
    throw invalid("security.certFingerprints: at least one is required for mode mtls");
  }
  for (const code of s.manufacturerCodes) {
    const owner = ctx.registry.ownerOfCode(code);
    if (owner && owner.platId !== platId)
      throw conflict(`manufacturer code ${code} is already owned by ${owner.platId}`);
  }
  checkFingerprints(ctx.registry, platId, s.security.certFingerprints);
}

/** The registered URLs' host names resolved: none may answer with a private address (SSRF). */
async function checkResolvedUrls(ctx: PlatformsCtx, s: Settings): Promise<void> {
  for (const key of ["apiBaseUrl", "verifyUrl", "dataGatewayUrl"] as const) {
    const url = s[key];
    const problem = url ? await resolvedUrlProblem(url, ctx.allowPrivateUrls) : undefined;
    if (problem) throw invalid(`${key}: ${problem}`);
  }
}

function warnPlainMode(ctx: PlatformsCtx, platId: string, mode: string): void {
  if (mode === "none") {
    ctx.log.warn(
      { platId },
      "platform uses security mode none: its requests are not signed or certificate-bound",
    );
  }
}

export async function reloaded(ctx: PlatformsCtx, platId: string): Promise<PlatformRecord> {
  await ctx.platformSync.refresh(platId);
  await ctx.platformSync.announce(platId);
  const record = ctx.registry.get(platId);
  if (!record) throw notFound(`platform ${platId} not found`);
  return record;
}

function rethrowConflicts(err: unknown, platId: string): never {
  const unique = uniqueViolation(err);
  if (unique?.constraint?.includes("manufacturer")) {
    throw conflict(
      `a manufacturer code is already owned by another platform${unique.detail ? ` (${unique.detail})` : ""}`,
    );
  }
  if (unique) throw conflict(`platform ${platId} already exists`);
  throw err;
}

/**
 * Registers a platform (docs/design.md §7); its appSecret and webhookSecret are returned once,
 * here. Audited.
 */
export async function registerPlatform(
  ctx: PlatformsCtx,
  input: RegisterPlatformInput,
  by: Actor,
): Promise<{ record: PlatformRecord } & IssuedSecrets> {
  if (ctx.registry.get(input.platId)) throw conflict(`platform ${input.platId} already exists`);
  checkSettings(ctx, input.platId, input);
  await checkResolvedUrls(ctx, input);
  const secrets = issuePlatformSecrets(ctx.keyring, input.platId);
  try {
    await ctx.db.transaction(async (tx) => {
      await claimFingerprints(tx, input.platId, input.security.certFingerprints);
      await tx.insert(platforms).values({
        platId: input.platId,
        name: input.name,
        adapter: input.adapter,
        adapterConfig: sealSecrets(input.adapterConfig, ctx.keyring, input.platId) as Record<string, unknown>,
        apiBaseUrl: input.apiBaseUrl ?? null,
        verifyUrl: input.verifyUrl ?? null,
        dataGatewayUrl: input.dataGatewayUrl ?? null,
        vendorAppId: input.appId ?? null,
        appId: `YL${randomBytes(12).toString("hex").toUpperCase()}`,
        ...secrets.columns,
        securityMode: input.security.mode,
        certFingerprints: input.security.certFingerprints,
        httpStatus: input.httpStatus,
        events: input.events,
        sandbox: input.sandbox,
      });
      if (input.manufacturerCodes.length > 0) {
        await tx
          .insert(manufacturerCodes)
          .values(input.manufacturerCodes.map((code) => ({ code, platId: input.platId })));
      }
    });
  } catch (err) {
    rethrowConflicts(err, input.platId);
  }
  warnPlainMode(ctx, input.platId, input.security.mode);
  const record = await reloaded(ctx, input.platId);
  await audit(ctx, {
    actor: by.actor,
    action: "platform.register",
    target: record.platId,
    outcome: "ok",
    detail: {
      manufacturerCodes: record.manufacturerCodes,
      securityMode: record.securityMode,
      httpStatus: record.httpStatus,
      events: record.events,
      sandbox: record.sandbox,
    },
  });
  return { record, ...secrets.clear };
}

/** Changes any field but platId; omitted fields stay. Audited with the fields changed. */
export async function updatePlatform(
  ctx: PlatformsCtx,
  platId: string,
  input: UpdatePlatformInput,
  by: Actor,
) {
  const current = ctx.registry.get(platId);
  if (!current) throw notFound(`platform ${platId} not found`);
  if (input.platId !== undefined && input.platId !== platId) throw invalid("platId: cannot be changed");
  if (input.sandbox !== undefined && input.sandbox !== current.sandbox) {
    throw invalid(
      `sandbox: set at registration; a sandbox platform becomes production only through POST /admin/v1/platforms/${platId}/promote`,
    );
  }
  const next: Settings = {
    name: input.name ?? current.name,
    manufacturerCodes: input.manufacturerCodes ?? current.manufacturerCodes,
    adapter: input.adapter ?? current.adapter,
    // "***" (what GET shows for a stored secret) keeps the stored value.
    adapterConfig: (input.adapterConfig
      ? restoreRedacted(input.adapterConfig, current.adapterConfig)
      : current.adapterConfig) as Record<string, unknown>,
    apiBaseUrl: input.apiBaseUrl === undefined ? current.apiBaseUrl : input.apiBaseUrl,
    verifyUrl: input.verifyUrl === undefined ? current.verifyUrl : input.verifyUrl,
    dataGatewayUrl: input.dataGatewayUrl === undefined ? current.dataGatewayUrl : input.dataGatewayUrl,
    appId: input.appId === undefined ? current.vendorAppId : input.appId,
    httpStatus: input.httpStatus ?? current.httpStatus,
    events: input.events ?? current.events,
    security: {
      mode: input.security?.mode ?? current.securityMode,
      certFingerprints: input.security?.certFingerprints ?? current.certFingerprints,
    },
  };
  checkSettings(ctx, platId, next);
  await checkResolvedUrls(ctx, next);
  try {
    await ctx.db.transaction(async (tx) => {
      if (input.security?.certFingerprints !== undefined)
        await claimFingerprints(tx, platId, next.security.certFingerprints);
      await tx
        .update(platforms)
        .set({
          name: next.name,
          adapter: next.adapter,
          adapterConfig: sealSecrets(next.adapterConfig, ctx.keyring, platId) as Record<string, unknown>,
          apiBaseUrl: next.apiBaseUrl ?? null,
          verifyUrl: next.verifyUrl ?? null,
          dataGatewayUrl: next.dataGatewayUrl ?? null,
          vendorAppId: next.appId ?? null,
          securityMode: next.security.mode,
          certFingerprints: next.security.certFingerprints,
          httpStatus: next.httpStatus,
          events: next.events,
          // A new receiver URL is a fresh start for an endpoint disabled by a 410.
          ...(input.dataGatewayUrl !== undefined ? { dataGatewayDisabledAt: null } : {}),
          updatedAt: ctx.now(),
        })
        .where(eq(platforms.platId, platId));
      if (input.manufacturerCodes !== undefined) {
        await tx.delete(manufacturerCodes).where(eq(manufacturerCodes.platId, platId));
        if (next.manufacturerCodes.length > 0) {
          await tx.insert(manufacturerCodes).values(next.manufacturerCodes.map((code) => ({ code, platId })));
        }
      }
    });
  } catch (err) {
    rethrowConflicts(err, platId);
  }
  if (input.security?.mode) warnPlainMode(ctx, platId, input.security.mode);
  const record = await reloaded(ctx, platId);
  await audit(ctx, {
    actor: by.actor,
    action: actionOf(by, "update"),
    target: platId,
    outcome: "ok",
    detail: { fields: Object.keys(input) },
  });
  return record;
}

/** Removes a platform; its users, tokens and bindings go with it (cascade). Audited. */
export async function deletePlatform(ctx: PlatformsCtx, platId: string, by: Actor): Promise<void> {
  const deleted = await ctx.db
    .delete(platforms)
    .where(eq(platforms.platId, platId))
    .returning({ platId: platforms.platId });
  if (deleted.length === 0) throw notFound(`platform ${platId} not found`);
  // Its users, tokens and bindings are gone (cascade): no instance may keep serving them.
  await ctx.authChanges.announce("*");
  await ctx.platformSync.refresh(platId);
  await ctx.platformSync.announce(platId);
  await audit(ctx, { actor: by.actor, action: "platform.delete", target: platId, outcome: "ok" });
}

/** What a rotation answers (docs/design.md §7). */
export interface RotatedSecrets extends IssuedSecrets {
  /** When the previous appSecret and webhookSecret stop working; null when they stopped at once. */
  previousSecretValidUntil: string | null;
  /** A vendor's new ingestUrl (the previous one works as long as the previous appSecret). */
  ingestUrl?: string;
}

/**
 * A new appSecret and webhookSecret. The previous ones keep working for `graceMs` (default and
 * at most SECRET_ROTATION_GRACE_MS; 0 ends them at once, for a secret known to be stolen): the
 * previous appSecret on the standard API only, the previous webhookSecret as a second signature
 * on webhooks. Audited.
 */
export async function rotateSecret(
  ctx: PlatformsCtx,
  platId: string,
  by: Actor,
  options: { graceMs?: number } = {},
): Promise<RotatedSecrets> {
  const graceMs = Math.min(options.graceMs ?? SECRET_ROTATION_GRACE_MS, SECRET_ROTATION_GRACE_MS);
  const graceUntil = graceMs > 0 ? new Date(ctx.now().getTime() + graceMs) : null;
  const clear = await ctx.db.transaction(async (tx) => {
    // Locked: two rotations at once must not both keep the same "previous" secret.
    const [current] = await tx
      .select({
        secretCiphertext: platforms.secretCiphertext,
        secretKeyId: platforms.secretKeyId,
        webhookSecretCiphertext: platforms.webhookSecretCiphertext,
        webhookSecretKeyId: platforms.webhookSecretKeyId,
      })
      .from(platforms)
      .where(eq(platforms.platId, platId))
      .for("update");
    if (!current) throw notFound(`platform ${platId} not found`);
    const rotated = rotatedPlatformSecrets(ctx.keyring, platId, current, graceUntil);
    await tx
      .update(platforms)
      .set({ ...rotated.columns, updatedAt: ctx.now() })
      .where(eq(platforms.platId, platId));
    return rotated.clear;
  });
  const record = await reloaded(ctx, platId);
  await audit(ctx, {
    actor: by.actor,
    action: actionOf(by, "rotateSecret"),
    target: platId,
    outcome: "ok",
    detail: { graceSeconds: Math.round(graceMs / 1000) },
  });
  const { ingestUrl } = platformView(record, ctx.publicUrl);
  return {
    ...clear,
    previousSecretValidUntil: graceUntil?.toISOString() ?? null,
    ...(ingestUrl === null ? {} : { ingestUrl }),
  };
}
