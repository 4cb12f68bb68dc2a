/**
 * Zod issues → the RetInfo of a "400" (docs/design.md §3.3: say what was wrong and which field), in the
 * field-path notation a caller can find in its own JSON: `Device[0].DeviceInfo.deviceID: required`.
 */
import type { z } from "zod";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "body" : out;
}

/** Per-parse message map: "required" for a missing field, zod's words otherwise. */
export function messageOf(issue: { code?: string; input?: unknown; expected?: unknown }): string | undefined {
  if (issue.input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
    return "required";
  }
  if (issue.code === "invalid_type" && (issue.expected === "object" || issue.expected === "record")) {
    return "must be a JSON object";
  }
  if (issue.code === "invalid_type" && issue.expected === "array") return "must be a JSON array";
  if (issue.code === "invalid_type" && issue.expected === "string") return "must be a string";
  return undefined;
}

const MAX_LISTED = 3;

export interface IssueSummary {
  retInfo: string;
  field: string;
}

export function summariseIssues(issues: readonly z.core.$ZodIssue[]): IssueSummary {
  const first = issues[0];
  const field = first ? formatPath(first.path) : "body";
  const listed = issues.slice(0, MAX_LISTED).map((i) => {
    // An issue whose message already names its field (the DataType discriminator) stands alone.
    const path = formatPath(i.path);
    return i.message.startsWith(`${path}:`) ? i.message : `${path}: ${i.message}`;
  });
  const more = issues.length > MAX_LISTED ? ` (and ${issues.length - MAX_LISTED} more)` : "";
  return { retInfo: listed.join("; ") + more, field };
}
