/** Where a run reads its configuration and writes its output: process.* in bin/, buffers in tests. */
export interface Output {
  write(chunk: string): unknown;
}

export interface Io {
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  /** The clock for relative times such as `--since 2h`; defaults to the system clock. */
  now?: () => Date;
  /** Base directory for `--file` paths; defaults to process.cwd(). */
  cwd?: string;
}

export function println(out: Output, line = ""): void {
  out.write(`${line}\n`);
}

/** `--json`: the hub's answer, as it came, pretty-printed. */
export function printJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
