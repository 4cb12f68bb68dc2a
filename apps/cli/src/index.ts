export { AdminClient, DEFAULT_HUB_URL, type HubAnswer, type HubTarget } from "./client.ts";
export { ExitCode } from "./errors.ts";
export type { Io, Output } from "./io.ts";
export { run } from "./run.ts";
