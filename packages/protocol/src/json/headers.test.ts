import { describe, expect, it } from "vitest";
import { normaliseHeaders } from "./headers.ts";

describe("normaliseHeaders", () => {
  it("reads a Headers object case-insensitively", () => {
    const h = new Headers({ platid: " A-1 ", APPID: "app", AccessToken: "tok", authtoken: "auth" });
    expect(normaliseHeaders(h)).toEqual({
      platId: "A-1",
      appId: "app",
      accessToken: "tok",
      authToken: "auth",
    });
  });

  it("reads PlateID (table 9's spelling) as PlatID, and PlatID wins when both are sent", () => {
    expect(normaliseHeaders({ PlateID: "P" })).toEqual({ platId: "P" });
    expect(normaliseHeaders({ PlatID: "canonical", PlateID: "legacy" })).toEqual({ platId: "canonical" });
    expect(normaliseHeaders({ PlateID: "legacy", PlatID: "canonical" })).toEqual({ platId: "canonical" });
  });

  it("tolerates the standard's quoted and padded names and values", () => {
    expect(normaliseHeaders({ '"AuthToken "': ' "t" ', "”PlatID”": "“000006“", "'AppID'": "‘1’" })).toEqual({
      authToken: "t",
      platId: "000006",
      appId: "1",
    });
  });

  it("takes the first of repeated values, drops empty and unknown ones", () => {
    expect(
      normaliseHeaders({ AppID: ["a", "b"], PlatID: "  ", "content-type": "x", AccessToken: undefined }),
    ).toEqual({ appId: "a" });
  });
});
