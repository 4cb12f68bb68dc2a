import type { NamedExample } from "./operation.ts";

/**
 * Answer examples of the admin, self-service and model operations. Each one passes the answer's
 * own zod schema (openapi.document.test.ts), so a generated client's types and these values agree.
 */
const at = "2026-01-05T08:30:00.000Z";
const later = "2026-01-05T08:31:02.000Z";

const one = (summary: string, value: unknown): Record<string, NamedExample> => ({
  example: { summary, value },
});

const vendorView = {
  platId: "PARTNER-HAIER-0000",
  name: "Haier U+",
  manufacturerCodes: ["000006"],
  adapter: "standard",
  adapterConfig: {},
  apiBaseUrl: "https://vendor.example/v1",
  verifyUrl: "https://vendor.example/v1/user/verify",
  dataGatewayUrl: "https://vendor.example/v1/dataservices/dataGateway",
  ingestUrl: "https://hub.example/v1/dataservices/dataGateway/Vq3m0h6cX2b9T1pLkY8sWfE4rJ7uZaNdQo5iGxCyBtM",
  vendorAppId: null,
  appId: "17592186044420",
  security: { mode: "hmac", certFingerprints: [] },
  httpStatus: "mirror",
  events: [],
  dataGatewayDisabledAt: null,
  sandbox: false,
  promotedAt: null,
  createdAt: at,
  updatedAt: at,
};

const appView = {
  ...vendorView,
  platId: "APP-PLAT-0001",
  name: "An app platform",
  manufacturerCodes: [],
  apiBaseUrl: null,
  verifyUrl: "https://app.example/v1/user/verify",
  dataGatewayUrl: "https://app.example/v1/dataservices/dataGateway",
  ingestUrl: null,
  appId: "17592186044421",
  events: ["opResult"],
};

const secrets = {
  appSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  webhookSecret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
};

const delivery = {
  id: "msg_3f1c2a4e-9b7d-4c1e-8a2f-6d5e4c3b2a10",
  reportId: 4211,
  platId: "APP-PLAT-0001",
  udeviceId: "0000060102002001C89346112DD5",
  status: "failed",
  attempts: 2,
  nextAttemptAt: "2026-01-05T08:35:02.000Z",
  lastError: "HTTP 503",
  lastHttpStatus: 503,
  deliveredAt: null,
  createdAt: at,
  updatedAt: later,
};

const operatorKey = {
  id: "opk_01JH3T9Q8Z6W4V2X0Y1A2B3C4D",
  name: "grafana",
  scope: "read",
  createdBy: "operator:bootstrap",
  createdAt: at,
  revokedAt: null,
};

const washerModel = {
  deviceType: "02002001",
  version: 2,
  nameZh: "滚筒洗衣机",
  nameEn: "Front-loading washer",
  attributes: [
    { name: "onOffStatus", type: "bool", writable: true, zh: "开关", en: "Power" },
    { name: "laundryCycle", type: "int", min: 0, max: 15, writable: true, zh: "洗涤程序", en: "Cycle" },
  ],
};

export const adminAnswerExamples = {
  health: one("Serving", { status: "ok" }),
  platformCreated: one("A vendor cloud, registered: both secrets are shown only now", {
    ...vendorView,
    ...secrets,
  }),
  platformList: one("A vendor cloud and an app platform", { platforms: [vendorView, appView] }),
  platform: one("A vendor cloud", vendorView),
  secretRotated: one("A planned rotation: the previous secrets work for 24 h", {
    appSecret: "whsec_4u8Hk0bLxq2N7ZQm0Jt5vRcY3pWs9eAg",
    webhookSecret: "whsec_Zb2m7RkT9xq0LwV4pN6cY1hJ8sE3uFgD",
    previousSecretValidUntil: "2026-01-06T08:30:00.000Z",
    ingestUrl: "https://hub.example/v1/dataservices/dataGateway/p0Xw8Lr3Kq7Ns2Vb6Hm1Jc9Ty4Fd5Ge0Aa2Zi8OuMeQ",
  }),
  promoted: one("A certified sandbox vendor promoted: fresh secrets, its test data removed", {
    platform: {
      ...vendorView,
      platId: "PARTNER-ACME-0000",
      name: "Acme",
      manufacturerCodes: ["000042"],
      promotedAt: later,
    },
    appSecret: "whsec_8Qm2Lx0Vb7Kp4Ns1Hc9Ty6Fd3Ge5Aa2Z",
    webhookSecret: "whsec_Rk4v9Xq2Mt7Lp0Wn5Hb8Cy1Js6Ed3Ug",
    ingestUrl: "https://hub.example/v1/dataservices/dataGateway/Lq8Wm3Kr7Nt2Vb6Hx1Jc9Ty4Fd5Ge0Aa2Zi8OuMeQp",
    certifiedAt: at,
    forced: false,
    removed: { users: 3, bindings: 5, grants: 0, devices: 4 },
  }),
  drift: one("A vendor whose reports went missing twice, and a binding it no longer lists", {
    vendors: [
      {
        vendorPlatId: "PARTNER-MIDEA-0000",
        name: "Midea cloud",
        pollsTotal: 1440,
        driftTotal: 2,
        lastDriftAt: "2026-01-05T07:12:00.000Z",
      },
    ],
    bindings: [
      {
        userId: "U7f3a9c2e",
        deviceId: "000006010200200C89346112DD5",
        platId: "APP-PLAT-0001",
        vendorPlatId: "PARTNER-MIDEA-0000",
        detectedAt: "2026-01-05T07:30:00.000Z",
      },
    ],
  }),
  deliveryPage: one("One failed delivery, the last page", { deliveries: [delivery], nextCursor: null }),
  deliveryDetail: one("A delivery tried twice", {
    ...delivery,
    attempts: [
      {
        attempt: 1,
        startedAt: at,
        durationMs: 42,
        httpStatus: 503,
        retCode: null,
        error: "HTTP 503",
      },
      {
        attempt: 2,
        startedAt: later,
        durationMs: 38,
        httpStatus: 503,
        retCode: null,
        error: "HTTP 503",
      },
    ],
  }),
  replayAccepted: one("Pending again", { id: delivery.id, status: "pending" }),
  bulkReplayAccepted: one("Three went out again", { replayed: 3 }),
  device: one("A washer with one report and one subscriber", {
    udeviceId: "0000060102002001C89346112DD5",
    decoded: {
      manufacturerCode: "000006",
      applianceClass: { code: "01", zh: "家用电器", en: "Household appliance" },
      category: { code: "02", zh: "洗衣机", en: "Washing machine" },
      subCategory: { code: "002", zh: "滚筒洗衣机", en: "Front-loading washer" },
      vendorPart: "001C89346112DD5",
    },
    owner: { platId: "PARTNER-HAIER-0000", name: "Haier U+" },
    shadow: {
      attrs: { onOffStatus: "True", laundryCycle: "5" },
      online: true,
      lastAlarm: null,
      lastAlarmAt: null,
      lastReportAt: at,
    },
    reports: [
      {
        id: 4211,
        dataType: "attr",
        deviceStatus: { onOffStatus: "True", laundryCycle: "5" },
        reportedAt: at,
        receivedAt: at,
      },
    ],
    subscribers: [
      {
        platId: "APP-PLAT-0001",
        dataGatewayUrl: "https://app.example/v1/dataservices/dataGateway",
        disabled: false,
      },
    ],
  }),
  auditPage: one("A registration", {
    entries: [
      {
        id: 17,
        at,
        actor: "operator:bootstrap",
        action: "platform.register",
        target: "PARTNER-HAIER-0000",
        outcome: "ok",
        detail: {},
      },
    ],
    nextCursor: null,
  }),
  operatorKeyCreated: one("A read key for a dashboard: the secret is shown only now", {
    ...operatorKey,
    secret: "yko_3q2-7wR0bXk9N4mLc8ZtV1pYs6eHaJdF5uGiOoQrTnE",
  }),
  operatorKeyList: one("One active key", { keys: [operatorKey] }),
  operatorKeyRevoked: one("Revoked now", { ...operatorKey, revokedAt: later }),
  secretsRewrapped: one("Everything re-encrypted", {
    keyId: "k2",
    rewrapped: { "platforms.app_secret": 4, "platforms.webhook_secret": 4, "vendor_sessions.session": 2 },
    failed: [],
  }),
  modelList: one("One vendor model", { models: [washerModel] }),
  modelVersions: one("Two versions", { versions: [{ ...washerModel, version: 1 }, washerModel] }),
  model: one("The new version", washerModel),
};

/** Request examples of bodies that had none. */
export const adminRequestExamples = {
  publishModel: one("A washer model for the vendor PARTNER-HAIER-0000", {
    ...washerModelInput(),
    ownerPlatId: "PARTNER-HAIER-0000",
  }),
  selfPublishModel: one("A washer model", washerModelInput()),
  selfRotate: one("Rotate now (the previous secrets work for 24 h)", {}),
};

function washerModelInput() {
  const { version: _version, ...input } = washerModel;
  return input;
}
