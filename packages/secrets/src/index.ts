export { newAppSecret, newWebhookSecret } from "./app-secret.ts";
export {
  decryptSecret,
  encryptSecret,
  isCurrentSeal,
  type Keyring,
  keyringFromHex,
  type SecretPlace,
} from "./keyring.ts";
export {
  comparisonDigest,
  randomToken,
  sha256Hex,
  timingSafeEqualStr,
  timingSafeEqualToDigest,
} from "./tokens.ts";
