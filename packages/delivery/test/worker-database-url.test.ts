import { seqScansAfterOutboxGrowth } from "@yunlian/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerDatabaseUrl } from "../src/index.ts";
import { openTestDb, servicesCheck, type TestDb } from "../src/testing/index.ts";

describe("workerDatabaseUrl", () => {
  it("adds the worker's session settings", () => {
    const url = new URL(workerDatabaseUrl("postgres://u@db:5432/hub?sslmode=require"));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      sslmode: "require",
      synchronous_commit: "off",
      enable_seqscan: "off",
      plan_cache_mode: "auto",
      jit: "off",
    });
  });

  it("keeps settings the operator put in the URL", () => {
    const url = new URL(
      workerDatabaseUrl("postgres://u@db/hub?synchronous_commit=on&plan_cache_mode=force_custom_plan"),
    );
    expect(url.searchParams.get("synchronous_commit")).toBe("on");
    expect(url.searchParams.get("plan_cache_mode")).toBe("force_custom_plan");
    expect(url.searchParams.get("enable_seqscan")).toBe("off");
  });
});

const svc = await servicesCheck(false);

describe.skipIf(!svc.ok)("a worker pool's cached plans", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(2);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("keep using the outbox's indexes after a plan made on a nearly empty outbox", async () => {
    expect(await seqScansAfterOutboxGrowth(workerDatabaseUrl(t.url))).toBe(0);
  });
});
