import { describe, expect, it } from "vitest";
import { cli } from "./support/fake-hub.ts";

// Offline: no hub and no token are needed.
const offline = { env: { HUB_URL: "http://127.0.0.1:1", HUB_ADMIN_TOKEN: undefined } };

describe("udid decode", () => {
  it("splits an ID into its parts with the category names", async () => {
    const r = await cli(["udid", "decode", "000006010200200C89346112DD5"], offline);
    expect(r).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "UDeviceID        000006010200200C89346112DD5",
        "manufacturer     000006",
        "appliance class  01 家电类 household appliance",
        "category         02 洗涤类 laundry",
        "sub-category     002 滚筒洗衣机 drum washing machine",
        "vendor part      00C89346112DD5",
        "routing prefix   0000060102002",
        "",
      ].join("\n"),
    });
  });

  it("--json gives the parts as data", async () => {
    const r = await cli(["udid", "decode", "000012010300100AB12", "--json"], offline);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      udeviceId: "000012010300100AB12",
      routingPrefix: "0000120103001",
      manufacturerCode: "000012",
      applianceClass: { code: "01", zh: "家电类", en: "household appliance" },
      category: { code: "03", zh: expect.any(String), en: expect.any(String) },
      subCategory: { code: "001", zh: expect.any(String), en: expect.any(String) },
      vendorPart: "00AB12",
    });
  });

  it.each([
    [
      "000006010200900C8",
      "subCategory",
      'invalid UDeviceID "000006010200900C8": subCategory: "009" at characters 11–13',
    ],
    ["00000601770010001", "category", 'category: "77" at characters 9–10 is not a category of table 2'],
    ["0000X6010200200C8", "manufacturer", 'manufacturer: character 5 is "X"'],
    ["000006020200200C8", "applianceClass", "applianceClass:"],
    ["0000060102002", "length", "length: 13 characters"],
    ["000006010200200C8!", "vendorPart", "vendorPart: character 18 is"],
  ])("%s exits 1 naming the %s part", async (id, _part, message) => {
    const r = await cli(["udid", "decode", id], offline);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
  });
});

describe("udid encode", () => {
  it("builds the ID from codes, and decode gives the parts back (round trip)", async () => {
    const parts = {
      manufacturer: "000006",
      category: "02",
      "sub-category": "002",
      "vendor-part": "00C89346112DD5",
    };
    const argv = Object.entries(parts).flatMap(([k, v]) => [`--${k}`, v]);
    const r = await cli(["udid", "encode", ...argv], offline);
    expect(r).toEqual({ code: 0, stdout: "000006010200200C89346112DD5\n", stderr: "" });

    const back = JSON.parse(
      (await cli(["udid", "decode", "000006010200200C89346112DD5", "--json"], offline)).stdout,
    );
    expect([back.manufacturerCode, back.category.code, back.subCategory.code, back.vendorPart]).toEqual(
      Object.values(parts),
    );
  });

  it("takes English category names and prints JSON with --json", async () => {
    const r = await cli(
      [
        "udid",
        "encode",
        "--manufacturer",
        "000006",
        "--category",
        "Laundry",
        "--sub-category",
        "drum washing machine",
        "--vendor-part",
        "X-1",
        "--json",
      ],
      offline,
    );
    expect(JSON.parse(r.stdout)).toEqual({ udeviceId: "0000060102002X-1" });
  });

  it("a bad part exits 1 naming it", async () => {
    const r = await cli(
      [
        "udid",
        "encode",
        "--manufacturer",
        "6",
        "--category",
        "02",
        "--sub-category",
        "002",
        "--vendor-part",
        "A",
      ],
      offline,
    );
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: 'hubctl: cannot encode: manufacturer: "6" is not 6 characters\n',
    });
    const sub = await cli(
      [
        "udid",
        "encode",
        "--manufacturer",
        "000006",
        "--category",
        "02",
        "--sub-category",
        "777",
        "--vendor-part",
        "A",
      ],
      offline,
    );
    expect(sub.code).toBe(1);
    expect(sub.stderr).toContain("cannot encode: subCategory:");
  });
});

describe("udid categories", () => {
  it("lists the tables", async () => {
    const r = await cli(["udid", "categories"], offline);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^CATEGORY +NAME +SUB +SUB-CATEGORY\n/);
    expect(r.stdout).toContain("02        洗涤类 laundry");
  });
});
