import { describe, expect, it } from "vitest";
import { liveSecrets } from "./platform-record.ts";

describe("liveSecrets", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const rotated = {
    current: "whsec_new",
    previous: { secret: "whsec_old", until: new Date(now.getTime() + 1) },
  };

  it("is the current secret, then the previous one while its grace lasts", () => {
    expect(liveSecrets({ current: "whsec_only" }, now)).toEqual(["whsec_only"]);
    expect(liveSecrets(rotated, now)).toEqual(["whsec_new", "whsec_old"]);
  });

  it("drops the previous one the moment its grace ends, even in a record loaded before", () => {
    expect(liveSecrets(rotated, new Date(now.getTime() + 1))).toEqual(["whsec_new"]);
  });
});
