import { type Database, type OperatorScope, operatorKeys } from "@yunlian/db";
import { sha256Hex, timingSafeEqualStr } from "@yunlian/secrets";
import { and, eq, isNull } from "drizzle-orm";

/** Who is acting on the admin API, the console or /metrics. */
export interface Operator {
  /** "bootstrap" (HUB_ADMIN_TOKEN) or the operator key's name. */
  name: string;
  scope: OperatorScope;
  /** The operator key's id; undefined for the bootstrap token. */
  keyId?: string;
}

/** The bootstrap token's name in the audit log; no operator key may take it. */
export const BOOTSTRAP = "bootstrap";

/** The audit actor of an operator: "operator:<name>" (beside "platform:<platId>" and "anonymous"). */
export const operatorActor = (operator: Operator): string => `operator:${operator.name}`;

/** A GET or HEAD: what a `read` key may do. */
export const isReadMethod = (method: string): boolean => method === "GET" || method === "HEAD";

/**
 * Resolves a bearer token to an operator: the bootstrap HUB_ADMIN_TOKEN (compared in constant
 * time), or an operator key that is not revoked, found by the SHA-256 of the token (a unique
 * index; the token is 256 random bits, so the hash is as good as a slow one and can be looked
 * up — see docs/security.md). The key table is read on every call, so a revocation holds on
 * every hub instance at once.
 */
export class OperatorAuth {
  constructor(
    private readonly db: Database,
    private readonly bootstrapToken: string,
  ) {}

  async identify(token: string): Promise<Operator | undefined> {
    if (timingSafeEqualStr(token, this.bootstrapToken)) return { name: BOOTSTRAP, scope: "admin" };
    // Only tokens shaped like ours reach the database (a cheap refusal of anything else).
    if (!OPERATOR_KEY.test(token)) return undefined;
    const [key] = await this.db
      .select({ id: operatorKeys.id, name: operatorKeys.name, scope: operatorKeys.scope })
      .from(operatorKeys)
      .where(and(eq(operatorKeys.tokenHash, sha256Hex(token)), isNull(operatorKeys.revokedAt)));
    return key ? { name: key.name, scope: key.scope, keyId: key.id } : undefined;
  }

  /** The key is still valid (not revoked): what a console session opened with it checks. */
  async keyActive(keyId: string): Promise<boolean> {
    const [key] = await this.db
      .select({ id: operatorKeys.id })
      .from(operatorKeys)
      .where(and(eq(operatorKeys.id, keyId), isNull(operatorKeys.revokedAt)));
    return key !== undefined;
  }

  /** A fingerprint of the bootstrap token (console sessions opened with it end when it changes). */
  bootstrapFingerprint(): string {
    return sha256Hex(`yunlian-console-credential.${this.bootstrapToken}`);
  }
}

/** "yko_" + 43 base64url characters (randomToken(32)). */
const OPERATOR_KEY = /^yko_[A-Za-z0-9_-]{43}$/;
