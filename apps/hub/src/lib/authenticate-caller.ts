import type { IncomingHttpHeaders } from "node:http";
import type { TLSSocket } from "node:tls";
import type { CommonHeaders } from "@yunlian/protocol";
import { comparisonDigest, timingSafeEqualToDigest } from "@yunlian/secrets";
import { liveSecrets, type PlatformRecord } from "../registry/platform-record.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import { headerValue } from "./caller-request.ts";
import { unauthorized } from "./hub-error.ts";
import type { ReplayStore } from "./replay-guard.ts";
import { requestSignatureProblem } from "./request-signature.ts";

export interface CallerEvidence {
  headers: CommonHeaders;
  /** Lower-case names (node:http's record): the signature headers are read from here. */
  rawHeaders: IncomingHttpHeaders;
  method: string;
  /**
   * The request target the platform signed: path and query string as received, with the path of
   * HUB_PUBLIC_URL in front when a proxy strips it (docs/design.md §7).
   */
  target: string;
  rawBody: string;
  /** The TLS socket when the hub serves HTTPS (mtls mode reads the client certificate). */
  socket?: unknown;
}

export interface AuthenticateOptions {
  /**
   * The standard API accepts the previous appSecret while its rotation grace lasts; self-service
   * never does (docs/design.md §7), so a stolen secret that was rotated away cannot rotate again
   * or re-point the platform's URLs.
   */
  acceptPreviousSecret: boolean;
  /**
   * The secret segment of the vendor's ingestUrl the request was sent to: it names the platform
   * instead of the PlatID header (docs/design.md §7).
   */
  ingestSegment?: string;
  now?: Date;
}

/** Each record's AppID as compared (records are replaced, not changed, when a platform changes). */
const appIdDigests = new WeakMap<PlatformRecord, { appId: string; digest: string }>();

function appIdDigestOf(platform: PlatformRecord): string {
  const known = appIdDigests.get(platform);
  if (known?.appId === platform.appId) return known.digest;
  const digest = comparisonDigest(platform.appId);
  appIdDigests.set(platform, { appId: platform.appId, digest });
  return digest;
}

/** Longest webhook-id remembered: ids are keys of the replay store, so they are bounded. */
const MAX_WEBHOOK_ID = 256;

/**
 * Who is calling: the platform its PlatID names, proven the way that platform registered
 * (docs/design.md §7 security modes). With mutual TLS the PlatID header may be omitted (the
 * certificate names the platform); when sent, it must name the certificate's platform. The
 * AppID header must be the one the hub issued to that same platform: required in mode `none`
 * (PlatID + AppID are all it proves itself with), checked whenever sent. Every failure is a 401
 * that says what was wrong, never which secret.
 */
export async function authenticateCaller(
  registry: PlatformRegistry,
  replay: ReplayStore,
  evidence: CallerEvidence,
  options: AuthenticateOptions,
): Promise<PlatformRecord> {
  const { appId } = evidence.headers;
  if (options.ingestSegment !== undefined) {
    return authenticateByIngestUrl(registry, replay, evidence, {
      ...options,
      ingestSegment: options.ingestSegment,
    });
  }
  const platId = evidence.headers.platId ?? platformOfCertificate(registry, evidence.socket)?.platId;
  if (!platId) throw unauthorized("header PlatID is required");
  const platform = registry.get(platId);
  if (!platform) throw unauthorized(`PlatID ${platId} is not registered at this hub`);
  if (appId === undefined && platform.securityMode === "none") {
    throw unauthorized(`header AppID is required: send the AppID the hub issued to PlatID ${platId}`);
  }
  // Compared in constant time: in mode none the AppID is what the platform proves itself with.
  if (appId !== undefined && !timingSafeEqualToDigest(appId, appIdDigestOf(platform))) {
    throw unauthorized(`AppID ${appId} was not issued to PlatID ${platId}`);
  }
  if (platform.securityMode === "mtls") verifyCertificate(platform, evidence.socket);
  else if (platform.securityMode === "hmac") await verifySignature(platform, replay, evidence, options);
  return platform;
}

/**
 * A report sent to a vendor's ingestUrl: the URL names the vendor, so no PlatID or AppID header is
 * needed (table 50 gives the report none); headers that are sent must agree with it. In mode none
 * the URL is the whole credential; hmac and mtls still need their signature or certificate.
 */
async function authenticateByIngestUrl(
  registry: PlatformRegistry,
  replay: ReplayStore,
  evidence: CallerEvidence,
  options: AuthenticateOptions & { ingestSegment: string },
): Promise<PlatformRecord> {
  const platform = registry.vendorByIngestSegment(options.ingestSegment, options.now ?? new Date());
  if (!platform) {
    throw unauthorized(
      "this ingestUrl is not (or no longer) valid: use the ingestUrl of the vendor's registration or latest rotation",
    );
  }
  const { platId, appId } = evidence.headers;
  if (platId !== undefined && platId !== platform.platId) {
    throw unauthorized(`PlatID ${platId} is not the platform this ingestUrl belongs to`);
  }
  if (appId !== undefined && !timingSafeEqualToDigest(appId, appIdDigestOf(platform))) {
    throw unauthorized(`AppID ${appId} was not issued to the platform this ingestUrl belongs to`);
  }
  if (platform.securityMode === "mtls") verifyCertificate(platform, evidence.socket);
  else if (platform.securityMode === "hmac") await verifySignature(platform, replay, evidence, options);
  return platform;
}

async function verifySignature(
  platform: PlatformRecord,
  replay: ReplayStore,
  evidence: CallerEvidence,
  options: AuthenticateOptions,
): Promise<void> {
  const id = headerValue(evidence.rawHeaders, "webhook-id");
  const timestamp = headerValue(evidence.rawHeaders, "webhook-timestamp");
  const signature = headerValue(evidence.rawHeaders, "webhook-signature");
  if (!id || !timestamp || !signature) {
    throw unauthorized(
      "this platform signs its requests: webhook-id, webhook-timestamp and webhook-signature are required",
    );
  }
  if (id.length > MAX_WEBHOOK_ID) throw unauthorized(`webhook-id: at most ${MAX_WEBHOOK_ID} characters`);
  const secrets = options.acceptPreviousSecret
    ? liveSecrets(platform.appSecret, options.now ?? new Date())
    : [platform.appSecret.current];
  const problem = requestSignatureProblem(
    secrets,
    { method: evidence.method, target: evidence.target, body: evidence.rawBody },
    { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature },
  );
  if (problem) {
    throw unauthorized(
      `request signature rejected: ${problem} (signed: webhook-id.webhook-timestamp.METHOD path\\nbody, docs/design.md §7)`,
    );
  }
  // Claimed only after the signature verified: forged requests cannot fill the store.
  if (!(await replay.claim(`${platform.platId}\u0000${id}`))) {
    throw unauthorized(`webhook-id ${id} was already used: replayed request refused`);
  }
}

/** Normalised SHA-256 fingerprint: lowercase hex without separators. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, "").toLowerCase();
}

/** The verified client certificate's fingerprint, or undefined (no TLS, no or untrusted cert). */
function presentedFingerprint(socket: unknown): string | undefined {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getPeerCertificate !== "function" || tls.authorized !== true) return undefined;
  const cert = tls.getPeerCertificate();
  return cert?.fingerprint256 ? normaliseFingerprint(cert.fingerprint256) : undefined;
}

/** The one mtls platform that registered the presented certificate (none when ambiguous). */
function platformOfCertificate(registry: PlatformRegistry, socket: unknown): PlatformRecord | undefined {
  const presented = presentedFingerprint(socket);
  if (!presented) return undefined;
  const owners = registry
    .all()
    .filter(
      (p) =>
        p.securityMode === "mtls" && p.certFingerprints.some((fp) => normaliseFingerprint(fp) === presented),
    );
  return owners.length === 1 ? owners[0] : undefined;
}

function verifyCertificate(platform: PlatformRecord, socket: unknown): void {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getPeerCertificate !== "function") {
    throw unauthorized(
      "this platform authenticates with a client certificate: call the hub over HTTPS (mTLS)",
    );
  }
  const presented = presentedFingerprint(socket);
  if (!presented) throw unauthorized("no trusted client certificate was presented");
  if (!platform.certFingerprints.some((fp) => normaliseFingerprint(fp) === presented)) {
    throw unauthorized(`the client certificate is not one registered for PlatID ${platform.platId}`);
  }
}
