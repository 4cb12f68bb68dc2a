import type { CaseFn } from "./env.ts";

/**
 * Registers each conformance case with `run`, or with `fails` (vitest's `it.fails`) when the
 * adapter is known to fail it today, naming why. `unmatched()` lists gap names that matched no
 * case, so a misspelt entry cannot silently excuse nothing.
 */
export function gapAwareCases(
  gaps: Readonly<Record<string, string>>,
  register: { run: CaseFn; fails: CaseFn },
): { test: CaseFn; unmatched(): string[] } {
  const seen = new Set<string>();
  return {
    test(name, options, fn) {
      seen.add(name);
      const why = gaps[name];
      if (why === undefined) register.run(name, options, fn);
      else register.fails(`${name} (known gap: ${why})`, options, fn);
    },
    unmatched: () => Object.keys(gaps).filter((name) => !seen.has(name)),
  };
}
