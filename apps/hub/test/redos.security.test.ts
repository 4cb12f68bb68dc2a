import { readdirSync } from "node:fs";
import { join } from "node:path";
import { check } from "recheck";
import { describe, expect, it } from "vitest";
import { regexesIn } from "./support/regex-sources.ts";

const ROOT = join(import.meta.dirname, "../../..");

/**
 * Every source folder of the repository: the hub's request path (apps/hub/src; protocol,
 * net-guard, the adapters, delivery, config, …) and the rest, which costs little more to check.
 */
const DIRS = [
  ...readdirSync(join(ROOT, "apps")).map((d) => `apps/${d}/src`),
  ...readdirSync(join(ROOT, "packages")).map((d) => `packages/${d}/src`),
];

/**
 * Issue 14, part 3: a regular expression that backtracks super-linearly (`["'“”‘’]+$` on a
 * header, before authentication) let one request burn ~150 ms of CPU. Every regex written in
 * the source goes through recheck (an automata-based ReDoS checker, with fuzzing where the
 * automaton cannot decide): anything but "safe" fails, naming the file, line, complexity and an
 * attack string. A RegExp built at run time cannot be checked, so it fails too.
 */
describe("no regular expression in the source is open to ReDoS", () => {
  const found = regexesIn(
    ROOT,
    DIRS.filter((d) => {
      try {
        readdirSync(join(ROOT, d));
        return true;
      } catch {
        return false;
      }
    }),
  );

  it("finds the source's regular expressions (the scan itself works)", () => {
    expect(found.length).toBeGreaterThan(40);
    expect(found.some((r) => r.where.startsWith("packages/protocol/src/"))).toBe(true);
    expect(found.some((r) => r.where.startsWith("apps/hub/src/"))).toBe(true);
  });

  it("each one is linear (recheck)", { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    for (const r of found) {
      if (r.source === undefined) {
        problems.push(`${r.where}: RegExp built at run time; use a literal so it can be checked`);
        continue;
      }
      const d = await check(r.source, r.flags, { timeout: 10_000 });
      if (d.status === "safe") continue;
      const detail =
        d.status === "vulnerable"
          ? `${d.complexity.summary}, attack ${d.attack.pattern}`
          : `could not be decided (${d.error.kind})`;
      problems.push(`${r.where}: /${r.source}/${r.flags} ${d.status}: ${detail}`);
    }
    expect(problems).toEqual([]);
  });
});
