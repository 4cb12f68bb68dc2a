import { miotAdapter } from "@yunlian/adapter-miot";
import { type Adapter, loadAdapterPackages } from "@yunlian/adapter-sdk";
import { standardAdapter } from "@yunlian/adapter-standard";
import { tuyaAdapter } from "@yunlian/adapter-tuya";

const BUILT_IN_ADAPTERS: readonly Adapter[] = [standardAdapter, miotAdapter, tuyaAdapter];

/**
 * The built-in adapters, then the HUB_ADAPTERS packages, loaded and checked by the SDK
 * (docs/adapters.md). The hub and the worker both call this, so every process that calls vendors
 * has the same list; a package that fails a check throws, naming it and what is wrong.
 */
export async function builtInAndConfiguredAdapters(packages: {
  /** HUB_ADAPTERS as written: package names or paths. */
  specs: string[];
  /** Where names and relative paths are resolved from (where the command was run). */
  from: string;
}): Promise<Adapter[]> {
  const loaded = await loadAdapterPackages(packages.specs, {
    from: packages.from,
    builtIn: BUILT_IN_ADAPTERS,
  });
  return [...BUILT_IN_ADAPTERS, ...loaded];
}
