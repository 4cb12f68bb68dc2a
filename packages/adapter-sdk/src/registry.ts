import type { Adapter } from "./types.ts";

export interface AdapterRegistry {
  get(name: string): Adapter | undefined;
  names(): string[];
}

/** Adapters by name; a duplicate name is a programming error, caught at start-up. */
export function createAdapterRegistry(adapters: Adapter[]): AdapterRegistry {
  const byName = new Map<string, Adapter>();
  for (const adapter of adapters) {
    if (byName.has(adapter.name)) throw new Error(`adapter "${adapter.name}" registered twice`);
    byName.set(adapter.name, adapter);
  }
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}
