/**
 * What a platform signs for a request TO the hub (docs/design.md §7): the method and the request
 * target as well as the body, so that a signature made for one request is worth nothing on any
 * other path or method. With a Standard Webhooks library this is the payload:
 * `sign(id, timestamp, requestSigningContent(method, target, body))`, which HMACs
 * `id + "." + timestamp + "." + METHOD + " " + target + "\n" + body`.
 *
 * `target` is the path with its query string as the hub receives it (`/v1/devices/op`,
 * `/admin/v1/self/deliveries?status=dead`); `body` the raw bytes as text (empty for a GET).
 * What the hub sends to a platform is signed the plain Standard Webhooks way (payload = body)
 * with another secret, the platform's webhookSecret.
 */
export function requestSigningContent(method: string, target: string, body: string): string {
  return `${method.toUpperCase()} ${target}\n${body}`;
}

/** The request target (path + query) of a URL, as the hub will receive it from a direct client. */
export function requestTargetOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}
