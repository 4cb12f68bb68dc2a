/**
 * Secrets never reach a stored report: header values and JSON fields that carry a credential are
 * replaced by "***" (a vendor reads its own report, and so does the operator, in the console).
 */
const SECRET_HEADERS = new Set([
  "accesstoken",
  "authtoken",
  "authorization",
  "webhook-signature",
  "access_token",
  "client_secret",
  "sign",
  "cookie",
]);

const SECRET_FIELDS = new Set([
  "accesstoken",
  "authtoken",
  "auth_token",
  "access_token",
  "refresh_token",
  "client_secret",
  "secret",
  "password",
  "sign",
]);

/** Longest body kept per exchange: enough to read an answer, not a dump. */
const MAX_TEXT = 2000;

export function redactHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? "***" : value;
  }
  return out;
}

/** A body as text with credential fields masked (JSON), cut to a readable length. */
export function redactBody(text: string): string {
  let out = text;
  try {
    out = JSON.stringify(redactValue(JSON.parse(text)));
  } catch {
    // Not JSON: kept as it is (cut below); the standard's bodies are JSON, a native API's may not be.
  }
  return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT)}… (${out.length} characters)` : out;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_FIELDS.has(k.trim().toLowerCase()) ? "***" : redactValue(v),
      ]),
    );
  }
  return value;
}
