import { describe, expect, it } from "vitest";
import { isPrivateAddress } from "../src/index.ts";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "198.18.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "192.0.0.170",
    "192.0.2.1",
    "240.0.0.1",
    "::",
    "::1",
    "fd00::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "2001:db8::1",
  ])("%s is private", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  // Issue 14, part 6: each of these reached an internal IPv4 host yet passed as public.
  it.each([
    ["64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254 (cloud metadata)"],
    ["64:ff9b::a00:5", "NAT64 of 10.0.0.5"],
    ["64:ff9b::127.0.0.1", "NAT64 of loopback, dotted"],
    ["64:ff9b:1::a00:5", "local-use NAT64 prefix"],
    ["::127.0.0.1", "IPv4-compatible loopback"],
    ["::7f00:1", "IPv4-compatible loopback, hex"],
    ["::a00:5", "IPv4-compatible 10.0.0.5"],
    ["::ffff:0:7f00:1", "IPv4-translated loopback"],
    ["2002:7f00:1::", "6to4 of 127.0.0.1"],
    ["2002:a9fe:a9fe::1", "6to4 of 169.254.169.254"],
    ["2001:0:4136:e378:8000:63bf:f5ff:fffa", "Teredo, client 10.0.0.5"],
    ["2001:0:a00:5:8000:63bf:3fd7:dcf1", "Teredo, server 10.0.0.5"],
    ["fec0::1", "site-local"],
    ["FEC0::1", "site-local, upper case"],
  ])("%s is private (%s)", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    "8.8.8.8",
    "172.32.0.1",
    "2606:4700:4700::1111",
    "::ffff:808:808",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
    "example.com",
    "127.0.0.1.example.com",
  ])("%s is not", (ip) => expect(isPrivateAddress(ip)).toBe(false));
});
