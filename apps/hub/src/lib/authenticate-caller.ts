import type { TLSSocket } from "node:tls";
import type { CommonHeaders } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import type { PlatformRecord } from "../registry/platform-record.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import { unauthorized } from "./hub-error.ts";
import type { ReplayGuard } from "./replay-guard.ts";

export interface CallerEvidence {
  headers: CommonHeaders;
  rawHeaders: Headers;
  rawBody: string;
  /** The TLS socket when the hub serves HTTPS (mtls mode reads the client certificate). */
  socket?: unknown;
}

/**
 * Who is calling: the platform its PlatID names, proven the way that platform registered
 * (DESIGN.md §7 security modes). The AppID header, when sent, must be the one the hub issued
 * to that same platform. Every failure is a 401 that says what was wrong, never which secret.
 */
export function authenticateCaller(
  registry: PlatformRegistry,
  replay: ReplayGuard,
  evidence: CallerEvidence,
): PlatformRecord {
  const { platId, appId } = evidence.headers;
  if (!platId) throw unauthorized("header PlatID is required");
  const platform = registry.get(platId);
  if (!platform) throw unauthorized(`PlatID ${platId} is not registered at this hub`);
  if (appId !== undefined && appId !== platform.appId) {
    throw unauthorized(`AppID ${appId} was not issued to PlatID ${platId}`);
  }
  if (platform.securityMode === "hmac") verifySignature(platform, replay, evidence);
  else if (platform.securityMode === "mtls") verifyCertificate(platform, evidence.socket);
  return platform;
}

function verifySignature(platform: PlatformRecord, replay: ReplayGuard, evidence: CallerEvidence): void {
  const id = evidence.rawHeaders.get("webhook-id");
  const timestamp = evidence.rawHeaders.get("webhook-timestamp");
  const signature = evidence.rawHeaders.get("webhook-signature");
  if (!id || !timestamp || !signature) {
    throw unauthorized(
      "this platform signs its requests: webhook-id, webhook-timestamp and webhook-signature are required",
    );
  }
  const headers = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };
  let lastError = "signature does not match";
  const valid = platform.secrets.some((secret) => {
    try {
      // The library compares in constant time and refuses timestamps more than 5 minutes off.
      new Webhook(secret).verify(evidence.rawBody, headers, { jsonParse: false });
      return true;
    } catch (err) {
      lastError = err instanceof Error ? err.message : lastError;
      return false;
    }
  });
  if (!valid) throw unauthorized(`request signature rejected: ${lastError}`);
  if (!replay.firstSeen(`${platform.platId}\u0000${id}`)) {
    throw unauthorized(`webhook-id ${id} was already used: replayed request refused`);
  }
}

/** Normalised SHA-256 fingerprint: lowercase hex without separators. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, "").toLowerCase();
}

function verifyCertificate(platform: PlatformRecord, socket: unknown): void {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getPeerCertificate !== "function") {
    throw unauthorized(
      "this platform authenticates with a client certificate: call the hub over HTTPS (mTLS)",
    );
  }
  const cert = tls.getPeerCertificate();
  if (!cert?.fingerprint256 || tls.authorized !== true) {
    throw unauthorized("no trusted client certificate was presented");
  }
  const presented = normaliseFingerprint(cert.fingerprint256);
  if (!platform.certFingerprints.some((fp) => normaliseFingerprint(fp) === presented)) {
    throw unauthorized(`the client certificate is not one registered for PlatID ${platform.platId}`);
  }
}
