import type { CommandsCtx } from "../../services/commands/commands-context.ts";
import type { DevicesCtx } from "../../services/devices/devices-context.ts";
import type { ModelRegistry } from "../../services/models/model-registry.ts";
import type { ReportsCtx } from "../../services/reports/receive-report.ts";
import type { LoginCtx } from "../../services/users/login.ts";
import type { UsersCtx } from "../../services/users/users-context.ts";
import { dataGateway, dataGatewayAtIngestUrl } from "./data-gateway.ts";
import { devicesDeviceInfo, devicesModifyDeviceInfo } from "./devices-info.ts";
import { devicesOp } from "./devices-op.ts";
import { devicesDeviceStatus } from "./devices-status.ts";
import { modelsRead } from "./models-read.ts";
import { opsGet } from "./ops-get.ts";
import type { StandardEndpoint } from "./standard-route.ts";
import { userBindDevices, userUnbindDevices } from "./user-bind-devices.ts";
import { userLogin } from "./user-login.ts";
import { userLogout } from "./user-logout.ts";
import { userUnregister } from "./user-unregister.ts";
import { userVerify } from "./user-verify.ts";
import { usersDevices } from "./users-devices.ts";

/** What the platform API's endpoints use, by area. */
export interface StandardCtx {
  hubPlatId: string;
  users: UsersCtx;
  login: LoginCtx;
  devices: DevicesCtx;
  reports: ReportsCtx;
  models: ModelRegistry;
  commands: CommandsCtx;
}

/** Every interface the hub serves to platforms (standard §7 A→B, the verify callback, reports in). */
export function standardEndpoints(ctx: StandardCtx): StandardEndpoint[] {
  const account = { ...ctx.users, ...ctx.devices };
  return [
    userLogin(ctx.login),
    userLogout(account),
    userUnregister(account),
    userVerify(ctx.users),
    userBindDevices({ ...account, idempotency: ctx.commands.idempotency }),
    userUnbindDevices({ ...account, idempotency: ctx.commands.idempotency }),
    usersDevices(account),
    devicesDeviceInfo(account),
    devicesModifyDeviceInfo(account),
    devicesDeviceStatus(account),
    devicesOp({ ...account, models: ctx.models, commands: ctx.commands }),
    opsGet({ ...ctx.users, commands: ctx.commands }),
    dataGateway(ctx.reports),
    dataGatewayAtIngestUrl(ctx.reports),
    modelsRead(ctx.models),
  ];
}
