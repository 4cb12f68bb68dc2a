import { z } from "zod";
import { modelInput } from "../services/models/model-input.ts";
import { adminAnswerExamples, adminRequestExamples } from "./admin-examples.ts";
import { errors, type OperationDoc } from "./operation.ts";

const TAG = "Admin: device models";

/** The body of POST /admin/v1/models: a model plus the vendor it is published for. */
const publishBody = modelInput.and(z.object({ ownerPlatId: z.string().min(1).max(64) }));

const model = z.looseObject({ deviceType: z.string(), version: z.number().int() });
const modelList = z.looseObject({ models: z.array(model) });

const SELF_TAG = "Self-service";
const SELF_NOTE =
  "Called by the vendor itself, proven like a standard request (Standard Webhooks signature with its appSecret, or its client certificate).";

/** The device model registry (standard 6.5.2.2): attribute names, types, ranges, meaning. */
export function modelOperations(): OperationDoc[] {
  return [
    {
      method: "get",
      path: "/admin/v1/models",
      operationId: "admin_listModels",
      tag: TAG,
      summary: "The newest model of every vendor and the hub's built-in ones",
      audience: "operator",
      responses: {
        "200": {
          description: "Every model",
          body: { name: "ModelList", schema: modelList, examples: adminAnswerExamples.modelList },
        },
        ...errors("Unauthorized"),
      },
    },
    {
      method: "get",
      path: "/admin/v1/models/{owner}/{deviceType}",
      operationId: "admin_modelVersions",
      tag: TAG,
      summary: "Every version of one model (owner `hub` for the built-in ones)",
      audience: "operator",
      pathParams: [
        { name: "owner", description: "The publishing platform's PlatID, or `hub`" },
        { name: "deviceType", description: "BBCCC followed by the D digits" },
      ],
      responses: {
        "200": {
          description: "The versions",
          body: {
            name: "ModelVersions",
            schema: z.looseObject({ versions: z.array(model) }),
            examples: adminAnswerExamples.modelVersions,
          },
        },
        ...errors("Unauthorized", "NotFound"),
      },
    },
    {
      method: "post",
      path: "/admin/v1/models",
      operationId: "admin_publishModel",
      tag: TAG,
      summary: "Publish a new version of a vendor's device model",
      audience: "operator",
      body: { name: "PublishModelInput", schema: publishBody, examples: adminRequestExamples.publishModel },
      responses: {
        "201": {
          description: "The published model",
          body: { name: "Model", schema: model, examples: adminAnswerExamples.model },
        },
        ...errors("Invalid", "Unauthorized", "NotFound"),
      },
    },
    {
      method: "get",
      path: "/admin/v1/self/models",
      operationId: "self_listModels",
      tag: SELF_TAG,
      summary: "The newest version of each of the calling vendor's own models",
      description: SELF_NOTE,
      audience: "self",
      responses: {
        "200": {
          description: "The vendor's models",
          body: { name: "ModelList", schema: modelList, examples: adminAnswerExamples.modelList },
        },
        ...errors("Unauthorized"),
      },
    },
    {
      method: "post",
      path: "/admin/v1/self/models",
      operationId: "self_publishModel",
      tag: SELF_TAG,
      summary: "Publish the next version of one of the calling vendor's device models",
      description: SELF_NOTE,
      audience: "self",
      body: { name: "ModelInput", schema: modelInput, examples: adminRequestExamples.selfPublishModel },
      responses: {
        "201": {
          description: "The published model",
          body: { name: "Model", schema: model, examples: adminAnswerExamples.model },
        },
        ...errors("Invalid", "Unauthorized"),
      },
    },
  ];
}
