import { describe, expect, it } from "vitest";
import { namespaceRefusal } from "./namespace.ts";

describe("namespaceRefusal", () => {
  const prodApp = { platId: "APP", sandbox: false };
  const sbxApp = { platId: "SBX-APP", sandbox: true };
  const prodVendor = { platId: "VENDOR", sandbox: false };
  const sbxVendor = { platId: "SBX-VENDOR", sandbox: true };

  it("lets a platform reach vendors of its own namespace", () => {
    expect(namespaceRefusal(prodApp, prodVendor, "D")).toBeUndefined();
    expect(namespaceRefusal(sbxApp, sbxVendor, "D")).toBeUndefined();
  });

  it("refuses both ways across namespaces, naming the device, both platforms and their namespaces", () => {
    expect(namespaceRefusal(prodApp, sbxVendor, "D1")).toBe(
      "device D1: its vendor SBX-VENDOR is a sandbox platform and APP is a production one; sandbox and production never mix",
    );
    expect(namespaceRefusal(sbxApp, prodVendor, "D2")).toBe(
      "device D2: its vendor VENDOR is a production platform and SBX-APP is a sandbox one; sandbox and production never mix",
    );
  });
});
