/** A bare standard client for the tests: POST JSON, read status, headers and body. */
export async function callApi(
  baseUrl: string,
  api: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/${api}`, {
    method: "POST",
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export function devicesBody(userId: string, ids: string[], attrs?: Record<string, string>) {
  return { UserID: userId, Device: ids.map((deviceID) => ({ DeviceInfo: { deviceID }, DeviceAttr: attrs })) };
}
