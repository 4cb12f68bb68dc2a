import { mergeConfig } from "vitest/config";
import { workspaceTests } from "../../vitest.shared.ts";

export default mergeConfig(workspaceTests, {});
