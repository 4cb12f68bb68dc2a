/** The Tuya-style cloud's wire shapes, shared by the adapter and the simulator. */

export interface TuyaStatus {
  code: string;
  value: unknown;
}

/** Device details as GET /v1.0/devices/{id} and GET /v1.0/users/{uid}/devices answer them. */
export interface TuyaDevice {
  id: string;
  name: string;
  product_id: string;
  product_name?: string;
  category?: string;
  online: boolean;
  status?: TuyaStatus[];
}

/** The status message of Tuya's message service: a device's data points changed. */
export interface TuyaStatusPush {
  dataId: string;
  devId: string;
  productKey: string;
  status: (TuyaStatus & { t: number })[];
}

/** The online/offline message of the message service. */
export interface TuyaBizPush {
  bizCode: "online" | "offline";
  devId: string;
  productKey: string;
  bizData: { time: number };
}

export type TuyaPush = TuyaStatusPush | TuyaBizPush;
