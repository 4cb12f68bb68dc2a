import { z } from "zod";
import {
  grantFilter,
  operatorGrantInput,
  selfGrantFilter,
  selfGrantInput,
} from "../services/grants/grant-input.ts";
import { errors, type NamedExample, type OperationDoc } from "./operation.ts";

const TAG = "Admin: sharing grants";
const SELF_TAG = "Self-service";
const SELF_NOTE =
  "Called by the platform itself, proven like a standard request (Standard Webhooks signature with its appSecret, its client certificate, or PlatID + AppID in mode none).";

const RULE =
  'Standard 7.2.1\'s trust rule (docs/design.md §4): a device bound through one platform is refused to another platform\'s users unless the first grants it. The grantor must hold the device in its own right (a user of it bound the device, and not through a grant: else 403). Granting what is granted answers 200 with the grant. Every grant and revocation is audited and sent to both platforms\' dataGateway as a notice `{DeviceID, DataType: "grant", DeviceStatus: {grant: "granted"|"revoked", grantorPlatId, granteePlatId}, TimeStamp}`, signed and retried like a status report.';
const REVOKE =
  "Revoking unbinds every user of the grantee platform from the device at once (the vendor is asked to unbind them too, best effort), so the grantee receives no further status report of it; its open deliveries (retries) of earlier reports end as dead.";

const grant = z.object({
  deviceId: z.string(),
  grantorPlatId: z.string(),
  granteePlatId: z.string(),
  createdAt: z.string(),
});
const grantList = z.object({ grants: z.array(grant) });

const ex = (summary: string, value: unknown): Record<string, NamedExample> => ({
  example: { summary, value },
});
const aGrant = {
  deviceId: "000006010200200C89346112DD5",
  grantorPlatId: "APP-PLAT-0001",
  granteePlatId: "APP-PLAT-0002",
  createdAt: "2026-01-05T08:30:00.000Z",
};
const grantExample = ex("APP-PLAT-0002's users may bind the washer", aGrant);
const grantListExample = ex("One grant", { grants: [aGrant] });
const revokedExample = ex("Revoked: one user of the grantee was unbound", { grant: aGrant, unboundUsers: 1 });
const selfInputExample = ex("Share the washer with another platform's users", {
  deviceId: aGrant.deviceId,
  granteePlatId: aGrant.granteePlatId,
});
const operatorInputExample = ex("On behalf of the platform that holds the washer", {
  deviceId: aGrant.deviceId,
  grantorPlatId: aGrant.grantorPlatId,
  granteePlatId: aGrant.granteePlatId,
});
const revoked = z.object({ grant, unboundUsers: z.number().int() });
const pathParams = [
  { name: "deviceId", description: "The shared device's UDeviceID" },
  { name: "granteePlatId", description: "The platform whose users were granted the device" },
];

/** Sharing grants: the operator's admin API and the platform's self-service. */
export function grantOperations(): OperationDoc[] {
  return [
    {
      method: "post",
      path: "/admin/v1/grants",
      operationId: "admin_createGrant",
      tag: TAG,
      summary: "Grant another platform's users a device, on behalf of the platform that holds it",
      description: RULE,
      audience: "operator",
      body: { name: "OperatorGrantInput", schema: operatorGrantInput, examples: operatorInputExample },
      responses: {
        "201": { description: "Granted", body: { name: "Grant", schema: grant, examples: grantExample } },
        "200": {
          description: "Already granted",
          body: { name: "Grant", schema: grant, examples: grantExample },
        },
        ...errors("Invalid", "Unauthorized", "Forbidden", "NotFound"),
      },
    },
    {
      method: "get",
      path: "/admin/v1/grants",
      operationId: "admin_listGrants",
      tag: TAG,
      summary: "Every grant, oldest first; `platId` (as grantor or grantee) and `deviceId` filter",
      audience: "operator",
      query: grantFilter,
      responses: {
        "200": {
          description: "The grants",
          body: { name: "GrantList", schema: grantList, examples: grantListExample },
        },
        ...errors("Invalid", "Unauthorized"),
      },
    },
    {
      method: "delete",
      path: "/admin/v1/grants/{deviceId}/{granteePlatId}",
      operationId: "admin_revokeGrant",
      tag: TAG,
      summary: "Revoke a grant",
      description: REVOKE,
      audience: "operator",
      pathParams,
      responses: {
        "200": {
          description: "Revoked",
          body: { name: "GrantRevoked", schema: revoked, examples: revokedExample },
        },
        ...errors("Unauthorized", "Forbidden", "NotFound"),
      },
    },
    {
      method: "post",
      path: "/admin/v1/self/grants",
      operationId: "self_createGrant",
      tag: SELF_TAG,
      summary: "Grant another platform's users a device the calling platform's users bound",
      description: `${SELF_NOTE}\n\n${RULE}`,
      audience: "self",
      body: { name: "GrantInput", schema: selfGrantInput, examples: selfInputExample },
      responses: {
        "201": { description: "Granted", body: { name: "Grant", schema: grant, examples: grantExample } },
        "200": {
          description: "Already granted",
          body: { name: "Grant", schema: grant, examples: grantExample },
        },
        ...errors("Invalid", "Unauthorized", "Forbidden", "NotFound"),
      },
    },
    {
      method: "get",
      path: "/admin/v1/self/grants",
      operationId: "self_listGrants",
      tag: SELF_TAG,
      summary: "The grants the calling platform made or received; `deviceId` filters",
      description: SELF_NOTE,
      audience: "self",
      query: selfGrantFilter,
      responses: {
        "200": {
          description: "The grants",
          body: { name: "GrantList", schema: grantList, examples: grantListExample },
        },
        ...errors("Invalid", "Unauthorized"),
      },
    },
    {
      method: "delete",
      path: "/admin/v1/self/grants/{deviceId}/{granteePlatId}",
      operationId: "self_revokeGrant",
      tag: SELF_TAG,
      summary: "Revoke a grant the calling platform made",
      description: `${SELF_NOTE}\n\n${REVOKE} Only the grantor revokes (another platform: 404).`,
      audience: "self",
      pathParams,
      responses: {
        "200": {
          description: "Revoked",
          body: { name: "GrantRevoked", schema: revoked, examples: revokedExample },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    },
  ];
}
