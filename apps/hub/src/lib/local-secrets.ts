import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A value generated once and kept in the data folder (mode 0600), so a hub started with no
 * configuration keeps the same admin token and encryption key across restarts.
 */
export function storedOrGenerated(
  dataDir: string,
  file: string,
  generate: () => string,
): { value: string; generated: boolean } {
  const path = join(dataDir, file);
  if (existsSync(path)) return { value: readFileSync(path, "utf8").trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const value = generate();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: "wx" });
  return { value, generated: true };
}

export const generateHexKey = () => randomBytes(32).toString("hex");
export const generateAdminToken = () => `yl_admin_${randomBytes(32).toString("base64url")}`;
