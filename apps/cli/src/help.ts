import { DEFAULT_HUB_URL } from "./client.ts";
import type { CommandDef, GroupDef, OptionDef } from "./command.ts";
import { displayWidth } from "./format.ts";

export const globalOptions: Record<string, OptionDef> = {
  url: {
    type: "string",
    value: "<url>",
    description: `hub URL (default: $HUB_URL, else ${DEFAULT_HUB_URL})`,
  },
  token: { type: "string", value: "<token>", description: "operator token (default: $HUB_ADMIN_TOKEN)" },
  json: { type: "boolean", description: "print the raw JSON answer instead of a table" },
  help: { type: "boolean", short: "h", description: "show help" },
};

function optionLines(options: Record<string, OptionDef>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`;
    return [flag, `${o.description}${o.multiple ? " (repeatable)" : ""}`] as const;
  });
  const width = Math.max(...rows.map(([f]) => displayWidth(f)));
  return rows.map(([f, d]) => `  ${f}${" ".repeat(width - displayWidth(f))}  ${d}`);
}

export function commandHelp(group: GroupDef, cmd: CommandDef): string {
  const lines = [
    `Usage: hubctl ${group.name} ${cmd.name}${cmd.usage ? ` ${cmd.usage}` : ""} [options]`,
    "",
    cmd.summary,
  ];
  if (cmd.details) lines.push("", cmd.details);
  if (Object.keys(cmd.options).length > 0) lines.push("", "Options:", ...optionLines(cmd.options));
  lines.push("", "Global options:", ...optionLines(globalOptions));
  if (cmd.examples?.length) lines.push("", "Examples:", ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

export function groupHelp(group: GroupDef): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  return [
    `Usage: hubctl ${group.name} <command> [options]`,
    "",
    group.summary,
    "",
    "Commands:",
    ...group.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run 'hubctl ${group.name} <command> --help' for a command's options.`,
    "",
  ].join("\n");
}

export function topHelp(groups: readonly GroupDef[]): string {
  const width = Math.max(...groups.map((g) => g.name.length));
  return [
    "hubctl: operate a Yunlian hub through its admin API",
    "",
    "Usage: hubctl <group> <command> [arguments] [options]",
    "",
    "Groups:",
    ...groups.map((g) => `  ${g.name.padEnd(width)}  ${g.summary}`),
    "",
    "Global options:",
    ...optionLines(globalOptions),
    "",
    "Environment: HUB_URL (default http://127.0.0.1:8080), HUB_ADMIN_TOKEN.",
    "Exit codes: 0 ok, 1 the hub refused or could not be reached (or the data is invalid), 2 usage error.",
    "Run 'hubctl <group> --help' or 'hubctl <group> <command> --help' for more.",
    "",
  ].join("\n");
}
