export { createApp } from "./app.ts";
export { type HubConfig, loadConfig } from "./config.ts";
export { type BuildHubOptions, buildHub, type Hub } from "./hub.ts";
