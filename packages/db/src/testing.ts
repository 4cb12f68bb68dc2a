import { randomBytes } from "node:crypto";
import postgres from "postgres";

// Test helpers: every test file gets its own database on the local server, so files run in
// parallel and never see each other's rows.

const baseUrl = () => process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/** True in CI (or when asked): a missing server must then fail the tests, not skip them. */
export function servicesRequired(): boolean {
  return process.env.TEST_REQUIRE_SERVICES === "1" || process.env.CI === "true";
}

export async function postgresAvailable(): Promise<boolean> {
  const sql = postgres(baseUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Creates an empty database t_<random> (not migrated) and returns its URL and a way to drop it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(8).toString("hex")}`;
  const admin = postgres(baseUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(baseUrl(), { max: 1, onnotice: () => {} });
      try {
        // FORCE ends sessions a test forgot to close (PostgreSQL 13+).
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
