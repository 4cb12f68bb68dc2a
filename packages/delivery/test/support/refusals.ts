/**
 * The error PostgreSQL answers a statement that met a row a concurrent commit moved to another
 * partition (SQLSTATE 40001; docs/adr/0009). Which statement meets such a row depends on timing a
 * test cannot control, so tests make the refusal at the client with this.
 */
export function partitionMoveRefusal(): Error & { code: string } {
  return Object.assign(
    new Error("tuple to be locked was already moved to another partition due to concurrent update"),
    { code: "40001" },
  );
}
