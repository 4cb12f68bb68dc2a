import { run } from "./run.ts";

// bin/hubctl.js imports this file: the process entry point.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
