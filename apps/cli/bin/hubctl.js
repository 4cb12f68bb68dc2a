#!/usr/bin/env node
// hubctl: runs src/main.ts through tsx (the workspace ships TypeScript sources, no build step).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
