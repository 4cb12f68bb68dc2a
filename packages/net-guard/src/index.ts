export { PrivateAddressError, publicOnlyConnector, publicOnlyLookup } from "./guarded-connect.ts";
export { isPrivateAddress } from "./private-address.ts";
