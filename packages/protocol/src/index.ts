/**
 * @yunlian/protocol — the wire protocol of the cloud-to-cloud interconnection standard: RetCodes,
 * lenient input reading, zod schemas of every message, and the UDeviceID codec. No I/O.
 */
export {
  COMMON_HEADER_LIMITS,
  type CommonHeaders,
  type CommonHeadersRead,
  type HeaderInput,
  normaliseHeaders,
  type OverlongHeader,
  overlongHeaderMessage,
  readCommonHeaders,
} from "./json/headers.ts";
export {
  type LenientJsonError,
  type LenientJsonOptions,
  type LenientJsonResult,
  parseLenientJson,
} from "./json/lenient-json.ts";
export {
  type ParseFailure,
  type ParseRequestResult,
  type ParseResponseResult,
  parseRequest,
  parseRequestBody,
  parseResponse,
} from "./parse.ts";
export { httpStatusOf, isRetCode, ProtocolError, RetCode, retBody } from "./retcode.ts";
export * from "./schemas/index.ts";
export { requestSigningContent, requestTargetOf } from "./signing.ts";
export * from "./udid/index.ts";
