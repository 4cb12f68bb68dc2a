import { describe, expect, it } from "vitest";
import { cli } from "./support/fake-hub.ts";

// None of these reach a hub: HUB_URL points nowhere, so a request would fail with exit 1, not 2.
const hubUrl = "http://127.0.0.1:1";

describe("usage errors exit 2 with a pointer to --help", () => {
  const cases: [string[], string][] = [
    [
      ["frobnicate"],
      'hubctl: unknown command group "frobnicate" (one of: platforms, deliveries, devices, grants, certification, keys, secrets, udid)\n',
    ],
    [["platforms", "bogus"], 'hubctl: unknown command "platforms bogus"'],
    [["platforms", "list", "--bogus"], "hubctl: Unknown option '--bogus'"],
    [["platforms", "show"], "hubctl: missing argument <platId>"],
    [["platforms", "show", "A", "B"], 'hubctl: unexpected argument "B"'],
    [["platforms", "register", "--name", "X"], "hubctl: --plat-id is required (or platId in --file)"],
    [
      ["platforms", "register", "--plat-id", "X", "--name", "X", "--code", "12345"],
      '--code "12345" is not a 6-digit',
    ],
    [
      ["platforms", "register", "--plat-id", "X", "--name", "X", "--mode", "tls"],
      "--mode must be one of none, hmac, mtls",
    ],
    [
      ["platforms", "register", "--plat-id", "X", "--name", "X", "--http-status", "200"],
      "--http-status must be one of mirror, always200",
    ],
    [
      ["platforms", "register", "--plat-id", "X", "--name", "X", "--adapter-config", "{nope"],
      "--adapter-config: not valid JSON",
    ],
    [
      ["platforms", "register", "--plat-id", "X", "--name", "X", "--adapter-config", "[1]"],
      "--adapter-config: must be a JSON object",
    ],
    [
      ["platforms", "register", "--file", "/nonexistent/body.json"],
      "--file /nonexistent/body.json: cannot read it (ENOENT)",
    ],
    [["platforms", "edit", "X"], "nothing to change"],
    [["platforms", "delete", "X"], "add --yes to confirm"],
    [["deliveries", "list", "--status", "lost"], "--status must be one of pending, delivered, failed, dead"],
    [["deliveries", "list", "--limit", "0"], "--limit must be a positive integer"],
    [["deliveries", "list", "--from", "yesterday"], '--from "yesterday" is not a time'],
    [["deliveries", "replay"], "give a delivery id, or --platform and --since"],
    [["deliveries", "replay", "--platform", "X"], "give a delivery id, or --platform and --since"],
    [["deliveries", "replay", "msg_1", "--platform", "X", "--since", "1h"], "not both"],
    [["udid", "encode", "--manufacturer", "000006"], "--category is required"],
    [["platforms", "list", "--url", "not a url"], 'invalid hub URL "not a url"'],
  ];
  it.each(cases)("%j", async (argv, message) => {
    const r = await cli(argv, { hubUrl });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/Run 'hubctl [a-z -]*--help' for usage\.\n$/);
  });

  it("no operator token is a usage error", async () => {
    const r = await cli(["platforms", "list"], { hubUrl, env: { HUB_ADMIN_TOKEN: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no operator token: set HUB_ADMIN_TOKEN or pass --token");
  });

  it("a bad setting stops every command before it runs, naming each bad variable", async () => {
    const r = await cli(["udid", "categories"], { env: { HUB_URL: "ftp://hub.example" } });
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "hubctl: invalid hubctl configuration:\n  HUB_URL: must be an http:// or https:// URL\n",
    });
  });

  it("--url overrides HUB_URL, which is then not read at all", async () => {
    const r = await cli(["udid", "categories"], { env: { HUB_URL: "not a url" }, hubUrl });
    expect(r.stderr).toContain("HUB_URL: must be an http:// or https:// URL");
    const overridden = await cli(["udid", "categories", "--url", hubUrl], { env: { HUB_URL: "not a url" } });
    expect(overridden.code).toBe(0);
  });

  it("no arguments prints the overview to stderr and exits 2", async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: hubctl <group> <command>");
  });

  it("a group without a command prints the group's commands to stderr and exits 2", async () => {
    const r = await cli(["deliveries"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: hubctl deliveries <command>");
  });
});

describe("--help for every command", () => {
  const commands = [
    "platforms register",
    "platforms list",
    "platforms show",
    "platforms edit",
    "platforms rotate-secret",
    "platforms delete",
    "deliveries list",
    "deliveries show",
    "deliveries replay",
    "devices show",
    "udid decode",
    "udid encode",
    "udid categories",
  ];
  it.each(commands)("%s --help", async (command) => {
    const r = await cli([...command.split(" "), "--help"], { env: { HUB_ADMIN_TOKEN: undefined } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^Usage: hubctl ${command} `));
    expect(r.stdout).toContain("Global options:");
  });

  it("-h, 'help <group>' and the top level", async () => {
    expect((await cli(["-h"])).stdout).toContain("Groups:");
    expect((await cli(["help", "platforms"])).stdout).toContain("Usage: hubctl platforms <command>");
    expect((await cli(["platforms", "--help"])).stdout).toContain("rotate-secret");
    expect((await cli(["udid", "encode", "-h"])).stdout).toContain("--vendor-part <part>");
  });
});
