import { CERTIFICATION_ROLES, CERTIFICATION_STATUSES } from "@yunlian/db";
import { z } from "zod";
import { appRunInput, vendorRunInput } from "../services/certification/run-input.ts";
import { errors, type NamedExample, type OperationDoc } from "./operation.ts";

const TAG = "Certification";

const iso = z.iso.datetime({ offset: true });

const Exchange = z.strictObject({
  method: z.string(),
  url: z.string(),
  requestHeaders: z.record(z.string(), z.string()).describe("Secrets (tokens, signatures) shown as ***"),
  requestBody: z.string().describe("Credential fields shown as ***; cut at 2,000 characters"),
  status: z.number().int().nullable().describe("null when no answer came"),
  answer: z.string(),
});

const Clause = z.strictObject({
  id: z.string(),
  section: z.string().describe("The standard's section, or the hub's rule (design §7)"),
  title: z.string(),
  required: z.boolean().describe("Required clauses decide the certified badge"),
  outcome: z.enum(["pass", "fail", "not_applicable"]),
  detail: z.string().optional(),
  exchanges: z.array(Exchange).optional().describe("Every request and answer of a failed clause"),
});

/** A run as the API answers it (exported for the tests that parse real answers with it). */
export const CertificationRun = z.strictObject({
  runId: z.string(),
  platId: z.string(),
  role: z.enum(CERTIFICATION_ROLES).describe("vendor: the platform has manufacturer codes; app: it has none"),
  status: z.enum(CERTIFICATION_STATUSES),
  requestedBy: z.string(),
  request: z.record(z.string(), z.unknown()).describe("The run request; AuthTokens shown as ***"),
  certified: z.boolean().describe("The run passed every required clause"),
  error: z.string().nullable().describe("Why the run could not be carried out (status error)"),
  createdAt: iso,
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  report: z
    .strictObject({
      role: z.enum(CERTIFICATION_ROLES),
      clauses: z.array(Clause),
      certified: z.boolean(),
      calls: z.number().int().describe("Calls made to the platform under test"),
    })
    .nullable(),
});

const RunList = z.strictObject({ runs: z.array(CertificationRun) });

const RunInput = z.union([vendorRunInput, appRunInput]);

const requestExamples: Record<string, NamedExample> = {
  vendor: {
    summary: "A vendor cloud: its test devices (and optionally test users and the command)",
    value: { devices: ["0000060102002001A1B2C3D4E5F6"], testUsers: ["tester"] },
  },
  app: {
    summary: "An app platform: test users its verify endpoint vouches for",
    value: { testUsers: [{ loginId: "alice", authToken: "token-the-app-issued-for-the-test" }] },
  },
};

const queued = {
  runId: "cr_3k9w2m8q1x7v4b6n0p5t",
  platId: "PARTNER-HAIER-0000",
  role: "vendor",
  status: "queued",
  requestedBy: "operator:admin",
  request: { devices: ["0000060102002001A1B2C3D4E5F6"], testUsers: ["tester"] },
  certified: false,
  error: null,
  createdAt: "2026-12-04T06:00:00.000Z",
  startedAt: null,
  finishedAt: null,
  report: null,
};

const failed = {
  ...queued,
  status: "failed",
  startedAt: "2026-12-04T06:00:00.010Z",
  finishedAt: "2026-12-04T06:00:03.200Z",
  report: {
    role: "vendor",
    certified: false,
    calls: 31,
    clauses: [
      {
        id: "login",
        section: "7.1.1",
        title: "user/login: a test user logs in and gets a session",
        required: true,
        outcome: "pass",
      },
      {
        id: "bind",
        section: "7.2.1",
        title:
          "user/bindDevices: the test devices bind, an unknown device comes back in FailedIDs (and only it)",
        required: true,
        outcome: "fail",
        detail: "FailedIDs [] does not name the unknown device 0000060102002ZZCERT5F6ADFpm7k",
        exchanges: [
          {
            method: "POST",
            url: "https://vendor.example/v1/user/bindDevices",
            requestHeaders: { PlatID: "YUNLIAN-HUB", AccessToken: "***" },
            requestBody:
              '{"UserID":"v-42","Device":[{"DeviceInfo":{"deviceID":"0000060102002001A1B2C3D4E5F6"}},{"DeviceInfo":{"deviceID":"0000060102002ZZCERT5F6ADFpm7k"}}]}',
            status: 200,
            answer: '{"RetCode":"200","RetInfo":"ok","FailedIDs":[]}',
          },
        ],
      },
    ],
  },
};

const runExamples: Record<string, NamedExample> = {
  failed: { summary: "A finished run that failed one required clause", value: failed },
  queued: { summary: "A run just started", value: queued },
};

const started = {
  "202": {
    description: "The run, queued; poll it until status is passed, failed or error",
    body: {
      name: "CertificationRun",
      schema: CertificationRun,
      examples: { queued: runExamples.queued as NamedExample },
    },
  },
};

const DESCRIPTION =
  'The role follows the registration: a platform with manufacturer codes is certified as a vendor cloud (the hub exercises every interface of the standard through its adapter against its live cloud, with the listed test devices, which must carry its manufacturer codes), one without as an app platform (the hub plays a vendor with a simulated device against its verify endpoint and dataGateway receiver). One run at a time per platform (409 while one is queued or running); each run is bounded by HUB_CERTIFICATION_TIMEOUT and HUB_CERTIFICATION_MAX_CALLS. docs/partners.md "Certification" lists the clauses.';

/** Certification runs (issue 18): the operator's and the platform's own. */
export function certificationOperations(): OperationDoc[] {
  const runParam = [{ name: "runId", description: "The run id (cr_…)" }];
  return [
    {
      method: "post",
      path: "/admin/v1/platforms/{platId}/certification-runs",
      operationId: "admin_startCertificationRun",
      tag: TAG,
      audience: "operator",
      summary: "Start a certification run of the platform's live cloud",
      description: DESCRIPTION,
      pathParams: [{ name: "platId", description: "The platform's PlatID" }],
      body: { name: "CertificationRunInput", schema: RunInput, examples: requestExamples },
      responses: { ...started, ...errors("Invalid", "Unauthorized", "NotFound", "Conflict") },
    },
    {
      method: "get",
      path: "/admin/v1/platforms/{platId}/certification-runs",
      operationId: "admin_listCertificationRuns",
      tag: TAG,
      audience: "operator",
      summary: "The platform's certification runs, newest first (at most 50)",
      pathParams: [{ name: "platId", description: "The platform's PlatID" }],
      responses: {
        "200": {
          description: "The runs",
          body: {
            name: "CertificationRunList",
            schema: RunList,
            examples: { one: { summary: "One finished run", value: { runs: [failed] } } },
          },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    },
    {
      method: "get",
      path: "/admin/v1/certification-runs/{runId}",
      operationId: "admin_getCertificationRun",
      tag: TAG,
      audience: "operator",
      summary: "One run and its per-clause report",
      pathParams: runParam,
      responses: {
        "200": {
          description: "The run",
          body: { name: "CertificationRun", schema: CertificationRun, examples: runExamples },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    },
    {
      method: "post",
      path: "/admin/v1/self/certification-runs",
      operationId: "self_startCertificationRun",
      tag: "Self-service",
      audience: "self",
      summary: "Start a certification run of its own live cloud",
      description: DESCRIPTION,
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      body: { name: "CertificationRunInput", schema: RunInput, examples: requestExamples },
      responses: { ...started, ...errors("Invalid", "Unauthorized", "Conflict") },
    },
    {
      method: "get",
      path: "/admin/v1/self/certification-runs",
      operationId: "self_listCertificationRuns",
      tag: "Self-service",
      audience: "self",
      summary: "Its own certification runs, newest first",
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      responses: {
        "200": {
          description: "The runs",
          body: {
            name: "CertificationRunList",
            schema: RunList,
            examples: { one: { summary: "One finished run", value: { runs: [failed] } } },
          },
        },
        ...errors("Unauthorized"),
      },
    },
    {
      method: "get",
      path: "/admin/v1/self/certification-runs/{runId}",
      operationId: "self_getCertificationRun",
      tag: "Self-service",
      audience: "self",
      summary: "One of its own runs and its report (another platform's run is a 404)",
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      pathParams: runParam,
      responses: {
        "200": {
          description: "The run",
          body: { name: "CertificationRun", schema: CertificationRun, examples: runExamples },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    },
  ];
}
