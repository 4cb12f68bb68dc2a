import { z } from "zod";
import type { CommandContext, CommandDef, GroupDef } from "../command.ts";
import { NotCertified, UsageError } from "../errors.ts";
import { table } from "../format.ts";
import { printJson, println } from "../io.ts";
import { positiveInt, readJsonObject, seg, shape } from "./shared.ts";

const exchange = z.looseObject({
  method: z.string(),
  url: z.string(),
  requestBody: z.string(),
  status: z.number().nullable(),
  answer: z.string(),
});
const clause = z.looseObject({
  id: z.string(),
  section: z.string(),
  required: z.boolean(),
  outcome: z.string(),
  detail: z.string().optional(),
  exchanges: z.array(exchange).optional(),
});
const run = z.looseObject({
  runId: z.string(),
  platId: z.string(),
  role: z.string(),
  status: z.string(),
  certified: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  report: z.looseObject({ clauses: z.array(clause), calls: z.number() }).nullable(),
});
const runList = z.looseObject({ runs: z.array(run) });
type Run = z.infer<typeof run>;

const OUTCOME: Record<string, string> = { pass: "pass", fail: "FAIL", not_applicable: "n/a" };

/** The per-clause report, the exchanges of every failed clause, and the verdict. */
function printReport(ctx: CommandContext, r: Run): void {
  const out = ctx.io.stdout;
  println(out, `Run ${r.runId} of ${r.platId} (${r.role}): ${r.status}`);
  if (r.error) println(out, `error: ${r.error}`);
  const clauses = r.report?.clauses ?? [];
  if (clauses.length > 0) {
    println(
      out,
      table(clauses, [
        { header: "clause", get: (c) => c.id },
        { header: "section", get: (c) => c.section },
        { header: "required", get: (c) => (c.required ? "yes" : "no") },
        { header: "outcome", get: (c) => OUTCOME[c.outcome] ?? c.outcome },
        { header: "detail", get: (c) => c.detail ?? "" },
      ]),
    );
  }
  for (const c of clauses.filter((x) => x.outcome === "fail" && x.exchanges?.length)) {
    println(out, `\n${c.id}: what was sent and answered`);
    for (const e of c.exchanges ?? []) {
      println(
        out,
        `  ${e.method} ${e.url}\n    sent:     ${e.requestBody}\n    answered: ${e.status ?? "no answer"} ${e.answer}`,
      );
    }
  }
  println(out, r.certified ? `\n${r.platId} is certified.` : `\n${r.platId} is not certified.`);
}

function keyValue(text: string, flag: string, where: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0) throw new UsageError(`--${flag} ${JSON.stringify(text)}: write name=value`, where);
  return [text.slice(0, at), text.slice(at + 1)];
}

const start: CommandDef = {
  name: "run",
  summary: "Certify a platform's live cloud: start a run, wait for it, print the per-clause report",
  usage: "<platId>",
  details:
    'Also `hubctl certify <platId>`. A vendor cloud (a platform with manufacturer codes) is exercised through its adapter with the test devices you list (--device, its own); an app platform with the test users its verify endpoint vouches for (--app-user loginId=authToken). Exit code 0 when every required clause passed, 1 otherwise. docs/partners.md "Certification".',
  args: { min: 1, max: 1 },
  options: {
    device: {
      type: "string",
      multiple: true,
      value: "<UDeviceID>",
      description: "a vendor's test device (repeat)",
    },
    user: {
      type: "string",
      multiple: true,
      value: "<name>",
      description: "a vendor run's test user name (repeat; default tester)",
    },
    set: {
      type: "string",
      multiple: true,
      value: "<attr=value>",
      description: "the op command (repeat; default: flip onOffStatus)",
    },
    "app-user": {
      type: "string",
      multiple: true,
      value: "<loginId=authToken>",
      description: "an app's test user (repeat)",
    },
    file: { type: "string", value: "<path>", description: "the whole run request as JSON instead" },
    wait: { type: "string", value: "<seconds>", description: "how long to wait for the run (default 300)" },
  },
  examples: [
    "hubctl certify PARTNER-HAIER-0000 --device 0000060102002001A1B2C3D4E5F6",
    "hubctl certify APP-PLAT-0001 --app-user alice=token-for-the-test",
  ],
  async run(ctx) {
    const where = "certification run";
    const platId = ctx.args[0] ?? "";
    const body = ctx.flags.string("file")
      ? readJsonObject(ctx.flags.string("file") ?? "", ctx.io, where)
      : flagsBody(ctx, where);
    const waitS = Number(positiveInt(ctx.flags.string("wait"), "wait", where) ?? "300");
    const started = await ctx
      .hub()
      .call("POST", `/admin/v1/platforms/${seg(platId)}/certification-runs`, { body });
    let current = shape(run, started.body, where);
    if (!ctx.json) println(ctx.io.stderr, `Run ${current.runId} started; waiting for it…`);
    const until = Date.now() + waitS * 1000;
    while (current.status === "queued" || current.status === "running") {
      if (Date.now() > until)
        throw new NotCertified(
          `run ${current.runId} still ${current.status} after ${waitS} s; see it with: hubctl certification show ${current.runId}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const answer = await ctx.hub().call("GET", `/admin/v1/certification-runs/${seg(current.runId)}`);
      current = shape(run, answer.body, where);
    }
    if (ctx.json) printJson(ctx.io.stdout, current);
    else printReport(ctx, current);
    if (!current.certified) throw new NotCertified(`${platId}: run ${current.runId} ${current.status}`);
  },
};

function flagsBody(ctx: CommandContext, where: string): Record<string, unknown> {
  const appUsers = ctx.flags.strings("app-user");
  if (appUsers.length > 0) {
    return {
      testUsers: appUsers.map((u) => {
        const [loginId, authToken] = keyValue(u, "app-user", where);
        return { loginId, authToken };
      }),
    };
  }
  const devices = ctx.flags.strings("device");
  if (devices.length === 0)
    throw new UsageError("give --device (a vendor cloud), --app-user (an app platform) or --file", where);
  const users = ctx.flags.strings("user");
  const set = ctx.flags.strings("set");
  return {
    devices,
    ...(users.length > 0 ? { testUsers: users } : {}),
    ...(set.length > 0 ? { command: Object.fromEntries(set.map((s) => keyValue(s, "set", where))) } : {}),
  };
}

const list: CommandDef = {
  name: "list",
  summary: "A platform's certification runs, newest first",
  usage: "<platId>",
  args: { min: 1, max: 1 },
  options: {},
  async run(ctx) {
    const answer = await ctx
      .hub()
      .call("GET", `/admin/v1/platforms/${seg(ctx.args[0] ?? "")}/certification-runs`);
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const { runs } = shape(runList, answer.body, "certification list");
    if (runs.length === 0) return println(ctx.io.stdout, "No certification runs.");
    println(
      ctx.io.stdout,
      table(runs, [
        { header: "run", get: (r) => r.runId },
        { header: "role", get: (r) => r.role },
        { header: "status", get: (r) => r.status },
        { header: "started", get: (r) => r.createdAt },
        { header: "finished", get: (r) => r.finishedAt ?? "" },
        {
          header: "failed clauses",
          get: (r) =>
            (r.report?.clauses ?? [])
              .filter((c) => c.outcome === "fail")
              .map((c) => c.id)
              .join(", "),
        },
      ]),
    );
  },
};

const show: CommandDef = {
  name: "show",
  summary: "One run's per-clause report (exit 1 unless it certified the platform)",
  usage: "<runId>",
  args: { min: 1, max: 1 },
  options: {},
  async run(ctx) {
    const answer = await ctx.hub().call("GET", `/admin/v1/certification-runs/${seg(ctx.args[0] ?? "")}`);
    const r = shape(run, answer.body, "certification show");
    if (ctx.json) printJson(ctx.io.stdout, answer.body);
    else printReport(ctx, r);
    if (!r.certified) throw new NotCertified(`run ${r.runId} ${r.status}`);
  },
};

export const certificationGroup: GroupDef = {
  name: "certification",
  summary: "certify a platform's live cloud and read its reports (also: hubctl certify <platId>)",
  commands: [start, list, show],
};
