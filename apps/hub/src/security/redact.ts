/** Keys whose values are credentials (a vendor adapter's clientSecret, a password, an API key…). */
export const SECRET_KEY = /secret|password|token|key/i;

const REDACTED = "***";

/**
 * A copy with every secret-looking key's value replaced by "***", at any depth: adapterConfig
 * may hold vendor credentials, and the admin API never shows a stored secret again.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (typeof value !== "object" || value === null) return value;
  // Object.fromEntries defines own properties: a "__proto__" key stays a key (an assignment
  // would replace the copy's prototype and drop it).
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_KEY.test(k) && v !== null && v !== "" ? REDACTED : redactSecrets(v, depth + 1),
    ]),
  );
}

/**
 * A PATCH that sends back what GET showed must not overwrite the stored secrets with "***":
 * every "***" under a secret-looking key takes the stored value again.
 */
export function restoreRedacted(next: unknown, stored: unknown, depth = 0): unknown {
  if (depth > 32 || typeof next !== "object" || next === null) return next;
  const old = typeof stored === "object" && stored !== null ? (stored as Record<string, unknown>) : {};
  if (Array.isArray(next)) {
    return next.map((v, i) => restoreRedacted(v, Array.isArray(stored) ? stored[i] : undefined, depth + 1));
  }
  // Own keys only: the keys come from the request body.
  return Object.fromEntries(
    Object.entries(next).map(([k, v]) => {
      const had = Object.hasOwn(old, k);
      if (v === REDACTED && SECRET_KEY.test(k) && had) return [k, old[k]];
      return [k, restoreRedacted(v, had ? old[k] : undefined, depth + 1)];
    }),
  );
}
