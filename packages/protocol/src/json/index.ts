export { type CommonHeaders, type HeaderInput, normaliseHeaders } from "./headers.ts";
export {
  type LenientJsonError,
  type LenientJsonOptions,
  type LenientJsonResult,
  parseLenientJson,
} from "./lenient-json.ts";
export { describeUnexpected, locate, type TextPosition } from "./position.ts";
