import { pathToFileURL } from "node:url";
import { ADAPTER_CONTRACT_VERSION, contractIncompatibility } from "./contract.ts";
import { resolveAdapterEntry } from "./resolve-package.ts";
import type { Adapter } from "./types.ts";

/** Every method of the Adapter interface; the type below fails to compile when one is left out. */
const ADAPTER_METHODS = [
  "login",
  "logout",
  "unregister",
  "bind",
  "unbind",
  "listDevices",
  "deviceInfo",
  "modifyDeviceInfo",
  "deviceStatus",
  "op",
  "parseReport",
] as const satisfies readonly (keyof Adapter)[];
type MethodName = {
  [K in keyof Adapter]-?: Adapter[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Adapter];
const everyMethodListed: [Exclude<MethodName, (typeof ADAPTER_METHODS)[number]>] extends [never]
  ? true
  : never = true;
void everyMethodListed;

/** One or more adapter packages failed to load; the message names each and what is wrong. */
export class AdapterPackageError extends Error {
  constructor(readonly problems: { spec: string; problem: string }[]) {
    super(
      [
        "invalid adapter packages (HUB_ADAPTERS):",
        ...problems.map(({ spec, problem }) => `  ${spec}: ${problem}`),
      ].join("\n"),
    );
    this.name = "AdapterPackageError";
  }
}

export interface LoadAdaptersOptions {
  /** Where relative paths and package names are resolved from (the operator's working directory). */
  from: string;
  /** Adapters already registered (the hub's built-ins): a loaded adapter may not reuse their names. */
  builtIn?: readonly Adapter[];
}

/**
 * Imports each adapter package (a name or a path), checks it against the adapter contract and
 * returns the adapters in the given order. An adapter package's module exports the adapter as its
 * default export (or as `adapter`). Throws one AdapterPackageError naming every package that fails:
 * it cannot be imported, no adapter is exported, the name is missing or taken, the contract version
 * is missing or incompatible, the config schema is missing or not a zod schema, methods are missing.
 */
export async function loadAdapterPackages(
  specs: readonly string[],
  options: LoadAdaptersOptions,
): Promise<Adapter[]> {
  const taken = new Map<string, string>((options.builtIn ?? []).map((a) => [a.name, "a built-in adapter"]));
  const loaded: Adapter[] = [];
  const problems: { spec: string; problem: string }[] = [];
  for (const spec of specs) {
    const result = await loadOne(spec, options.from);
    if ("problem" in result) {
      problems.push({ spec, problem: result.problem });
      continue;
    }
    const owner = taken.get(result.adapter.name);
    if (owner !== undefined) {
      problems.push({ spec, problem: `adapter name "${result.adapter.name}" is already taken by ${owner}` });
      continue;
    }
    taken.set(result.adapter.name, `adapter package ${spec}`);
    loaded.push(result.adapter);
  }
  if (problems.length > 0) throw new AdapterPackageError(problems);
  return loaded;
}

async function loadOne(spec: string, from: string): Promise<{ adapter: Adapter } | { problem: string }> {
  let module: Record<string, unknown>;
  try {
    const entry = resolveAdapterEntry(spec, from);
    module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (err) {
    return { problem: `cannot be imported: ${err instanceof Error ? err.message : String(err)}` };
  }
  const candidate = module.default ?? module.adapter;
  const problems = checkAdapter(candidate);
  if (problems.length > 0) return { problem: problems.join("; ") };
  return { adapter: candidate as Adapter };
}

/**
 * What makes `candidate` not an adapter this SDK can run (empty when it is one). Exported for the
 * conformance CLI and for adapter authors' own tests.
 */
export function checkAdapter(candidate: unknown): string[] {
  if (typeof candidate !== "object" || candidate === null) {
    return ["exports no adapter (expected the adapter object as the default export or as `adapter`)"];
  }
  const adapter = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof adapter.name !== "string" || !/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(adapter.name)) {
    problems.push("name must be a non-empty string of letters, digits, '.', '_' or '-' (at most 64)");
  }
  const incompatible = contractIncompatibility(adapter.contractVersion, ADAPTER_CONTRACT_VERSION);
  if (incompatible) problems.push(incompatible);
  const schema = adapter.configSchema as { safeParse?: unknown } | undefined;
  if (typeof schema !== "object" || schema === null || typeof schema.safeParse !== "function") {
    problems.push("configSchema is missing or not a zod schema");
  }
  const missing = ADAPTER_METHODS.filter((method) => typeof adapter[method] !== "function");
  if (missing.length > 0) problems.push(`missing methods: ${missing.join(", ")}`);
  return problems;
}
