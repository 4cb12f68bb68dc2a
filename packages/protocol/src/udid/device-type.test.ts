import { describe, expect, it } from "vitest";
import { ProtocolError } from "../retcode.ts";
import { formatDeviceType, parseDeviceType } from "./device-type.ts";

describe("deviceType", () => {
  it('reads the op example\'s "02002001" as laundry / drum washer / D "001"', () => {
    expect(parseDeviceType("02002001")).toMatchObject({
      kind: "structured",
      category: { code: "02", en: "laundry" },
      subCategory: { code: "002", zh: "滚筒洗衣机" },
      finerClass: "001",
    });
  });

  it('keeps the list example\'s legacy "010101" as an opaque filter, saying so', () => {
    const t = parseDeviceType("010101");
    expect(t).toMatchObject({ kind: "opaque", value: "010101" });
    expect(t.kind === "opaque" && t.reason).toContain("legacy");
  });

  it.each(["新类型号", "", "02002", "0200200a", "9900101"])("%j is opaque", (s) => {
    expect(parseDeviceType(s).kind).toBe("opaque");
  });

  it("formats BBCCC + D and round-trips", () => {
    const s = formatDeviceType({ category: "04", subCategory: "009", finerClass: "12" });
    expect(s).toBe("0400912");
    expect(parseDeviceType(s)).toMatchObject({ kind: "structured", finerClass: "12" });
  });

  it("refuses unknown codes or a non-digit D", () => {
    expect(() => formatDeviceType({ category: "07", subCategory: "001", finerClass: "1" })).toThrow(
      ProtocolError,
    );
    expect(() => formatDeviceType({ category: "06", subCategory: "003", finerClass: "1" })).toThrow(
      /subCategory/,
    );
    expect(() => formatDeviceType({ category: "02", subCategory: "002", finerClass: "" })).toThrow(
      /finerClass/,
    );
    expect(() => formatDeviceType({ category: "02", subCategory: "002", finerClass: "x1" })).toThrow(
      /finerClass/,
    );
  });
});
