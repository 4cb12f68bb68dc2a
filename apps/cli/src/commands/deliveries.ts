import { DELIVERY_STATUSES } from "@yunlian/db/delivery-status";
import { z } from "zod";
import type { CommandContext, CommandDef, GroupDef } from "../command.ts";
import { UsageError } from "../errors.ts";
import { fieldsOf, keyValues, table } from "../format.ts";
import { printJson, println } from "../io.ts";
import { oneOf, parseTime, positiveInt, seg, shape } from "./shared.ts";

const delivery = z.looseObject({
  id: z.string(),
  platId: z.string().nullish(),
  udeviceId: z.string().nullish(),
  status: z.string().nullish(),
  attempts: z.unknown(),
  nextAttemptAt: z.string().nullish(),
  lastError: z.string().nullish(),
  lastHttpStatus: z.number().nullish(),
  createdAt: z.string().nullish(),
});
type Delivery = z.infer<typeof delivery>;

const page = z.looseObject({ deliveries: z.array(delivery), nextCursor: z.string().nullish() });

const attempt = z.looseObject({
  attempt: z.number().nullish(),
  startedAt: z.string().nullish(),
  durationMs: z.number().nullish(),
  httpStatus: z.number().nullish(),
  retCode: z.string().nullish(),
  error: z.string().nullish(),
});
const detail = delivery.extend({ attempts: z.array(attempt).optional() });

function lastFailure(d: Delivery): string | undefined {
  // A 2xx is a success, not an error: a delivered row shows only what failed before it (if anything).
  const failedStatus = d.lastHttpStatus && (d.lastHttpStatus < 200 || d.lastHttpStatus > 299);
  const parts = [failedStatus ? `HTTP ${d.lastHttpStatus}` : undefined, d.lastError ?? undefined];
  const text = parts.filter((p) => p !== undefined).join(" ");
  return text === "" ? undefined : text;
}

const list: CommandDef = {
  name: "list",
  summary: "List deliveries of status reports to platforms, newest first",
  args: { min: 0, max: 0 },
  options: {
    platform: { type: "string", value: "<platId>", description: "only deliveries to this platform" },
    status: {
      type: "string",
      value: "<status>",
      description: `only this status: ${DELIVERY_STATUSES.join(" | ")}`,
    },
    device: { type: "string", value: "<udid>", description: "only reports of this UDeviceID" },
    from: {
      type: "string",
      value: "<time>",
      description: "created at or after (ISO time, or 30m / 2h / 7d ago)",
    },
    to: { type: "string", value: "<time>", description: "created before (ISO time, or a duration ago)" },
    limit: { type: "string", value: "<n>", description: "page size" },
    cursor: { type: "string", value: "<cursor>", description: "the next page (printed under a full page)" },
  },
  examples: ["hubctl deliveries list --status dead --platform PARTNER-MIDEA-0000 --from 24h"],
  async run(ctx) {
    const where = "deliveries list";
    const f = ctx.flags;
    const from = f.string("from");
    const to = f.string("to");
    const query = {
      platId: f.string("platform"),
      status: oneOf(f.string("status"), DELIVERY_STATUSES, "status", where),
      device: f.string("device"),
      from: from === undefined ? undefined : parseTime(from, "from", ctx.io, where),
      to: to === undefined ? undefined : parseTime(to, "to", ctx.io, where),
      limit: positiveInt(f.string("limit"), "limit", where),
      cursor: f.string("cursor"),
    };
    const answer = await ctx.hub().call("GET", "/admin/v1/deliveries", { query });
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const { deliveries, nextCursor } = shape(page, answer.body, where);
    if (deliveries.length === 0) {
      // An empty page for a platform that does not exist is a typo, not "nothing happened".
      const platId = query.platId;
      if (platId !== undefined) await ctx.hub().call("GET", `/admin/v1/platforms/${seg(platId)}`);
      println(ctx.io.stdout, "No deliveries match.");
    } else {
      println(
        ctx.io.stdout,
        table(deliveries, [
          { header: "id", get: (d) => d.id },
          { header: "platform", get: (d) => d.platId },
          { header: "device", get: (d) => d.udeviceId },
          { header: "status", get: (d) => d.status },
          { header: "attempts", get: (d) => d.attempts },
          { header: "next attempt", get: (d) => d.nextAttemptAt },
          { header: "created", get: (d) => d.createdAt },
          { header: "last error", get: lastFailure, max: 60 },
        ]),
      );
    }
    if (nextCursor) println(ctx.io.stderr, `hubctl: more deliveries: add --cursor ${nextCursor}`);
  },
};

const show: CommandDef = {
  name: "show",
  summary: "Show one delivery with every attempt",
  usage: "<id>",
  args: { min: 1, max: 1 },
  options: {},
  async run(ctx) {
    const answer = await ctx.hub().call("GET", `/admin/v1/deliveries/${seg(ctx.args[0] ?? "")}`);
    if (ctx.json) return printJson(ctx.io.stdout, answer.body);
    const d = shape(detail, answer.body, "deliveries show");
    println(ctx.io.stdout, keyValues(fieldsOf(answer.body, ["attempts"])));
    const attempts = d.attempts ?? [];
    println(ctx.io.stdout);
    if (attempts.length === 0) return println(ctx.io.stdout, "No attempts yet.");
    println(
      ctx.io.stdout,
      table(attempts, [
        { header: "attempt", get: (a) => a.attempt },
        { header: "started", get: (a) => a.startedAt },
        { header: "ms", get: (a) => a.durationMs },
        { header: "http", get: (a) => a.httpStatus },
        { header: "retcode", get: (a) => a.retCode },
        { header: "error", get: (a) => a.error, max: 80 },
      ]),
    );
  },
};

async function replayMany(ctx: CommandContext, platId: string, sinceText: string): Promise<void> {
  const since = parseTime(sinceText, "since", ctx.io, "deliveries replay");
  const answer = await ctx.hub().call("POST", "/admin/v1/deliveries/replay", { body: { platId, since } });
  if (ctx.json) return printJson(ctx.io.stdout, answer.body);
  const { replayed } = shape(z.looseObject({ replayed: z.number() }), answer.body, "deliveries replay");
  println(
    ctx.io.stdout,
    `Queued ${replayed} ${replayed === 1 ? "delivery" : "deliveries"} to ${platId} for replay.`,
  );
}

const replay: CommandDef = {
  name: "replay",
  summary: "Deliver a dead or failed delivery again, or every one to a platform since a time",
  usage: "[<id>]",
  details:
    "Give one delivery id, or --platform and --since for a bulk replay of its dead and failed deliveries.",
  args: { min: 0, max: 1 },
  options: {
    platform: {
      type: "string",
      value: "<platId>",
      description: "bulk: the platform whose deliveries to replay",
    },
    since: {
      type: "string",
      value: "<time>",
      description: "bulk: created at or after (ISO time, or 30m / 2h / 7d ago)",
    },
  },
  examples: [
    "hubctl deliveries replay msg_2Xk9…",
    "hubctl deliveries replay --platform PARTNER-MIDEA-0000 --since 6h",
  ],
  async run(ctx) {
    const where = "deliveries replay";
    const id = ctx.args[0];
    const platId = ctx.flags.string("platform");
    const since = ctx.flags.string("since");
    if (id !== undefined) {
      if (platId !== undefined || since !== undefined) {
        throw new UsageError("give either a delivery id or --platform with --since, not both", where);
      }
      const answer = await ctx.hub().call("POST", `/admin/v1/deliveries/${seg(id)}/replay`);
      if (ctx.json) return printJson(ctx.io.stdout, answer.body ?? {});
      return println(ctx.io.stdout, `Queued delivery ${id} for replay.`);
    }
    if (platId === undefined || since === undefined) {
      throw new UsageError("give a delivery id, or --platform and --since for a bulk replay", where);
    }
    await replayMany(ctx, platId, since);
  },
};

export const deliveriesGroup: GroupDef = {
  name: "deliveries",
  summary: "list, show and replay status-report deliveries",
  commands: [list, show, replay],
};
