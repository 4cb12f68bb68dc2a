export { newAppSecret, newWebhookSecret } from "./app-secret.ts";
export { decryptSecret, encryptSecret, type Keyring, keyringFromHex } from "./keyring.ts";
export { randomToken, sha256Hex, timingSafeEqualStr } from "./tokens.ts";
