import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestHub, type TestHub } from "./support/harness.ts";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub("pglite");
}, 60_000);
afterAll(async () => hub?.close());

it("the hub's address in a browser leads to the console, not to a JSON 404 (issue 18)", async () => {
  const res = await fetch(`${hub.url}/`, { redirect: "manual" });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/console");
  const followed = await fetch(`${hub.url}/`);
  expect(followed.status).toBe(200);
  expect(followed.headers.get("content-type")).toContain("text/html");
});
