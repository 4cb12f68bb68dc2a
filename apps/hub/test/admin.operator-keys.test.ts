/**
 * Operator keys beyond the bootstrap HUB_ADMIN_TOKEN (issue 14 part 6): named, hashed at rest,
 * scoped (read: GET-only admin API and /metrics; admin: everything), revocable, and named in the
 * audit entry of every admin action; also through hubctl.
 */

import { createHash } from "node:crypto";
import { run } from "@yunlian/cli";
import { operatorKeys } from "@yunlian/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub("pglite");
});
afterAll(async () => hub?.close());

const bootstrap = () => adminClient(hub.url, hub.adminToken);

async function createKey(name: string, scope: "read" | "admin") {
  const res = await bootstrap().post("/admin/v1/operator-keys", { name, scope });
  expect(res.status).toBe(201);
  return String(res.body.secret);
}

const platform = (platId: string) => ({
  platId,
  name: platId,
  manufacturerCodes: [],
  apiBaseUrl: "http://127.0.0.1:9/v1",
  security: { mode: "hmac" },
});

describe("operator keys", () => {
  it("creates a key whose secret is shown once and stored only as its SHA-256", async () => {
    const res = await bootstrap().post("/admin/v1/operator-keys", { name: "grafana", scope: "read" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "grafana",
      scope: "read",
      revokedAt: null,
      createdBy: "operator:bootstrap",
    });
    const secret = String(res.body.secret);
    expect(secret).toMatch(/^yko_[A-Za-z0-9_-]{43}$/);
    const list = await bootstrap().get("/admin/v1/operator-keys");
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.keys).toEqual(expect.arrayContaining([expect.objectContaining({ name: "grafana" })]));
    const rows = await hub.hub.database.db.select().from(operatorKeys);
    const row = rows.find((r) => r.name === "grafana");
    expect(row?.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it("refuses a second active key of a name, and the name bootstrap", async () => {
    await createKey("dup", "read");
    expect((await bootstrap().post("/admin/v1/operator-keys", { name: "dup", scope: "read" })).status).toBe(
      409,
    );
    expect(
      (await bootstrap().post("/admin/v1/operator-keys", { name: "bootstrap", scope: "admin" })).status,
    ).toBe(400);
    expect((await bootstrap().post("/admin/v1/operator-keys", { name: "x", scope: "root" })).status).toBe(
      400,
    );
  });

  it("a read key may GET the admin API and /metrics, and is refused (403) on every change", async () => {
    const read = adminClient(hub.url, await createKey("dashboard", "read"));
    expect((await read.get("/admin/v1/platforms")).status).toBe(200);
    expect((await read.get("/admin/v1/audit")).status).toBe(200);
    const metrics = await fetch(`${hub.url}/metrics`, {
      headers: { authorization: `Bearer ${await createKey("prometheus", "read")}` },
    });
    expect(metrics.status).toBe(200);
    const post = await read.post("/admin/v1/platforms", platform("READ-KEY-0001"));
    expect(post.status).toBe(403);
    expect(post.body.RetCode).toBe("403");
    expect((await read.post("/admin/v1/operator-keys", { name: "escalate", scope: "admin" })).status).toBe(
      403,
    );
    expect((await read.delete("/admin/v1/operator-keys/grafana")).status).toBe(403);
    expect((await bootstrap().get("/admin/v1/platforms/READ-KEY-0001")).status).toBe(404);
  });

  it("names the key in the audit entry of every admin action (the bootstrap token as bootstrap)", async () => {
    const ci = adminClient(hub.url, await createKey("ci-deploy", "admin"));
    expect((await ci.post("/admin/v1/platforms", platform("AUDITED-0001"))).status).toBe(201);
    expect((await bootstrap().post("/admin/v1/platforms/AUDITED-0001/secret", {})).status).toBe(200);
    const log = await bootstrap().get("/admin/v1/audit?action=platform.*&limit=200");
    const entries = (log.body.entries as { actor: string; action: string; target: string }[]).filter(
      (e) => e.target === "AUDITED-0001",
    );
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "platform.register", actor: "operator:ci-deploy" }),
        expect.objectContaining({ action: "platform.rotateSecret", actor: "operator:bootstrap" }),
      ]),
    );
  });

  it("a revoked key answers 401 at once, and its name may be given again", async () => {
    const secret = await createKey("temp", "admin");
    expect((await adminClient(hub.url, secret).get("/admin/v1/platforms")).status).toBe(200);
    const revoked = await bootstrap().delete("/admin/v1/operator-keys/temp");
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await adminClient(hub.url, secret).get("/admin/v1/platforms")).status).toBe(401);
    const metrics = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${secret}` } });
    expect(metrics.status).toBe(401);
    expect((await bootstrap().delete("/admin/v1/operator-keys/temp")).status).toBe(404);
    await createKey("temp", "read");
    const audit = await bootstrap().get("/admin/v1/audit?action=operator-key.revoke");
    expect(audit.body.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: "operator:bootstrap", target: "temp" })]),
    );
  });
});

describe("hubctl keys", () => {
  async function hubctl(token: string, ...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await run(argv, {
      env: { HUB_URL: hub.url, HUB_ADMIN_TOKEN: token },
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    });
    return { code, stdout, stderr };
  }

  it("creates, lists and revokes a key; the created key works as hubctl's token until revoked", async () => {
    const created = await hubctl(
      hub.adminToken,
      "keys",
      "create",
      "--name",
      "cli-key",
      "--scope",
      "admin",
      "--json",
    );
    expect(created.code).toBe(0);
    const secret = String(JSON.parse(created.stdout).secret);
    expect(secret).toMatch(/^yko_/);
    const listed = await hubctl(secret, "keys", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("cli-key");
    expect(listed.stdout).not.toContain(secret);
    const text = await hubctl(hub.adminToken, "keys", "create", "--name", "cli-read");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/read/);
    expect(text.stderr).toContain("only this once");
    expect((await hubctl(hub.adminToken, "keys", "revoke", "cli-key")).code).toBe(0);
    const after = await hubctl(secret, "keys", "list");
    expect(after.code).toBe(1);
    expect((await hubctl(hub.adminToken, "keys", "create", "--scope", "admin")).code).toBe(2);
  });
});
