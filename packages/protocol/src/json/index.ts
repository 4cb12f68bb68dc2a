export {
  COMMON_HEADER_LIMITS,
  type CommonHeaders,
  type HeaderInput,
  normaliseHeaders,
  type OverlongHeader,
  overlongHeader,
  overlongHeaderMessage,
} from "./headers.ts";
export {
  type LenientJsonError,
  type LenientJsonOptions,
  type LenientJsonResult,
  parseLenientJson,
} from "./lenient-json.ts";
export { describeUnexpected, locate, type TextPosition } from "./position.ts";
