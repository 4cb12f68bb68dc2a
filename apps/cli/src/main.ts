import { run } from "./run.ts";

// `hubctl … | head`: once the reader is gone there is nobody left to print to. End quietly with
// the exit code so far instead of an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// bin/hubctl.js imports this file: the process entry point.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
