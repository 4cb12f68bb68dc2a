/** The two namespaces of docs/design.md §7 "Sandbox". */
interface Namespaced {
  platId: string;
  sandbox: boolean;
}

const nameOf = (p: Namespaced) => (p.sandbox ? "a sandbox" : "a production");

/**
 * Why `caller` may not reach a device of `vendor`, or undefined when both live in one namespace:
 * a sandbox platform's users, bindings and devices never mix with production platforms'
 * (issue 18). Answered as a refusal of another tenant's resource (RetCode "403", FailedIDs for a
 * bind), like the trust rule's.
 */
export function namespaceRefusal(
  caller: Namespaced,
  vendor: Namespaced,
  udeviceId: string,
): string | undefined {
  if (caller.sandbox === vendor.sandbox) return undefined;
  return `device ${udeviceId}: its vendor ${vendor.platId} is ${nameOf(vendor)} platform and ${caller.platId} is ${nameOf(caller)} one; sandbox and production never mix`;
}
