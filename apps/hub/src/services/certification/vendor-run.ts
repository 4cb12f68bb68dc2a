import type { Adapter, AdapterCall, SessionStore } from "@yunlian/adapter-sdk";
import { hubUsers, statusReports, verifyTokens } from "@yunlian/db";
import { randomToken, sha256Hex } from "@yunlian/secrets";
import { and, desc, eq, gte, inArray, isNotNull } from "drizzle-orm";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { newUserId } from "../users/login.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import type { VendorCtx } from "../vendor/vendor-context.ts";
import { checkClause, expect, waitFor } from "./clause-runner.ts";
import { VENDOR_CLAUSES, type VendorClauseId } from "./clauses.ts";
import type { RecordingHttp } from "./recording-http.ts";
import { ClauseFailure, NotApplicable, type ReportBuilder } from "./report.ts";
import type { VendorRunInput } from "./run-input.ts";

const clause = (id: VendorClauseId) => {
  const def = VENDOR_CLAUSES.find((c) => c.id === id);
  if (!def) throw new Error(`unknown clause ${id}`);
  return def;
};

export interface VendorRunCtx {
  vendors: VendorCtx;
  http: RecordingHttp;
  report: ReportBuilder;
  deadline: number;
  /** How long the run waits for the cloud's report of the commanded state. */
  reportWaitMs: number;
  clock(): number;
}

/** The hub user a test user name becomes: namespaced under the vendor, never a real user's loginID. */
const testLoginId = (name: string) => `~cert-${name}`;

/**
 * A vendor cloud's certification (docs/partners.md "Certification"): the hub, as an app platform
 * would through it, exercises every interface of the standard through the vendor's own adapter
 * against its live cloud, with hub users of its own (namespaced `~cert-…`, removed afterwards) and
 * only the devices the vendor listed. Nothing is written for any other platform: the run records no
 * bindings, so no other tenant sees its devices or receives deliveries because of it.
 */
export async function runVendorCertification(
  ctx: VendorRunCtx,
  vendor: PlatformRecord,
  input: VendorRunInput,
): Promise<void> {
  const { vendors, http, report } = ctx;
  const names = input.testUsers ?? ["tester"];
  const userIds = await createTestUsers(vendors, vendor, names);
  try {
    const [main, ...others] = userIds;
    if (!main) return;
    const flow = new VendorFlow(ctx, vendor, main, input);
    await flow.run();
    // Every further test user logs in too: the login clause covers each (a first failure stands).
    for (const other of others) {
      if (report.outcomeOf("login") !== "pass") break;
      const extra = new VendorFlow(ctx, vendor, other, input);
      await checkClause(report, http, clause("login"), () => extra.loginOnly());
    }
  } finally {
    await vendors.db.delete(hubUsers).where(inArray(hubUsers.userId, userIds));
    for (const id of userIds) vendors.sessions.delete(id, vendor.platId);
  }
}

async function createTestUsers(ctx: VendorCtx, vendor: PlatformRecord, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const [row] = await ctx.db
      .insert(hubUsers)
      .values({ userId: newUserId(), platId: vendor.platId, loginId: testLoginId(name) })
      .onConflictDoUpdate({ target: [hubUsers.platId, hubUsers.loginId], set: { updatedAt: ctx.now() } })
      .returning({ userId: hubUsers.userId });
    if (row) ids.push(row.userId);
  }
  return ids;
}

/** A session store that counts saves: every (re-)login through withSession saves once. */
function countingStore(inner: SessionStore): SessionStore & { saves: number } {
  const store = {
    saves: 0,
    load: () => inner.load(),
    clear: () => inner.clear(),
    save: async (s: Parameters<SessionStore["save"]>[0]) => {
      store.saves += 1;
      await inner.save(s);
    },
  };
  return store;
}

class VendorFlow {
  private readonly adapter: Adapter;
  private readonly call: AdapterCall;
  private readonly store: ReturnType<typeof countingStore>;
  private readonly issued: string[] = [];
  private readonly devices: string[];
  private readonly bogus: string;
  private command: Record<string, string> | undefined;
  private opSentAt: Date | undefined;
  private devicesBound = false;

  constructor(
    private readonly ctx: VendorRunCtx,
    private readonly vendor: PlatformRecord,
    userId: string,
    private readonly input: VendorRunInput,
  ) {
    const target = vendorTarget({ ...ctx.vendors, http: ctx.http }, vendor, userId);
    this.adapter = target.adapter;
    this.store = countingStore(target.call.sessions);
    this.call = {
      ...target.call,
      sessions: this.store,
      issueAuthToken: async () => {
        const token = await target.call.issueAuthToken();
        this.issued.push(token);
        return token;
      },
    };
    this.devices = input.devices;
    // A device of the same vendor and category that cannot exist: the run's own random serial.
    this.bogus = `${input.devices[0]?.slice(0, 13)}ZZCERT${randomToken(16)
      .replace(/[^0-9A-Za-z]/g, "")
      .slice(0, 10)}`;
  }

  private check(id: VendorClauseId, fn: () => Promise<void>) {
    return checkClause(this.ctx.report, this.ctx.http, clause(id), fn);
  }

  async loginOnly(): Promise<void> {
    const session = await this.adapter.login(this.call);
    expect(Boolean(session.vendorUserId), "login answered no userID");
    await this.store.save(session);
  }

  async run(): Promise<void> {
    const loggedIn = await this.check("login", () => this.loginOnly());
    await this.check("verify-callback", () => this.verifyCallback(loggedIn));
    await this.check("bind", () => this.bind());
    // What follows needs the test devices bound, not the whole bind clause passed (its FailedIDs
    // may be wrong about the unknown device alone): one fault fails one clause.
    const bound = this.devicesBound;
    await this.check("list", () => this.list(bound));
    await this.check("info", () => this.info());
    await this.check("modify", () => this.modify(bound));
    await this.check("status", () => this.status(bound));
    const operated = await this.check("op", () => this.op(bound));
    await this.check("report", () => this.reportArrived(operated));
    await this.check("session-expiry", () => this.sessionExpiry(bound));
    await this.check("bad-input", () => this.badInput());
    await this.check("unbind", () => this.unbind(bound));
    await this.check("logout", () => this.logout());
  }

  /** 6.6.1.2: the token the hub issued was presented back to it, and a token it did not issue is refused. */
  private async verifyCallback(loggedIn: boolean): Promise<void> {
    if (this.issued.length === 0) {
      throw new NotApplicable(
        `the ${this.vendor.adapter} adapter logs in without a hub-issued AuthToken, so the cloud has nothing to verify`,
      );
    }
    expect(loggedIn, "depends on login, which failed");
    const used = await this.ctx.vendors.db
      .select({ hash: verifyTokens.tokenHash })
      .from(verifyTokens)
      .where(
        and(inArray(verifyTokens.tokenHash, this.issued.map(sha256Hex)), isNotNull(verifyTokens.usedAt)),
      );
    expect(
      used.length > 0,
      "the cloud logged the user in without calling the hub's verify endpoint (/v1/user/verify) with the AuthToken",
    );
    // A login with an AuthToken the hub never issued: the hub's verify endpoint refuses it, so must the cloud.
    const forged: AdapterCall = {
      ...this.call,
      sessions: countingStore(this.call.sessions),
      issueAuthToken: async () => randomToken(),
    };
    let accepted = false;
    try {
      await this.adapter.login(forged);
      accepted = true;
    } catch {
      // Refused, as it must be.
    }
    expect(
      !accepted,
      "the cloud logged a user in with an AuthToken the hub never issued (the verify answer was ignored)",
    );
  }

  private async bind(): Promise<void> {
    const result = await this.adapter.bind(this.call, [...this.devices, this.bogus]);
    const failed = new Set(result.failedIds);
    const wronglyFailed = this.devices.filter((id) => failed.has(id));
    expect(
      wronglyFailed.length === 0,
      `FailedIDs names test devices that should have bound: ${wronglyFailed.join(", ")}${result.info ? ` (RetInfo: ${result.info})` : ""}`,
    );
    this.devicesBound = true;
    expect(
      failed.has(this.bogus),
      `FailedIDs ${JSON.stringify(result.failedIds)} does not name the unknown device ${this.bogus}`,
    );
    expect(
      failed.size === 1,
      `FailedIDs names devices that were not asked: ${JSON.stringify(result.failedIds)}`,
    );
  }

  private async list(bound: boolean): Promise<void> {
    expect(bound, "depends on bind, which failed");
    const listed = new Set((await this.adapter.listDevices(this.call)).map((d) => d.deviceID));
    const missing = this.devices.filter((id) => !listed.has(id));
    expect(missing.length === 0, `users/devices does not list the bound devices ${missing.join(", ")}`);
  }

  private async info(): Promise<void> {
    const infos = await this.adapter.deviceInfo(this.call, this.devices);
    const answered = new Set(infos.map((d) => d.deviceID));
    const missing = this.devices.filter((id) => !answered.has(id));
    expect(missing.length === 0, `devices/deviceInfo does not describe ${missing.join(", ")}`);
  }

  private async modify(bound: boolean): Promise<void> {
    expect(bound, "depends on bind, which failed");
    const first = this.devices[0] ?? "";
    await this.adapter.modifyDeviceInfo(this.call, [{ deviceID: first, name: "certification" }]);
  }

  private async status(bound: boolean): Promise<void> {
    expect(bound, "depends on bind, which failed");
    const states = await this.adapter.deviceStatus(this.call, this.devices);
    expect(
      states.length === this.devices.length,
      `devices/deviceStatus answered ${states.length} states for ${this.devices.length} devices`,
    );
    states.forEach((s, i) => {
      expect(
        s.deviceId === this.devices[i],
        `state ${i + 1} is for ${s.deviceId}, asked ${this.devices[i]} (request order)`,
      );
      expect(Object.keys(s.attrs).length > 0, `the state of ${s.deviceId} has no DeviceAttr`);
    });
  }

  private async op(bound: boolean): Promise<void> {
    expect(bound, "depends on bind, which failed");
    const first = this.devices[0] ?? "";
    if (this.input.command) this.command = this.input.command;
    else {
      const [state] = await this.adapter.deviceStatus(this.call, [first]);
      const on = String(state?.attrs.onOffStatus ?? "").toLowerCase() === "true";
      this.command = { onOffStatus: on ? "False" : "True" };
    }
    const command = this.command;
    // Reports received from here on may confirm it (a second of slack for clocks between processes).
    this.opSentAt = new Date(this.ctx.vendors.now().getTime() - 1000);
    await this.adapter.op(this.call, [{ deviceId: first, attrs: command }]);
    const shown = await waitFor(
      async () => {
        const [state] = await this.adapter.deviceStatus(this.call, [first]);
        return state && Object.entries(command).every(([k, v]) => state.attrs[k] === v) ? state : undefined;
      },
      Math.min(this.ctx.deadline, this.ctx.clock() + 5000),
      this.ctx.clock,
      500,
    );
    expect(
      shown !== undefined,
      `after devices/op ${JSON.stringify(command)}, devices/deviceStatus of ${first} does not show it`,
    );
  }

  /** 7.2.8: the cloud pushed the commanded state to the hub (its ingestUrl or the dataGateway). */
  private async reportArrived(operated: boolean): Promise<void> {
    expect(
      operated && this.command !== undefined && this.opSentAt !== undefined,
      "depends on op, which failed",
    );
    const command = this.command;
    const since = this.opSentAt;
    const first = this.devices[0] ?? "";
    const db = this.ctx.vendors.db;
    const found = await waitFor(
      async () => {
        const rows = await db
          .select({ status: statusReports.deviceStatus })
          .from(statusReports)
          .where(
            and(
              eq(statusReports.vendorPlatId, this.vendor.platId),
              eq(statusReports.udeviceId, first),
              gte(statusReports.receivedAt, since),
            ),
          )
          .orderBy(desc(statusReports.receivedAt))
          .limit(20);
        return rows.find((r) => Object.entries(command).every(([k, v]) => String(r.status[k]) === v));
      },
      Math.min(this.ctx.deadline, this.ctx.clock() + this.ctx.reportWaitMs),
      this.ctx.clock,
      250,
    );
    expect(
      found !== undefined,
      `no status report of ${first} showing ${JSON.stringify(command)} reached the hub within ${Math.round(this.ctx.reportWaitMs / 1000)} s of the op (report to your ingestUrl)${vendorIdsHint(this.vendor)}`,
    );
  }

  /**
   * Design §7 "Vendor sessions": the stored session's token is replaced by one the cloud never
   * issued; the cloud must refuse it in a way the hub reads as "session gone", so the hub logs in
   * again and the call succeeds.
   */
  private async sessionExpiry(bound: boolean): Promise<void> {
    expect(bound, "depends on bind, which failed");
    const current = await this.store.load();
    expect(current !== undefined, "no session to expire (login failed)");
    await this.store.save({ vendorUserId: current.vendorUserId, accessToken: `expired-${randomToken(16)}` });
    const before = this.store.saves;
    await this.adapter.deviceStatus(this.call, this.devices.slice(0, 1));
    if (this.store.saves > before) return;
    if (this.issued.length === 0) {
      throw new NotApplicable(
        `the ${this.vendor.adapter} adapter sends no per-user token the cloud could find expired`,
      );
    }
    throw new ClauseFailure(
      "the cloud accepted an AccessToken it never issued (the hub could never tell that a session expired)",
    );
  }

  private async badInput(): Promise<void> {
    let refused = false;
    try {
      await this.adapter.op(this.call, [{ deviceId: this.bogus, attrs: { onOffStatus: "True" } }]);
    } catch {
      refused = true;
    }
    expect(refused, `devices/op on the unknown device ${this.bogus} was accepted`);
  }

  private async unbind(bound: boolean): Promise<void> {
    expect(bound, "depends on bind, which failed");
    const result = await this.adapter.unbind(this.call, this.devices);
    expect(
      result.failedIds.length === 0,
      `FailedIDs ${JSON.stringify(result.failedIds)}: the test devices did not unbind`,
    );
    const listed = new Set((await this.adapter.listDevices(this.call)).map((d) => d.deviceID));
    const still = this.devices.filter((id) => listed.has(id));
    expect(still.length === 0, `users/devices still lists ${still.join(", ")} after unbinding`);
  }

  private async logout(): Promise<void> {
    await this.adapter.logout(this.call);
  }
}

/**
 * A vendor naming devices by its own IDs (adapterConfig deviceIds "vendor"): the hub maps its
 * reports to UDeviceIDs through app bindings, which a run does not record (it must not hold a
 * device against other tenants' users), so its report is refused unless an app has bound the device.
 */
function vendorIdsHint(vendor: PlatformRecord): string {
  const config = vendor.adapterConfig as { deviceIds?: unknown } | null;
  return config?.deviceIds === "vendor"
    ? '; with adapterConfig deviceIds "vendor" the hub maps a report to its UDeviceID through an app\'s binding of the device: bind the test device from an app platform before the run'
    : "";
}
