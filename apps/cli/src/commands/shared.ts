import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { InvalidDataError, UsageError } from "../errors.ts";
import type { Io } from "../io.ts";

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A point in time for --since/--from/--to: an ISO 8601 date or timestamp, or a duration back
 * from now ("90s", "30m", "2h", "7d"). Always sent to the hub as an ISO timestamp.
 */
export function parseTime(text: string, flag: string, io: Io, command: string): string {
  const rel = /^(\d+)([smhd])$/.exec(text.trim());
  const now = io.now?.() ?? new Date();
  if (rel?.[1] && rel[2])
    return new Date(now.getTime() - Number(rel[1]) * (unitMs[rel[2]] ?? 0)).toISOString();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--${flag} ${JSON.stringify(text)} is not a time: give an ISO date (2025-01-31, 2025-01-31T08:00:00Z) or a duration back from now (30m, 2h, 7d)`,
      command,
    );
  }
  return new Date(ms).toISOString();
}

/** A JSON object from --file (relative to the working directory). */
export function readJsonObject(path: string, io: Io, command: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd ?? process.cwd(), path), "utf8");
  } catch (err) {
    const reason = err instanceof Error && "code" in err ? String(err.code) : String(err);
    throw new UsageError(`--file ${path}: cannot read it (${reason})`, command);
  }
  return parseJsonObject(text, `--file ${path}`, command);
}

export function parseJsonObject(text: string, what: string, command: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${what}: not valid JSON (${err instanceof Error ? err.message : String(err)})`,
      command,
    );
  }
  const parsed = z.record(z.string(), z.unknown()).safeParse(value);
  if (!parsed.success || Array.isArray(value))
    throw new UsageError(`${what}: must be a JSON object`, command);
  return parsed.data;
}

export function positiveInt(text: string | undefined, flag: string, command: string): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text))
    throw new UsageError(`--${flag} must be a positive integer, got "${text}"`, command);
  return text;
}

export function oneOf<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  flag: string,
  command: string,
): T | undefined {
  if (text === undefined) return undefined;
  const found = allowed.find((a) => a === text);
  if (!found) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}; got "${text}"`, command);
  return found;
}

/** A path segment: platIds and delivery ids go into URLs escaped. */
export const seg = encodeURIComponent;

/** Reads the fields a table needs; an answer of another shape is reported, not crashed on. */
export function shape<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue ? `${issue.path.join(".") || "(body)"}: ${issue.message}` : "unexpected shape";
  throw new InvalidDataError(
    `unexpected answer from the hub for ${what} (${at}); --json prints it as it came`,
  );
}
