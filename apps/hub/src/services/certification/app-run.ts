import { randomUUID } from "node:crypto";
import type { VendorHttp } from "@yunlian/adapter-sdk/http";
import { newWebhookSecret } from "@yunlian/secrets";
import type { Logger } from "pino";
import { HubError } from "../../lib/hub-error.ts";
import { signedHeaders } from "../../lib/sign.ts";
import { liveSecrets, type PlatformRecord } from "../../registry/platform-record.ts";
import { verifyWithPlatform } from "../users/login.ts";
import { checkClause, expect } from "./clause-runner.ts";
import { APP_CLAUSES, type AppClauseId } from "./clauses.ts";
import type { RecordingHttp } from "./recording-http.ts";
import { NotApplicable, type ReportBuilder } from "./report.ts";
import type { AppRunInput } from "./run-input.ts";

const clause = (id: AppClauseId) => {
  const def = APP_CLAUSES.find((c) => c.id === id);
  if (!def) throw new Error(`unknown clause ${id}`);
  return def;
};

export interface AppRunCtx {
  http: RecordingHttp;
  report: ReportBuilder;
  hubPlatId: string;
  now(): Date;
  log: Logger;
}

/**
 * The hub's built-in simulated device: manufacturer code 000000 is never assigned to a vendor
 * (docs/partners.md "Certification"), so a certification delivery cannot be mistaken for a real
 * device's report, and the app can recognise it.
 */
const CERTIFICATION_DEVICE_ID = "0000000102002001CERTSIM";

/**
 * An app platform's certification: the hub plays a vendor cloud with one simulated device. It asks
 * the app's verify endpoint about its test users, and sends its dataGateway receiver deliveries
 * signed as the hub signs them (Standard Webhooks, the platform's webhookSecret) — and some that
 * are not — reading each answer as the hub's delivery does: accepted is HTTP 2xx and RetCode "200".
 */
export async function runAppCertification(
  ctx: AppRunCtx,
  platform: PlatformRecord,
  input: AppRunInput,
): Promise<void> {
  const { report, http } = ctx;
  const check = (id: AppClauseId, fn: () => Promise<void>) => checkClause(report, http, clause(id), fn);

  await check("verify-endpoint", async () => {
    if (!platform.verifyUrl)
      throw new NotApplicable("no verifyUrl registered: the platform's users do not log in through the hub");
    const login = { now: ctx.now, http, hubPlatId: ctx.hubPlatId, log: ctx.log };
    for (const user of input.testUsers) {
      try {
        await verifyWithPlatform(login, platform, user.loginId, user.authToken);
      } catch (err) {
        expect(
          false,
          `did not vouch for test user ${user.loginId}: ${err instanceof HubError ? err.message : String(err)}`,
        );
      }
      let vouched = true;
      try {
        await verifyWithPlatform(login, platform, user.loginId, `${user.authToken}-not-${randomUUID()}`);
      } catch {
        vouched = false;
      }
      expect(!vouched, `vouched (RetCode "200") for test user ${user.loginId} with a wrong AuthToken`);
    }
  });

  const url = platform.dataGatewayUrl;
  const noGateway = () => {
    if (!url)
      throw new NotApplicable("no dataGatewayUrl registered: the platform receives no status reports");
  };
  const secrets = liveSecrets(platform.webhookSecret, ctx.now());
  const body = () =>
    JSON.stringify({
      DeviceID: CERTIFICATION_DEVICE_ID,
      DataType: "attr",
      DeviceStatus: { onOffStatus: "True", certification: "true" },
      TimeStamp: String(ctx.now().getTime()),
    });
  const send = (text: string, headers: Record<string, string>) => deliver(http, url ?? "", text, headers);

  let acceptedId: string | undefined;
  await check("delivery-accepted", async () => {
    noGateway();
    const text = body();
    const id = `msg_cert_${randomUUID()}`;
    const answer = await send(text, signedHeaders(secrets, text, id, ctx.now()));
    expect(answer.accepted, `a correctly signed delivery was not accepted: ${answer.why}`);
    acceptedId = id;
  });

  await check("delivery-signature", async () => {
    noGateway();
    const text = body();
    const unsigned = await send(text, {});
    expect(
      !unsigned.accepted,
      "a delivery without webhook-id, webhook-timestamp and webhook-signature was accepted",
    );
    const forged = await send(
      text,
      signedHeaders([newWebhookSecret()], text, `msg_cert_${randomUUID()}`, ctx.now()),
    );
    expect(
      !forged.accepted,
      "a delivery signed with a secret that is not the platform's webhookSecret was accepted",
    );
    const signedOther = signedHeaders(
      secrets,
      body().replace('"True"', '"False"'),
      `msg_cert_${randomUUID()}`,
      ctx.now(),
    );
    const tampered = await send(text, signedOther);
    expect(!tampered.accepted, "a delivery whose body differs from what was signed was accepted");
  });

  await check("delivery-retry", async () => {
    noGateway();
    expect(acceptedId !== undefined, "depends on delivery-accepted, which failed");
    // A retry, as the hub sends it: the same webhook-id, a fresh timestamp and signature.
    const text = body();
    const later = new Date(ctx.now().getTime() + 1000);
    const retry = await send(text, signedHeaders(secrets, text, acceptedId, later));
    expect(
      retry.accepted,
      `a retry of an accepted delivery (same webhook-id) was not acknowledged: ${retry.why}; the hub would retry it until it is dead`,
    );
  });

  await check("delivery-stale", async () => {
    noGateway();
    const text = body();
    const old = new Date(ctx.now().getTime() - 10 * 60_000);
    const stale = await send(text, signedHeaders(secrets, text, `msg_cert_${randomUUID()}`, old));
    expect(
      !stale.accepted,
      "a delivery signed 10 minutes ago was accepted (Standard Webhooks tolerates 5 minutes)",
    );
  });
}

async function deliver(
  http: VendorHttp,
  url: string,
  text: string,
  headers: Record<string, string>,
): Promise<{ accepted: boolean; why: string }> {
  let res: Awaited<ReturnType<VendorHttp["send"]>>;
  try {
    res = await http.send("POST", url, {
      body: text,
      headers: { "content-type": "application/json", ...headers },
    });
  } catch (err) {
    return { accepted: false, why: err instanceof Error ? err.message : String(err) };
  }
  let retCode: unknown;
  try {
    retCode = (JSON.parse(res.text) as { RetCode?: unknown }).RetCode;
  } catch {
    retCode = undefined;
  }
  const accepted = res.status >= 200 && res.status < 300 && String(retCode) === "200";
  return { accepted, why: `HTTP ${res.status}, RetCode ${retCode === undefined ? "none" : String(retCode)}` };
}
