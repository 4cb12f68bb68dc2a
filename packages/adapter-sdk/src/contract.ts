/**
 * The version of the adapter contract (the `Adapter` interface and what the hub expects of it), as
 * semver. An adapter declares the version it was built against (`contractVersion`):
 * - a MAJOR bump removes or changes something an adapter relies on (a method, an argument, a
 *   rule the conformance suite checks): an adapter built against another major is refused;
 * - a MINOR bump adds something optional for adapters (a new optional field, a helper): an adapter
 *   built against this minor or an older one of the same major keeps working; one built against a
 *   newer minor may use what this hub does not have, so it is refused;
 * - a PATCH bump clarifies without changing the contract; it is ignored.
 */
export const ADAPTER_CONTRACT_VERSION = "1.0.0";

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Why an adapter built against `declared` cannot run on a hub with `supported`, or undefined
 * when it can (same major, declared minor ≤ supported minor).
 */
export function contractIncompatibility(
  declared: unknown,
  supported: string = ADAPTER_CONTRACT_VERSION,
): string | undefined {
  if (typeof declared !== "string") {
    return `contractVersion is missing (declare the adapter contract version it was built against, e.g. "${supported}")`;
  }
  const mine = SEMVER.exec(declared);
  const ours = SEMVER.exec(supported);
  if (!mine || !ours) return `contractVersion "${declared}" is not a semver version like "${supported}"`;
  const [, major, minor] = mine.map(Number);
  const [, ourMajor, ourMinor] = ours.map(Number);
  if (major !== ourMajor || (minor ?? 0) > (ourMinor ?? 0)) {
    return `contractVersion "${declared}" is not compatible with this hub's adapter contract ${supported} (same major, minor up to ${ourMajor}.${ourMinor})`;
  }
  return undefined;
}
