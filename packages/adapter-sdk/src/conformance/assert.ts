import { isDeepStrictEqual } from "node:util";
import { AdapterError, type AdapterErrorKind } from "../errors.ts";

/** A conformance check's failure: the message says what the adapter did and what was expected. */
class CheckFailed extends Error {
  override readonly name = "CheckFailed";
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

export function equal(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new CheckFailed(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function includesAll(list: readonly unknown[], items: readonly unknown[], what: string): void {
  const missing = items.filter((item) => !list.includes(item));
  if (missing.length > 0) throw new CheckFailed(`${what}: ${show(missing)} missing from ${show(list)}`);
}

/** Every field of `subset` has the same value in `actual` (other fields may differ). */
export function hasFields(actual: unknown, subset: Record<string, unknown>, what: string): void {
  const record = (actual ?? {}) as Record<string, unknown>;
  const differing = Object.keys(subset).filter((key) => !isDeepStrictEqual(record[key], subset[key]));
  if (typeof actual !== "object" || actual === null || differing.length > 0) {
    throw new CheckFailed(`${what}: expected fields ${show(subset)}, got ${show(actual)}`);
  }
}

/** The AdapterError `promise` rejects with; fails when it resolves or rejects with something else. */
export async function adapterErrorOf(
  promise: Promise<unknown>,
  what: string,
  kind?: AdapterErrorKind,
): Promise<AdapterError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  if ("resolved" in outcome) throw new CheckFailed(`${what}: expected an AdapterError, it succeeded`);
  const { error } = outcome;
  if (!(error instanceof AdapterError)) {
    throw new CheckFailed(
      `${what}: expected an AdapterError, got ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`,
    );
  }
  if (kind !== undefined && error.kind !== kind) {
    throw new CheckFailed(`${what}: expected AdapterError "${kind}", got "${error.kind}" (${error.message})`);
  }
  return error;
}
