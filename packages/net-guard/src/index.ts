export {
  type CollectedResponse,
  type CollectOptions,
  collectResponse,
  DeadlineExceeded,
  ResponseTooLarge,
  requestTarget,
} from "./collect-response.ts";
export { PrivateAddressError, publicOnlyConnector, publicOnlyLookup } from "./guarded-connect.ts";
export { isPrivateAddress } from "./private-address.ts";
