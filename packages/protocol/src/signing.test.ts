import { describe, expect, it } from "vitest";
import { requestSigningContent, requestTargetOf } from "./signing.ts";

describe("request signing content (docs/design.md §7)", () => {
  it("is METHOD (upper case) space target newline body", () => {
    expect(requestSigningContent("post", "/v1/devices/op", '{"a":1}')).toBe('POST /v1/devices/op\n{"a":1}');
    expect(requestSigningContent("GET", "/admin/v1/self", "")).toBe("GET /admin/v1/self\n");
  });

  it("takes the target of a URL with its query string, as sent", () => {
    expect(requestTargetOf("https://hub.example/yl/v1/devices/op")).toBe("/yl/v1/devices/op");
    expect(requestTargetOf("http://127.0.0.1:8080/admin/v1/self/deliveries?status=dead&limit=5")).toBe(
      "/admin/v1/self/deliveries?status=dead&limit=5",
    );
  });
});
