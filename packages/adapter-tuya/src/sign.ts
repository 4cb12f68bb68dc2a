import { createHash, createHmac } from "node:crypto";

/**
 * Tuya Cloud OpenAPI request signing (public docs, "Sign Requests"):
 *   stringToSign = METHOD \n SHA256(body) \n headers \n url
 *   sign = HMAC-SHA256(secret, client_id [+ access_token] + t + nonce + stringToSign), upper-case hex
 * `headers` is `name:value\n` for each header named in Signature-Headers (empty when none);
 * `url` is the path plus the query parameters sorted by name. Token calls omit the access token.
 */
export interface SignInput {
  clientId: string;
  secret: string;
  /** Absent for the token endpoints. */
  accessToken?: string;
  /** 13-digit epoch milliseconds. */
  t: string;
  nonce: string;
  method: string;
  /** Path plus sorted query, as `canonicalUrl` builds it. */
  url: string;
  body: string;
  /** Headers listed in Signature-Headers, in that order. */
  signedHeaders?: [string, string][];
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The path with its query parameters sorted by name: the form both sides sign. */
export function canonicalUrl(path: string, query: Iterable<[string, string]> = []): string {
  const pairs = [...query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.length === 0 ? path : `${path}?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`;
}

export function stringToSign(input: Pick<SignInput, "method" | "url" | "body" | "signedHeaders">): string {
  const headers = (input.signedHeaders ?? []).map(([name, value]) => `${name}:${value}\n`).join("");
  return [input.method.toUpperCase(), sha256Hex(input.body), headers, input.url].join("\n");
}

export function tuyaSign(input: SignInput): string {
  const message = input.clientId + (input.accessToken ?? "") + input.t + input.nonce + stringToSign(input);
  return createHmac("sha256", input.secret).update(message, "utf8").digest("hex").toUpperCase();
}
