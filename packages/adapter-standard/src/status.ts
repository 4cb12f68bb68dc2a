import { AdapterError, type DeviceState } from "@yunlian/adapter-sdk";

interface StatusEntry {
  DeviceInfo?: { deviceID?: string } | undefined;
  DeviceAttr: Record<string, string>;
}

/**
 * 7.2.6 answers are positional. When every entry echoes its deviceID (docs/design.md §3.4) the echo wins,
 * so a vendor that answers in another order is still read right; otherwise position decides.
 */
export function statesInRequestOrder(
  platId: string,
  deviceIds: string[],
  entries: StatusEntry[],
): DeviceState[] {
  const fail = (why: string) => new AdapterError("bad_response", `${platId} devices/deviceStatus: ${why}`);
  if (entries.length !== deviceIds.length)
    throw fail(`${entries.length} entries for ${deviceIds.length} devices`);
  const byId = new Map<string, StatusEntry>();
  for (const entry of entries) {
    const id = entry.DeviceInfo?.deviceID;
    if (id !== undefined) byId.set(id, entry);
  }
  const echoed = byId.size === entries.length && deviceIds.every((id) => byId.has(id));
  return deviceIds.map((deviceId, i) => {
    const entry = echoed ? byId.get(deviceId) : entries[i];
    const echo = entry?.DeviceInfo?.deviceID;
    if (!echoed && echo !== undefined && echo !== deviceId)
      throw fail(`entry ${i} is ${echo}, expected ${deviceId}`);
    return { deviceId, attrs: { ...entry?.DeviceAttr } };
  });
}
