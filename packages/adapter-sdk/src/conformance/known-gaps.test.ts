import { describe, expect, it } from "vitest";
import { gapAwareCases } from "./known-gaps.ts";

describe("conformance knownGaps", () => {
  it("registers listed cases as expected failures, the rest as cases, and names gaps that match none", () => {
    const run: string[] = [];
    const fails: string[] = [];
    const cases = gapAwareCases(
      { "op on a device not bound to the user is refused": "vendor accepts it", "no such case": "typo" },
      { run: (name) => run.push(name), fails: (name) => fails.push(name) },
    );
    const noop = async () => undefined;
    cases.test("login returns a vendor session", { timeout: 1 }, noop);
    cases.test("op on a device not bound to the user is refused", { timeout: 1 }, noop);
    expect(run).toEqual(["login returns a vendor session"]);
    expect(fails).toEqual(["op on a device not bound to the user is refused (known gap: vendor accepts it)"]);
    expect(cases.unmatched()).toEqual(["no such case"]);
  });
});
