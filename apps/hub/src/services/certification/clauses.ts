import type { CertificationRole } from "@yunlian/db";

/**
 * The clauses a certification run checks, per role (docs/partners.md "Certification"). `required`
 * clauses decide the certified badge: a platform is certified when its newest finished run passed
 * every required clause of its role (a clause "not applicable" to its adapter counts as passed).
 * Optional clauses are reported and never withhold the badge.
 */
export interface ClauseDef {
  id: string;
  /** The standard's section (or "hub" for the hub's own rules, docs/design.md §7). */
  section: string;
  title: string;
  required: boolean;
}

export const VENDOR_CLAUSES = [
  {
    id: "login",
    section: "7.1.1",
    title: "user/login: a test user logs in and gets a session",
    required: true,
  },
  {
    id: "verify-callback",
    section: "7.1.4 / 6.6.1.2",
    title: "login calls the hub's verify endpoint, and refuses an AuthToken the hub did not issue",
    required: true,
  },
  {
    id: "bind",
    section: "7.2.1",
    title: "user/bindDevices: the test devices bind, an unknown device comes back in FailedIDs (and only it)",
    required: true,
  },
  { id: "list", section: "7.2.3", title: "users/devices: the bound test devices are listed", required: true },
  {
    id: "info",
    section: "7.2.4",
    title: "devices/deviceInfo: each test device is described",
    required: true,
  },
  {
    id: "modify",
    section: "7.2.5",
    title: "devices/modifyDeviceInfo: a test device is renamed",
    required: false,
  },
  {
    id: "status",
    section: "7.2.6",
    title: "devices/deviceStatus: one state per test device, in request order",
    required: true,
  },
  {
    id: "op",
    section: "7.2.7",
    title: "devices/op: a command is accepted and the status shows it",
    required: true,
  },
  {
    id: "report",
    section: "7.2.8",
    title: "dataGateway: the cloud reports the commanded state to the hub's ingest",
    required: true,
  },
  {
    id: "session-expiry",
    section: "7.1.1 / design §7",
    title: "an expired or unknown AccessToken is refused the way the hub reads as 'session gone'",
    required: true,
  },
  {
    id: "bad-input",
    section: "7.2.7",
    title: "bad input is refused: op on an unknown device",
    required: true,
  },
  {
    id: "unbind",
    section: "7.2.2",
    title: "user/unbindDevices: the test devices unbind with empty FailedIDs and leave the list",
    required: true,
  },
  { id: "logout", section: "7.1.2", title: "user/logout: the session ends", required: true },
] as const satisfies readonly ClauseDef[];

export const APP_CLAUSES = [
  {
    id: "verify-endpoint",
    section: "7.1.4 / 6.6.1.2",
    title: "verify endpoint: vouches (RetCode 200) for a test user, refuses a wrong AuthToken",
    required: true,
  },
  {
    id: "delivery-accepted",
    section: "7.2.8",
    title: "dataGateway: a correctly signed delivery is accepted (HTTP 2xx and RetCode 200)",
    required: true,
  },
  {
    id: "delivery-signature",
    section: "design §7",
    title: "dataGateway: unsigned and badly signed deliveries are refused",
    required: true,
  },
  {
    id: "delivery-retry",
    section: "design §7",
    title: "dataGateway: a retry (same webhook-id, new timestamp and signature) is acknowledged",
    required: true,
  },
  {
    id: "delivery-stale",
    section: "Standard Webhooks",
    title: "dataGateway: a delivery signed with a timestamp 10 minutes old is refused",
    required: false,
  },
] as const satisfies readonly ClauseDef[];

export type VendorClauseId = (typeof VENDOR_CLAUSES)[number]["id"];
export type AppClauseId = (typeof APP_CLAUSES)[number]["id"];

export function clausesOf(role: CertificationRole): readonly ClauseDef[] {
  return role === "vendor" ? VENDOR_CLAUSES : APP_CLAUSES;
}
