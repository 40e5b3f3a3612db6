import { InputError } from '../engine/errors.js';
import type { Suite, SuiteOptions } from './bench-case.js';
import { failedCase } from './harness.js';
import { topNPeersSuite } from './peers/top-n-peers.js';
import { casesFrom } from './plain-case.js';
import { caseLine } from './report/case-line.js';

/**
 * A suite written in its own module (`<subject>.bench.ts`, runnable alone) that exports
 * `fn(opts)` returning plain result objects; `plain-case.ts` turns them into CaseResults.
 */
function external(name: string, description: string, load: () => Promise<Record<string, unknown>>, fn: string): Suite {
  return {
    name,
    description,
    async run(o: SuiteOptions) {
      try {
        const mod = await load();
        const run = mod[fn];
        if (typeof run !== 'function') throw new Error(`${name} suite module does not export ${fn}()`);
        const cases = casesFrom(name, await run({ ...o }));
        for (const r of cases) o.log?.(caseLine(r));
        return cases;
      } catch (error) {
        const r = failedCase(name, `${name} suite`, error);
        o.log?.(caseLine(r));
        return [r];
      }
    },
  };
}

/** Every suite, in the order a full run takes them. */
export const SUITES: readonly Suite[] = [topNPeersSuite];

export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}

/** Suites by name (comma lists allowed); throws naming the known suites for an unknown one. */
export function selectSuites(names: readonly string[] | undefined): Suite[] {
  if (!names || names.length === 0 || names.includes('all')) return [...SUITES];
  const wanted = names.flatMap((n) => n.split(',')).filter(Boolean);
  return wanted.map((n) => {
    const s = SUITES.find((x) => x.name === n);
    if (!s) throw new InputError(`unknown bench suite "${n}"; known: ${suiteNames().join(', ')}, all`);
    return s;
  });
}

export { external };
