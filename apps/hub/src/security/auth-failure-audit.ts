import { type AuditCtx, audit } from "../services/audit/audit.ts";
import { MemoryRateLimiter } from "./rate-limit.ts";

export interface AuthFailure {
  /** "standard", "admin" or "self": which door was knocked on. */
  surface: string;
  method: string;
  path: string;
  ip?: string;
  /** The PlatID the request claimed (unproven). */
  claimedPlatId?: string;
  reason: string;
  /** The audit action; default `auth.<surface>`. */
  action?: string;
}

const newBudget = () => new MemoryRateLimiter({ perSecond: 5, burst: 50 });

/** Most distinct sources tracked before the table is reset (bounds memory under a flood). */
const MAX_SOURCES = 10_000;

/**
 * Every authentication failure goes to the audit log — but an unauthenticated flood must not
 * turn into an unbounded stream of database writes. Each source address gets a small token
 * bucket of audit rows; failures beyond it are counted and the count is written with the next
 * row that gets through (`detail.suppressed`), so nothing is silently lost.
 */
export class AuthFailureAudit {
  private budget = newBudget();
  private readonly suppressed = new Map<string, number>();
  private sources = 0;

  constructor(private readonly ctx: AuditCtx) {}

  async record(failure: AuthFailure): Promise<void> {
    const source = failure.ip ?? "unknown";
    if (this.sources > MAX_SOURCES) this.reset();
    if (!this.suppressed.has(source)) this.sources++;
    const pending = this.suppressed.get(source) ?? 0;
    if (!this.budget.takeSync(source).allowed) {
      this.suppressed.set(source, pending + 1);
      return;
    }
    this.suppressed.set(source, 0);
    await audit(this.ctx, {
      actor: "anonymous",
      action: failure.action ?? `auth.${failure.surface}`,
      target: failure.claimedPlatId?.slice(0, 128),
      outcome: "denied",
      detail: {
        reason: failure.reason,
        request: `${failure.method} ${failure.path}`.slice(0, 300),
        ip: failure.ip,
        ...(pending > 0 ? { suppressed: pending } : {}),
      },
    });
  }

  private reset(): void {
    this.budget = newBudget();
    this.suppressed.clear();
    this.sources = 0;
  }
}
