import { parseUDeviceId } from "@yunlian/protocol";
import { z } from "zod";

/** A test user's name: becomes part of a namespaced hub loginID, so short and plain. */
const testUserName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,12}$/, "1–12 of A-Z a-z 0-9 _ -")
  .describe(
    "A name for a test user; the hub logs in to the cloud as a hub user of its own for it (namespaced ~cert-…)",
  );

const udid = z
  .string()
  .refine((id) => parseUDeviceId(id).ok, "must be a UDeviceID (docs/design.md §3.1)")
  .describe("A UDeviceID of one of the vendor's test devices");

/**
 * A vendor cloud's run: the devices (its own, checked against its manufacturer codes) and test
 * users to exercise, and optionally the command to send (default: flip onOffStatus).
 */
export const vendorRunInput = z.strictObject({
  devices: z
    .array(udid)
    .min(1)
    .max(10)
    .describe("The vendor's test devices; every one must carry one of its manufacturer codes"),
  testUsers: z.array(testUserName).min(1).max(5).optional().describe('Default ["tester"]'),
  command: z
    .record(z.string().min(1).max(64), z.string().max(256))
    .refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 10, "1–10 attributes")
    .optional()
    .describe(
      "The DeviceAttr sent in devices/op to the first device (default: onOffStatus flipped from its current value)",
    ),
});

/** An app platform's run: the test users its verify endpoint must vouch for. */
export const appRunInput = z.strictObject({
  testUsers: z
    .array(
      z.strictObject({
        loginId: z.string().min(1).max(20),
        authToken: z.string().min(1).max(4096).describe("Redacted in the stored run"),
      }),
    )
    .min(1)
    .max(5),
});

export type VendorRunInput = z.output<typeof vendorRunInput>;
export type AppRunInput = z.output<typeof appRunInput>;

/** What a run is asked, stored with the run (AuthTokens never stored). */
export function storedRequest(input: VendorRunInput | AppRunInput): Record<string, unknown> {
  if ("devices" in input) return { ...input };
  return { testUsers: input.testUsers.map((u) => ({ loginId: u.loginId, authToken: "***" })) };
}
