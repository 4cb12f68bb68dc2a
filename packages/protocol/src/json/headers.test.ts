import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseHeaders, readCommonHeaders, stripQuotes } from "./headers.ts";

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

describe("stripQuotes", () => {
  // What the hub did before issue 14, kept here as the reference for short inputs only: on a long
  // run of quotes not at the end this regex backtracks quadratically.
  const reference = (v: string) =>
    v
      .trim()
      .replace(/^["'“”‘’]+|["'“”‘’]+$/g, "")
      .trim();

  it("strips exactly what the former trim-and-regex did", () => {
    const alphabet = [..."\"'“”‘’‚‛ \t\u00a0\u3000\u2028ax1-"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }), (chars) => {
        const v = chars.join("");
        expect(stripQuotes(v)).toBe(reference(v));
      }),
      { numRuns: 5000 },
    );
  });

  it("keeps quotes inside a value and answers a hostile 15 KiB value", () => {
    expect(stripQuotes('" a"b "')).toBe('a"b');
    const hostile = `x${'"'.repeat(15_000)}y`;
    expect(stripQuotes(hostile)).toBe(hostile);
    const longest = `x${'"'.repeat(4093)}y`;
    expect(normaliseHeaders({ AccessToken: `'${longest}` })).toEqual({ accessToken: longest });
    // Longer than any real token: refused before cleaning, naming the header.
    expect(() => normaliseHeaders({ accesstoken: `'${hostile}` })).toThrow(
      "header AccessToken is 15003 characters long; at most 4096 are accepted",
    );
  });

  it("readCommonHeaders names the first header over its cap, a quoted or repeated one included", () => {
    const token = "t".repeat(4097);
    expect(readCommonHeaders({ platid: "P", '"AccessToken "': token, appid: "a".repeat(300) })).toEqual({
      ok: false,
      overlong: { name: "AccessToken", limit: 4096, length: 4097 },
    });
    expect(readCommonHeaders({ platid: ["P", "x".repeat(257)] })).toEqual({
      ok: false,
      overlong: { name: "PlatID", limit: 256, length: 257 },
    });
    expect(readCommonHeaders({ platid: " P ", "content-type": "application/json" })).toEqual({
      ok: true,
      headers: { platId: "P" },
    });
  });

  it("does not read Object.prototype's members as header fields", () => {
    const hostile = Object.fromEntries([
      ["constructor", "x"],
      ["__proto__", "y"],
      ["toString", "z"],
      ["PlatID", "P"],
    ]);
    expect(normaliseHeaders(hostile)).toEqual({ platId: "P" });
  });
});
