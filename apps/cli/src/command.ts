import type { AdminClient } from "./client.ts";
import type { Io } from "./io.ts";

export interface OptionDef {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  /** Placeholder in help, e.g. "<platId>". */
  value?: string;
  description: string;
}

export interface CommandContext {
  /** Positional arguments after `<group> <command>`. */
  args: string[];
  flags: Flags;
  io: Io;
  json: boolean;
  /** The admin API client (created on first use: offline commands never need a hub). */
  hub(): AdminClient;
}

export interface CommandDef {
  name: string;
  summary: string;
  /** Positional part of the usage line, e.g. "<platId>". */
  usage?: string;
  /** Longer help text, printed under the usage line. */
  details?: string;
  args: { min: number; max: number };
  options: Record<string, OptionDef>;
  examples?: string[];
  run(ctx: CommandContext): Promise<void>;
}

export interface GroupDef {
  name: string;
  summary: string;
  commands: CommandDef[];
}

/** Typed reads of node:util parseArgs values. */
export class Flags {
  constructor(private readonly values: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === "string" ? v : undefined;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
    return typeof v === "string" ? [v] : [];
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }
}
