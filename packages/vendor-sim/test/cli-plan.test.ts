import { describe, expect, it } from "vitest";
import { CliUsageError, cliPlan } from "../src/cli-plan.ts";

const base = ["--hub", "http://127.0.0.1:8080/", "--plat-id", "SIM-1"];

describe("vendor-sim command line", () => {
  it("turns the strict flags into the device cloud's options", () => {
    const plan = cliPlan(
      [
        ...base,
        "--role",
        "device",
        "--strict",
        "--ingest-url",
        "http://hub/v1/dataservices/dataGateway/secret",
        "--session-ttl",
        "30m",
        "--device-ids",
        "vendor",
        "--device-status",
        "string",
      ],
      { SIM_APP_SECRET: "whsec_left-in-the-environment" },
    );
    expect(plan.role).toBe("device");
    expect(plan.options).toMatchObject({
      strict: true,
      ingestUrl: "http://hub/v1/dataservices/dataGateway/secret",
      sessionTtlMs: 1_800_000,
      deviceIds: "vendor",
      deviceStatusAs: "string",
      verifyUrl: "http://127.0.0.1:8080/v1/user/verify",
    });
    // A strict simulator signs nothing, whatever the environment holds.
    expect(plan.options.appSecret).toBeUndefined();
  });

  it("keeps the lenient defaults without --strict, and a strict app platform", () => {
    const device = cliPlan([...base, "--role", "device"], { SIM_APP_SECRET: "whsec_x" });
    expect(device.options).toMatchObject({ strict: false, deviceIds: "udevice", deviceStatusAs: "object" });
    expect(device.options.appSecret).toBe("whsec_x");
    expect(device.role === "device" && device.options.sessionTtlMs).toBeUndefined();
    const app = cliPlan([...base, "--role", "app", "--strict", "--users", "alice:t1"], {});
    expect(app).toMatchObject({
      role: "app",
      options: { strict: true, users: [{ loginId: "alice", authToken: "t1" }] },
    });
  });

  it("names the flag that is wrong", () => {
    const bad: [string[], RegExp][] = [
      [[...base, "--role", "device", "--session-ttl", "5x"], /--session-ttl/],
      [[...base, "--role", "device", "--device-ids", "mac"], /--device-ids must be one of udevice, vendor/],
      [[...base, "--role", "device", "--device-status", "xml"], /--device-status/],
      [[...base, "--role", "cloud"], /--role/],
      [["--role", "device", "--hub", "http://x"], /--plat-id/],
    ];
    for (const [args, message] of bad) {
      expect(() => cliPlan(args, {})).toThrow(CliUsageError);
      expect(() => cliPlan(args, {})).toThrow(message);
    }
    expect(cliPlan([...base, "--role", "device", "--session-ttl", "90"], {}).options).toMatchObject({
      sessionTtlMs: 90_000,
    });
  });
});
