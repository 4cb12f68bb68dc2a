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

  it.each(["8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "example.com"])("%s is not", (ip) =>
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

  // Issue 14, part 6: literal addresses at registration, in every spelling a URL accepts.
  it.each([
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
    "http://[64:ff9b::a00:5]/v1",
    "http://[::127.0.0.1]:8080/v1",
    "http://[::ffff:7f00:1]/v1",
    "http://[2002:7f00:1::]/v1",
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffa]/v1",
    "http://[fec0::1]/v1",
    "http://0x7f.1/v1",
    "http://2130706433/v1",
    "http://0177.0.0.1/v1",
    "http://169.254.169.254./latest",
  ])("refuses %s at registration", (url) => expect(urlProblem(url, false)).toMatch(/loopback, private/));
});
