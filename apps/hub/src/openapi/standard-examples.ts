import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type ApiName, apiNames, parseRequest, parseResponse } from "@yunlian/protocol";
import type { NamedExample } from "./operation.ts";

/**
 * The examples of the standard's section 7, transcribed character for character in
 * @yunlian/protocol's fixtures. The package does not export its fixtures, so the folder is found
 * next to its entry point; a deployment that prunes it just gets a reference without examples.
 */
function fixturesDir(): string | undefined {
  const entry = createRequire(import.meta.url).resolve("@yunlian/protocol");
  const dir = join(dirname(entry), "fixtures", "standard");
  return existsSync(dir) ? dir : undefined;
}

/** Fixture files name the interface by its last path segment (`7.2.1-bind`, `7.2.8-dataGateway-attr`). */
const FILE_PREFIX: Record<ApiName, string> = {
  "user/login": "7.1.1-login",
  "user/logout": "7.1.2-logout",
  "user/unregister": "7.1.3-unregister",
  "user/verify": "7.1.4-verify",
  "user/bindDevices": "7.2.1-bind",
  "user/unbindDevices": "7.2.2-unbind",
  "users/devices": "7.2.3-devices",
  "devices/deviceInfo": "7.2.4-deviceInfo",
  "devices/modifyDeviceInfo": "7.2.5-modifyDeviceInfo",
  "devices/deviceStatus": "7.2.6-deviceStatus",
  "devices/op": "7.2.7-op",
  "dataservices/dataGateway": "7.2.8-dataGateway",
};

export interface ApiExamples {
  request: Record<string, NamedExample>;
  response: Record<string, NamedExample>;
}

/** The standard's header blocks (`”PlatID”: MB-JDAPP-0000`) as name → value, for parseRequest. */
function headerBlock(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) out[line.slice(0, colon).trim()] = line.slice(colon + 1).replace(/,\s*$/, "");
  }
  return out;
}

function exampleKey(file: string, prefix: string): string {
  const variant = file.slice(prefix.length).split(".")[0]?.replace(/^-/, "");
  return variant ? `standard-${variant}` : "standard";
}

/**
 * Every example the standard prints that is JSON (after the documented leniency) and satisfies
 * the interface's table, in the canonical form the hub reads it as. The others (curly quotes,
 * comments, a missing comma, fields the table requires left out) are named in the description.
 */
export function standardExamples(): Map<ApiName, ApiExamples> {
  const out = new Map<ApiName, ApiExamples>();
  const dir = fixturesDir();
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith(".body.txt")) : [];
  const read = (name: string) => (dir ? readFileSync(join(dir, name), "utf8") : "");
  for (const api of apiNames) {
    const prefix = FILE_PREFIX[api];
    const examples: ApiExamples = { request: {}, response: {} };
    for (const file of files.filter((f) => f.startsWith(prefix)).sort()) {
      const section = prefix.split("-")[0];
      if (file.includes(".request.")) {
        const headerFile = file.replace(".body.", ".header.");
        const headers = dir && existsSync(join(dir, headerFile)) ? headerBlock(read(headerFile)) : {};
        const parsed = parseRequest(api, read(file), headers);
        if (parsed.ok)
          examples.request[exampleKey(file, prefix)] = {
            summary: `The standard's example (${section})`,
            value: parsed.body,
          };
      } else {
        const parsed = parseResponse(api, read(file));
        if (parsed.ok)
          examples.response[exampleKey(file, prefix)] = {
            summary: `The standard's example (${section})`,
            value: parsed.body,
          };
      }
    }
    out.set(api, examples);
  }
  return out;
}
