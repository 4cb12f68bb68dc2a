export {
  attemptCounts,
  type DeliveryPage,
  getDelivery,
  InvalidCursorError,
  type ListDeliveriesInput,
  listDeliveries,
  type ReplayResult,
  replayDeliveries,
  replayDelivery,
} from "./deliveries.ts";
export { type DeviceView, getDeviceView } from "./devices.ts";
