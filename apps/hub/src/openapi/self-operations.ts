import {
  selfRotateSecretInput,
  selfUpdatePlatformInput as selfUpdateInput,
} from "../services/platforms/platform-input.ts";
import { deliveryListQuery } from "../services/reports/delivery-queries.ts";
import { adminAnswerExamples, adminRequestExamples } from "./admin-examples.ts";
import { DeliveryPage, PlatformView, SecretRotated } from "./admin-schemas.ts";
import { errors, type OperationDoc } from "./operation.ts";

const TAG = "Self-service";

const SELF_NOTE =
  "A platform proves itself by its own security mode: a signature over `webhook-id.webhook-timestamp.METHOD path\\nbody` with its current appSecret (hmac; never the previous one, even during a rotation grace), its client certificate (mtls), or the PlatID and AppID headers (none). The operator may act for a platform with the admin token and the platform's PlatID header.";

/** A platform managing its own registration and reading its own deliveries (issue 5). */
export function selfOperations(): OperationDoc[] {
  const op = (
    doc: Omit<OperationDoc, "audience" | "tag" | "description"> & { description?: string },
  ): OperationDoc => ({
    ...doc,
    description: [doc.description, SELF_NOTE].filter(Boolean).join("\n\n"),
    tag: TAG,
    audience: "self",
  });
  return [
    op({
      method: "get",
      path: "/admin/v1/self",
      operationId: "self_getPlatform",
      summary: "The calling platform's own registration",
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      responses: {
        "200": {
          description: "The platform",
          body: { name: "Platform", schema: PlatformView, examples: adminAnswerExamples.platform },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "patch",
      path: "/admin/v1/self",
      operationId: "self_updatePlatform",
      summary: "Change its own URLs and certificate fingerprints",
      description:
        "Manufacturer codes, adapter, security mode, name and platId stay the operator's: sending them is a 400 naming the field.",
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      body: {
        name: "SelfUpdateInput",
        schema: selfUpdateInput,
        examples: {
          move: {
            summary: "Move the dataGateway",
            value: { dataGatewayUrl: "https://app.example/v1/dataservices/dataGateway" },
          },
        },
      },
      responses: {
        "200": {
          description: "The changed platform",
          body: { name: "Platform", schema: PlatformView, examples: adminAnswerExamples.platform },
        },
        ...errors("Invalid", "Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "post",
      path: "/admin/v1/self/secret",
      operationId: "self_rotateSecret",
      summary: "Rotate its own appSecret and webhookSecret",
      description:
        "Body `{}`. For 24 h the previous appSecret still verifies on the standard API (not here) a vendor gets a new ingestUrl (the previous one still takes reports) and webhooks carry a second signature made with the previous webhookSecret; only the operator can end that grace early.",
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      body: {
        name: "SelfRotateSecretInput",
        schema: selfRotateSecretInput,
        examples: adminRequestExamples.selfRotate,
      },
      responses: {
        "200": {
          description: "The new secrets, shown once",
          body: { name: "SecretRotated", schema: SecretRotated, examples: adminAnswerExamples.secretRotated },
        },
        ...errors("Invalid", "Unauthorized", "NotFound"),
      },
    }),
    op({
      method: "get",
      path: "/admin/v1/self/deliveries",
      operationId: "self_listDeliveries",
      summary: "Its own deliveries (the operator's list without platId)",
      headers: [{ name: "PlatID", requiredWithoutMtls: true }],
      query: deliveryListQuery.omit({ platId: true }),
      responses: {
        "200": {
          description: "A page",
          body: { name: "DeliveryPage", schema: DeliveryPage, examples: adminAnswerExamples.deliveryPage },
        },
        ...errors("Invalid", "Unauthorized", "NotFound"),
      },
    }),
  ];
}
