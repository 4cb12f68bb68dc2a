#!/usr/bin/env node
// hubctl: the built CLI (dist/, from `pnpm build`; docs/adr/0005).
await import("../dist/main.js");
