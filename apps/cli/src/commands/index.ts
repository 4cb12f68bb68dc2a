import type { GroupDef } from "../command.ts";
import { certificationGroup } from "./certification.ts";
import { deliveriesGroup } from "./deliveries.ts";
import { devicesGroup } from "./devices.ts";
import { grantsGroup } from "./grants.ts";
import { keysGroup } from "./keys.ts";
import { platformsGroup } from "./platforms.ts";
import { secretsGroup } from "./secrets.ts";
import { udidGroup } from "./udid.ts";

export const groups: readonly GroupDef[] = [
  platformsGroup,
  deliveriesGroup,
  devicesGroup,
  grantsGroup,
  certificationGroup,
  keysGroup,
  secretsGroup,
  udidGroup,
];
