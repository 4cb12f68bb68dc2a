import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError } from "@yunlian/config";
import { AdminClient } from "./client.ts";
import { type CommandDef, Flags, type GroupDef } from "./command.ts";
import { groups } from "./commands/index.ts";
import { loadCliConfig } from "./config.ts";
import { ExitCode, HubRefusal, InvalidDataError, NetworkError, NotCertified, UsageError } from "./errors.ts";
import { commandHelp, globalOptions, groupHelp, topHelp } from "./help.ts";
import { type Io, println } from "./io.ts";

/** Global options that take a value: their value must not be mistaken for the group or command name. */
const VALUE_GLOBALS = new Set(["--url", "--token"]);

/** The first two positional words (group and command) and everything else, in order. */
function splitCommand(argv: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a.startsWith("-")) {
      rest.push(a);
      if (VALUE_GLOBALS.has(a) && i + 1 < argv.length) rest.push(argv[++i] ?? "");
    } else if (words.length < 2) {
      words.push(a);
    } else {
      rest.push(a);
    }
  }
  return { words, rest };
}

function parseCommandArgs(group: GroupDef, cmd: CommandDef, rest: string[]) {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, o] of Object.entries({ ...cmd.options, ...globalOptions })) {
    options[name] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.short ? { short: o.short } : {}),
    };
  }
  const where = `${group.name} ${cmd.name}`;
  try {
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    return { flags: new Flags(parsed.values), positionals: parsed.positionals };
  } catch (err) {
    // parseArgs messages name the option; drop its advice about "--" which does not apply here.
    const message =
      err instanceof Error ? (err.message.split(". To specify")[0] ?? err.message) : String(err);
    throw new UsageError(message, where);
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const split = splitCommand(argv);
  // `hubctl certify <platId>` is `hubctl certification run <platId>`: the verb partners look for.
  const { words, rest } =
    split.words[0] === "certify"
      ? { words: ["certification", "run"], rest: [...split.words.slice(1), ...split.rest] }
      : split;
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  if (words[0] === "help") return dispatch([...words.slice(1), ...rest, "--help"], io);

  const [groupName, commandName] = words;
  if (groupName === undefined) {
    if (wantsHelp) {
      io.stdout.write(topHelp(groups));
      return ExitCode.ok;
    }
    io.stderr.write(topHelp(groups));
    return ExitCode.usage;
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group)
    throw new UsageError(
      `unknown command group "${groupName}" (one of: ${groups.map((g) => g.name).join(", ")})`,
    );
  if (commandName === undefined) {
    if (wantsHelp) {
      io.stdout.write(groupHelp(group));
      return ExitCode.ok;
    }
    io.stderr.write(groupHelp(group));
    return ExitCode.usage;
  }
  const cmd = group.commands.find((c) => c.name === commandName);
  if (!cmd) {
    throw new UsageError(
      `unknown command "${group.name} ${commandName}" (one of: ${group.commands.map((c) => c.name).join(", ")})`,
      group.name,
    );
  }
  if (wantsHelp) {
    io.stdout.write(commandHelp(group, cmd));
    return ExitCode.ok;
  }

  const { flags, positionals } = parseCommandArgs(group, cmd, rest);
  const where = `${group.name} ${cmd.name}`;
  if (positionals.length < cmd.args.min) {
    throw new UsageError(`missing argument ${cmd.usage ?? ""}`.trim(), where);
  }
  if (positionals.length > cmd.args.max) {
    throw new UsageError(`unexpected argument "${positionals[cmd.args.max]}"`, where);
  }

  // Before any command runs, even one that needs no hub: a bad setting is reported, not ignored.
  const config = loadCliConfig(io.env, { url: flags.string("url"), token: flags.string("token") });
  let client: AdminClient | undefined;
  const hub = () => {
    if (client) return client;
    const token = config.adminToken;
    if (!token) throw new UsageError("no operator token: set HUB_ADMIN_TOKEN or pass --token", where);
    client = new AdminClient({ url: config.hubUrl, token });
    return client;
  };
  try {
    await cmd.run({ args: positionals, flags, io, json: flags.bool("json"), hub });
  } finally {
    await client?.close();
  }
  return ExitCode.ok;
}

function report(err: unknown, io: Io): number {
  if (err instanceof ConfigError) {
    println(io.stderr, `hubctl: ${err.message}`);
    return ExitCode.usage;
  }
  if (err instanceof UsageError) {
    println(io.stderr, `hubctl: ${err.message}`);
    println(io.stderr, `Run 'hubctl ${err.command ? `${err.command} ` : ""}--help' for usage.`);
    return ExitCode.usage;
  }
  if (err instanceof HubRefusal) {
    const code = err.retCode && err.retCode !== String(err.status) ? ` (RetCode ${err.retCode})` : "";
    println(io.stderr, `hubctl: the hub answered ${err.status}${code}: ${err.retInfo}`);
    if (err.status === 401)
      println(io.stderr, "hubctl: check the operator token (HUB_ADMIN_TOKEN or --token)");
    return ExitCode.failed;
  }
  if (err instanceof NetworkError || err instanceof InvalidDataError || err instanceof NotCertified) {
    println(io.stderr, `hubctl: ${err.message}`);
    return ExitCode.failed;
  }
  println(
    io.stderr,
    `hubctl: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  return ExitCode.failed;
}

/**
 * Runs one hubctl command line and returns the exit code: 0 ok, 1 the hub said no (or the network
 * failed, or the data is invalid), 2 usage error. Never throws and never calls process.exit.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return report(err, io);
  }
}
