import { RetCode, retBody } from "@yunlian/protocol";
import { invalid, notFound } from "../../lib/hub-error.ts";
import type { ModelRegistry } from "../../services/models/model-registry.ts";
import { modelsForType } from "../../services/models/models-for-type.ts";
import type { StandardEndpoint } from "./standard-route.ts";

/** BBCCC, or BBCCC followed by the D digits (docs/design.md §3.1), as models are published. */
const DEVICE_TYPE = /^\d{5,8}$/;

/**
 * GET /v1/models/{deviceType} (an extension, docs/design.md §7): any authenticated platform reads
 * the device models of a type — every vendor's published one and the hub's built-in one — so one
 * app UI can render any brand's washer. 404 when the hub knows no model of that type.
 */
export const modelsRead = (models: Pick<ModelRegistry, "all">): StandardEndpoint => ({
  method: "GET",
  path: "/v1/models/:deviceType",
  async serve({ params }) {
    const deviceType = params.deviceType ?? "";
    if (!DEVICE_TYPE.test(deviceType)) throw invalid("deviceType: BBCCC or BBCCC followed by the D digits");
    const found = modelsForType(models, deviceType);
    if (found.length === 0) throw notFound(`no device model of type ${deviceType}`);
    return { body: retBody(RetCode.OK, "ok", { DeviceType: deviceType, Models: found }) };
  },
});
