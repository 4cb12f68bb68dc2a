import { describe, expect, it } from "vitest";
import { httpStatusOf, isRetCode, ProtocolError, RetCode, retBody } from "./retcode.ts";

describe("RetCode", () => {
  it("holds docs/design.md §3.3's table, and the HTTP status mirrors each code", () => {
    expect(Object.values(RetCode)).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
      "405",
      "409",
      "413",
      "429",
      "500",
      "502",
      "504",
    ]);
    for (const code of Object.values(RetCode)) expect(httpStatusOf(code)).toBe(Number(code));
    expect(httpStatusOf(RetCode.BUSINESS)).toBe(500);
  });

  it("recognises its own codes only", () => {
    expect(isRetCode("409")).toBe(true);
    expect(isRetCode("201")).toBe(false);
    expect(isRetCode(200)).toBe(false);
  });

  it("builds the standard's envelope", () => {
    expect(retBody(RetCode.OK, "ok")).toEqual({ RetCode: "200", RetInfo: "ok" });
    expect(retBody(RetCode.OK, "ok", { FailedIDs: ["x"] })).toEqual({
      RetCode: "200",
      RetInfo: "ok",
      FailedIDs: ["x"],
    });
  });

  it("carries the code and field on ProtocolError", () => {
    const e = new ProtocolError(RetCode.INVALID, "bad", "UserID");
    expect(e).toBeInstanceOf(Error);
    expect([e.retCode, e.message, e.field, e.name]).toEqual(["400", "bad", "UserID", "ProtocolError"]);
  });
});
