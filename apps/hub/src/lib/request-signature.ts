import { requestSigningContent } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";

/** The three Standard Webhooks headers of a signed request. */
export interface SignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** What a platform's request to the hub is signed over (docs/design.md §7). */
export interface SignedRequest {
  method: string;
  /** Path and query string, as the platform addressed it (HUB_PUBLIC_URL's path in front). */
  target: string;
  body: string;
}

/**
 * Why no secret verifies this request's signature, or undefined when one does. The maintained
 * Standard Webhooks library does the HMAC, the constant-time comparison and the ±5 minute
 * timestamp tolerance; the payload it signs is the method, the target and the body
 * (requestSigningContent), so a signature is good for one request only — never for another path
 * or method, and never one the hub made for a webhook (payload = body, another secret).
 */
export function requestSignatureProblem(
  secrets: readonly string[],
  request: SignedRequest,
  headers: SignatureHeaders,
): string | undefined {
  const content = requestSigningContent(request.method, request.target, request.body);
  let problem = "signature does not match";
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(content, headers, { jsonParse: false });
      return undefined;
    } catch (err) {
      problem = err instanceof Error ? err.message : problem;
    }
  }
  return problem;
}
