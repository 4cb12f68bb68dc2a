import { describe, expect, it } from "vitest";
import { isPrivateAddress, urlProblem } from "./url-guard.ts";

describe("url guard", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
  ])("%s is private", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(["8.8.8.8", "172.32.0.1", "2001:db8::1", "example.com"])("%s is not", (ip) =>
    expect(isPrivateAddress(ip)).toBe(false),
  );

  it("refuses non-http schemes, credentials and private hosts unless allowed", () => {
    expect(urlProblem("ftp://example.com/x", false)).toMatch(/http/);
    expect(urlProblem("https://u:p@example.com/x", false)).toMatch(/credentials/);
    expect(urlProblem("http://localhost:8080/v1", false)).toMatch(/loopback/);
    expect(urlProblem("http://[::1]:8080/v1", false)).toMatch(/loopback/);
    expect(urlProblem("http://localhost:8080/v1", true)).toBeUndefined();
    expect(urlProblem("https://vendor.example/v1", false)).toBeUndefined();
    expect(urlProblem("not a url", true)).toMatch(/not a URL/);
  });
});
