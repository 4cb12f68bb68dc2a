import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.ts";

describe("canonicalJson", () => {
  it("ignores key order and whitespace, keeps array order and values", () => {
    const a = JSON.parse('{ "b": [1, {"y": "2", "x": null}], "a": "s" }');
    const b = JSON.parse('{"a":"s","b":[1,{"x":null,"y":"2"}]}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":"s","b":[1,{"x":null,"y":"2"}]}');
    expect(canonicalJson({ b: [2, 1] })).not.toBe(canonicalJson({ b: [1, 2] }));
    expect(canonicalJson({ a: "1" })).not.toBe(canonicalJson({ a: 1 }));
  });
});
