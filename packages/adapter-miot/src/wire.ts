/** The MIoT-style cloud's wire shapes, shared by the adapter and the simulator. */

export interface MiotTokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  /** The cloud's id of the user the token is for. */
  open_id: string;
}

export interface MiotDevice {
  did: string;
  name: string;
  model: string;
  isOnline: boolean;
}

/** A per-device answer of bind, unbind and info: code 0 or a MIoT error code. */
export interface MiotDeviceResult extends Partial<MiotDevice> {
  did: string;
  code: number;
}

interface MiotPropId {
  did: string;
  siid: number;
  piid: number;
}

export interface MiotPropResult extends MiotPropId {
  code: number;
  value?: unknown;
}

export interface MiotPropValue extends MiotPropId {
  value: unknown;
}

/** What the cloud pushes to a subscriber when a device changes, as `properties_changed` or on/offline. */
export interface MiotPush {
  id: string;
  method: "properties_changed" | "device_online" | "device_offline";
  did: string;
  model: string;
  /** Epoch ms. */
  time: number;
  params: { siid: number; piid: number; value: unknown }[];
}
