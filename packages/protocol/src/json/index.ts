export {
  COMMON_HEADER_LIMITS,
  type CommonHeaders,
  type CommonHeadersRead,
  type HeaderInput,
  normaliseHeaders,
  type OverlongHeader,
  overlongHeaderMessage,
  readCommonHeaders,
} from "./headers.ts";
export {
  type LenientJsonError,
  type LenientJsonOptions,
  type LenientJsonResult,
  parseLenientJson,
} from "./lenient-json.ts";
export { describeUnexpected, locate, type TextPosition } from "./position.ts";
