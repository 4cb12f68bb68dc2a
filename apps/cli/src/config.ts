import { type EnvRecord, httpUrl, parseEnv } from "@yunlian/config";
import { z } from "zod";
import { DEFAULT_HUB_URL } from "./client.ts";

/** Every environment variable hubctl reads (docs/operations.md), validated before a command runs. */
const envSchema = z.object({
  HUB_URL: httpUrl.default(DEFAULT_HUB_URL),
  // No length rule: the hub judges the token (and says 401), hubctl only carries it.
  HUB_ADMIN_TOKEN: z.string().optional(),
});

export interface CliConfig {
  hubUrl: string;
  /** Undefined when neither HUB_ADMIN_TOKEN nor --token is given: only commands that call the hub need it. */
  adminToken?: string;
}

/**
 * hubctl's configuration: `--url` and `--token` override HUB_URL and HUB_ADMIN_TOKEN, and a
 * variable a flag overrides is not read at all. Throws a ConfigError naming every bad variable.
 */
export function loadCliConfig(env: EnvRecord, flags: { url?: string; token?: string } = {}): CliConfig {
  const read = { ...env };
  if (flags.url !== undefined) delete read.HUB_URL;
  if (flags.token !== undefined) delete read.HUB_ADMIN_TOKEN;
  const e = parseEnv(envSchema, read, "hubctl");
  return { hubUrl: flags.url ?? e.HUB_URL, adminToken: flags.token ?? e.HUB_ADMIN_TOKEN };
}
