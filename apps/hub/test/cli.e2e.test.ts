import { run } from "@yunlian/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

/** hubctl against a real hub: the admin API contract as the CLI uses it. */
describe("hubctl against the real hub", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld("pglite", { HUB_DELIVERY_BACKOFF: "0s,20ms" });
  }, 60_000);
  afterAll(async () => w?.close());

  async function hubctl(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await run(argv, {
      env: { HUB_URL: w.hub.url, HUB_ADMIN_TOKEN: w.hub.adminToken },
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    });
    return { code, stdout, stderr };
  }

  it("registers, lists, shows, edits, rotates and deletes a platform", async () => {
    const reg = await hubctl(
      "platforms",
      "register",
      "--plat-id",
      "CLI-VENDOR",
      "--name",
      "Cli vendor",
      "--code",
      "000123",
      "--api-base-url",
      "http://127.0.0.1:9/v1",
      "--json",
    );
    expect(reg.code).toBe(0);
    expect(JSON.parse(reg.stdout)).toMatchObject({ platId: "CLI-VENDOR", manufacturerCodes: ["000123"] });
    const dup = await hubctl(
      "platforms",
      "register",
      "--plat-id",
      "CLI-OTHER",
      "--name",
      "x",
      "--code",
      "000123",
      "--api-base-url",
      "http://127.0.0.1:9/v1",
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("CLI-VENDOR");
    const list = await hubctl("platforms", "list");
    expect(list.stdout).toContain("CLI-VENDOR");
    expect(list.stdout).toContain("APP-PLAT-0001");
    expect((await hubctl("platforms", "edit", "CLI-VENDOR", "--name", "Renamed")).code).toBe(0);
    expect(JSON.parse((await hubctl("platforms", "show", "CLI-VENDOR", "--json")).stdout).name).toBe(
      "Renamed",
    );
    const rotated = await hubctl("platforms", "rotate-secret", "CLI-VENDOR");
    expect(rotated.stdout).toMatch(/whsec_/);
    expect((await hubctl("platforms", "delete", "CLI-VENDOR", "--yes")).code).toBe(0);
    expect((await hubctl("platforms", "show", "CLI-VENDOR")).code).toBe(1);
  });

  it("lists a dead delivery, shows its attempts, replays it; shows a device; decodes offline", async () => {
    const alice = await loginAs(w, "alice", "alice-token-1");
    const washer = w.vendors[0]?.deviceIds[0] ?? "";
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
    w.app.setReceiverMode("fail500");
    await w.vendors[0]?.cloud.setDeviceAttrs(washer, { runningstatus: "1" });
    let dead: { id: string } | undefined;
    for (let i = 0; i < 100 && !dead; i++) {
      const listed = JSON.parse((await hubctl("deliveries", "list", "--status", "dead", "--json")).stdout);
      dead = listed.deliveries[0];
      if (!dead) await new Promise((r) => setTimeout(r, 50));
    }
    if (!dead) throw new Error("no dead delivery");
    const shown = await hubctl("deliveries", "show", dead.id);
    expect(shown.stdout).toContain("500");
    w.app.setReceiverMode("ok");
    expect((await hubctl("deliveries", "replay", dead.id)).code).toBe(0);
    const device = await hubctl("devices", "show", washer, "--json");
    expect(JSON.parse(device.stdout).udeviceId).toBe(washer);
    const decoded = await hubctl("udid", "decode", washer);
    expect(decoded.stdout).toMatch(/000006/);
  });
});
