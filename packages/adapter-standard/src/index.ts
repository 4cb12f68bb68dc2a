export { standardAdapter } from "./adapter.ts";
export { type StandardConfig, standardConfigSchema } from "./config.ts";
