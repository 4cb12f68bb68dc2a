import { randomBytes } from "node:crypto";
import { manufacturerCodes, platforms } from "@yunlian/db";
import { RetCode } from "@yunlian/protocol";
import { encryptSecret, newAppSecret } from "@yunlian/secrets";
import { eq } from "drizzle-orm";
import { conflict, HubError, invalid, notFound } from "../../lib/hub-error.ts";
import { resolvedUrlProblem, urlProblem } from "../../lib/url-guard.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { restoreRedacted } from "../../security/redact.ts";
import type { HubServices } from "../hub-services.ts";
import { announceAuthChange } from "../users/authorize-call.ts";
import type { RegisterPlatformInput, UpdatePlatformInput } from "./platform-input.ts";
import { sealSecrets } from "./sealed-config.ts";
import { uniqueViolation } from "./unique-violation.ts";

/** How long the previous appSecret keeps verifying after a rotation. */
export const SECRET_ROTATION_GRACE_MS = 24 * 3_600_000;

type Settings = Omit<RegisterPlatformInput, "platId">;

/** The cross-field rules of DESIGN.md §7, checked on the platform as it would be stored. */
function checkSettings(services: HubServices, platId: string, s: Settings): void {
  for (const key of ["apiBaseUrl", "verifyUrl", "dataGatewayUrl"] as const) {
    const url = s[key];
    if (url) {
      const problem = urlProblem(url, services.config.allowPrivateUrls);
      if (problem) throw invalid(`${key}: ${problem}`);
    }
  }
  if (s.manufacturerCodes.length > 0 && !s.apiBaseUrl) {
    throw invalid("apiBaseUrl: required when manufacturerCodes is not empty");
  }
  if (new Set(s.manufacturerCodes).size !== s.manufacturerCodes.length) {
    throw invalid("manufacturerCodes: each code may appear once");
  }
  const adapter = services.adapters.get(s.adapter);
  if (!adapter)
    throw invalid(`adapter: unknown adapter "${s.adapter}" (known: ${services.adapters.names().join(", ")})`);
  const config = adapter.configSchema.safeParse(s.adapterConfig);
  if (!config.success) {
    const issue = config.error.issues[0];
    throw invalid(`adapterConfig.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  if (s.security.mode === "mtls" && s.security.certFingerprints.length === 0) {
    throw invalid("security.certFingerprints: at least one is required for mode mtls");
  }
  for (const code of s.manufacturerCodes) {
    const owner = services.registry.ownerOfCode(code);
    if (owner && owner.platId !== platId)
      throw conflict(`manufacturer code ${code} is already owned by ${owner.platId}`);
  }
}

/** The registered URLs' host names resolved: none may answer with a private address (SSRF). */
async function checkResolvedUrls(services: HubServices, s: Settings): Promise<void> {
  for (const key of ["apiBaseUrl", "verifyUrl", "dataGatewayUrl"] as const) {
    const url = s[key];
    const problem = url ? await resolvedUrlProblem(url, services.config.allowPrivateUrls) : undefined;
    if (problem) throw invalid(`${key}: ${problem}`);
  }
}

function warnPlainMode(services: HubServices, platId: string, mode: string): void {
  if (mode === "none") {
    services.log.warn(
      { platId },
      "platform uses security mode none: its requests are not signed or certificate-bound",
    );
  }
}

async function reloaded(services: HubServices, platId: string): Promise<PlatformRecord> {
  await services.platformSync.refresh(platId);
  await services.platformSync.announce(platId);
  const record = services.registry.get(platId);
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

export async function registerPlatform(services: HubServices, input: RegisterPlatformInput) {
  if (services.registry.get(input.platId)) throw conflict(`platform ${input.platId} already exists`);
  checkSettings(services, input.platId, input);
  await checkResolvedUrls(services, input);
  const appSecret = newAppSecret();
  const secret = encryptSecret(services.keyring, appSecret);
  try {
    await services.db.transaction(async (tx) => {
      await tx.insert(platforms).values({
        platId: input.platId,
        name: input.name,
        adapter: input.adapter,
        adapterConfig: sealSecrets(input.adapterConfig, services.keyring) as Record<string, unknown>,
        apiBaseUrl: input.apiBaseUrl ?? null,
        verifyUrl: input.verifyUrl ?? null,
        dataGatewayUrl: input.dataGatewayUrl ?? null,
        vendorAppId: input.appId ?? null,
        appId: `YL${randomBytes(12).toString("hex").toUpperCase()}`,
        secretCiphertext: secret.ciphertext,
        secretKeyId: secret.keyId,
        securityMode: input.security.mode,
        certFingerprints: input.security.certFingerprints,
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
  warnPlainMode(services, input.platId, input.security.mode);
  return { record: await reloaded(services, input.platId), appSecret };
}

export async function updatePlatform(services: HubServices, platId: string, input: UpdatePlatformInput) {
  const current = services.registry.get(platId);
  if (!current) throw notFound(`platform ${platId} not found`);
  if (input.platId !== undefined && input.platId !== platId) throw invalid("platId: cannot be changed");
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
    security: {
      mode: input.security?.mode ?? current.securityMode,
      certFingerprints: input.security?.certFingerprints ?? current.certFingerprints,
    },
  };
  checkSettings(services, platId, next);
  await checkResolvedUrls(services, next);
  try {
    await services.db.transaction(async (tx) => {
      await tx
        .update(platforms)
        .set({
          name: next.name,
          adapter: next.adapter,
          adapterConfig: sealSecrets(next.adapterConfig, services.keyring) as Record<string, unknown>,
          apiBaseUrl: next.apiBaseUrl ?? null,
          verifyUrl: next.verifyUrl ?? null,
          dataGatewayUrl: next.dataGatewayUrl ?? null,
          vendorAppId: next.appId ?? null,
          securityMode: next.security.mode,
          certFingerprints: next.security.certFingerprints,
          // A new receiver URL is a fresh start for an endpoint disabled by a 410.
          ...(input.dataGatewayUrl !== undefined ? { dataGatewayDisabledAt: null } : {}),
          updatedAt: services.now(),
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
  if (input.security?.mode) warnPlainMode(services, platId, input.security.mode);
  return reloaded(services, platId);
}

export async function deletePlatform(services: HubServices, platId: string): Promise<void> {
  const deleted = await services.db
    .delete(platforms)
    .where(eq(platforms.platId, platId))
    .returning({ platId: platforms.platId });
  if (deleted.length === 0) throw notFound(`platform ${platId} not found`);
  // Its users, tokens and bindings are gone (cascade): no instance may keep serving them.
  await announceAuthChange(services, "*");
  await services.platformSync.refresh(platId);
  await services.platformSync.announce(platId);
}

/** A new hub-issued appSecret; the old one keeps verifying for SECRET_ROTATION_GRACE_MS. */
export async function rotateSecret(services: HubServices, platId: string) {
  const appSecret = newAppSecret();
  const secret = encryptSecret(services.keyring, appSecret);
  const graceUntil = new Date(services.now().getTime() + SECRET_ROTATION_GRACE_MS);
  const [current] = await services.db
    .select({ ciphertext: platforms.secretCiphertext, keyId: platforms.secretKeyId })
    .from(platforms)
    .where(eq(platforms.platId, platId));
  if (!current) throw notFound(`platform ${platId} not found`);
  const updated = await services.db
    .update(platforms)
    .set({
      secretCiphertext: secret.ciphertext,
      secretKeyId: secret.keyId,
      previousSecretCiphertext: current.ciphertext,
      previousSecretKeyId: current.keyId,
      previousSecretExpiresAt: graceUntil,
      updatedAt: services.now(),
    })
    .where(eq(platforms.platId, platId))
    .returning({ platId: platforms.platId });
  if (updated.length === 0) throw new HubError(RetCode.NOT_FOUND, `platform ${platId} not found`);
  await reloaded(services, platId);
  return { appSecret, previousSecretValidUntil: graceUntil.toISOString() };
}
