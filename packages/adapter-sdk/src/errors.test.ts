import { describe, expect, it } from "vitest";
import { AdapterError, type AdapterErrorKind, isAdapterError } from "./errors.ts";

describe("AdapterError.retCode: the one map from adapter failures to the hub's RetCodes", () => {
  it.each<[AdapterErrorKind, string | undefined, string]>([
    ["invalid", undefined, "400"],
    ["unauthorized", "401", "502"],
    ["unauthorized", undefined, "502"],
    ["timeout", undefined, "504"],
    ["unreachable", undefined, "502"],
    ["bad_response", undefined, "502"],
    ["rejected", undefined, "500"],
    ["rejected", "500", "500"],
    ["rejected", "400", "400"],
    ["rejected", "403", "403"],
    ["rejected", "404", "404"],
    ["rejected", "409", "409"],
    // A vendor's own 401/5xx are about the hub↔vendor link: never passed to the caller.
    ["rejected", "401", "500"],
    ["rejected", "502", "500"],
    ["invalid", "404", "400"],
  ])("%s with vendor RetCode %s → %s", (kind, vendorRetCode, expected) => {
    expect(new AdapterError(kind, "x", vendorRetCode).retCode).toBe(expected);
  });
});

describe("an AdapterError from another copy of the SDK (an adapter package's own dependency)", () => {
  // What another copy's constructor leaves on its instances: the shared brand, another class.
  const foreign = Object.assign(new Error("vendor said no"), {
    [Symbol.for("@yunlian/adapter-sdk/AdapterError")]: true,
    kind: "rejected",
  });

  it("is an AdapterError to this copy, by brand", () => {
    expect(foreign instanceof AdapterError).toBe(true);
    expect(isAdapterError(foreign, "rejected")).toBe(true);
    expect(isAdapterError(foreign, "timeout")).toBe(false);
  });

  it("a plain error is not", () => {
    expect(new Error("x") instanceof AdapterError).toBe(false);
    expect(isAdapterError({ kind: "rejected" })).toBe(false);
  });
});
