/** Did a write fail on a unique constraint (SQLSTATE 23505)? Drivers and drizzle wrap errors differently. */
export function uniqueViolation(err: unknown): { constraint?: string; detail?: string } | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const e = current as {
      code?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
      detail?: unknown;
      cause?: unknown;
    };
    if (e.code === "23505") {
      const constraint = typeof e.constraint_name === "string" ? e.constraint_name : e.constraint;
      return {
        constraint: typeof constraint === "string" ? constraint : undefined,
        detail: typeof e.detail === "string" ? e.detail : undefined,
      };
    }
    current = e.cause;
  }
  return undefined;
}
