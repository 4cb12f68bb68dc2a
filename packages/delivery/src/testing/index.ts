// Helpers for tests of this package and of apps that use it (worker, hub). Not for production code.
export * from "./fixtures.ts";
export * from "./receiver.ts";
export * from "./services.ts";
