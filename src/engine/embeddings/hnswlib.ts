import { InputError } from '../errors.js';
import { bindingLoadError } from '../kernels/addon/binding.js';

/**
 * The part of hnswlib-node's HierarchicalNSW that benchmarks and tests use to compare reckit's
 * native graph with the library called directly (its own types stay optional).
 */
export interface HnswLib {
  initIndex(o: { maxElements: number; m?: number; efConstruction?: number; randomSeed?: number }): void;
  addPoint(point: number[], label: number): void;
  searchKnn(
    query: number[],
    k: number,
    filter?: (label: number) => boolean,
  ): { distances: number[]; neighbors: number[] };
  setEf(ef: number): void;
  getEf(): number;
  getCurrentCount(): number;
  writeIndex(path: string): Promise<boolean>;
  readIndex(path: string): Promise<boolean>;
}

type HnswModule = { HierarchicalNSW: new (space: 'ip' | 'l2' | 'cosine', dim: number) => HnswLib };

let loaded: Promise<HnswModule> | undefined;

/**
 * Loads hnswlib-node, an optional dependency (a native build from source at install; reckit
 * installs without it). Missing: an InputError that says how to add it.
 */
export function loadHnswlib(): Promise<HnswModule> {
  const name = 'hnswlib-node';
  loaded ??= import(name).then(
    (m: { default?: HnswModule } & HnswModule) => m.default ?? m,
    (error: unknown) => {
      loaded = undefined;
      throw new InputError(
        `approximate search needs the optional package hnswlib-node (${(error as Error).message}); ` +
          'install it with `npm install hnswlib-node` (builds with node-gyp: python3, make, g++), then `npm rebuild reckit`',
        { cause: error },
      );
    },
  );
  return loaded;
}

/**
 * Why reckit's addon has no HNSW kernels, as an InputError: it compiles them against the hnswlib
 * headers that hnswlib-node ships, so either that package is missing (its own message), or it was
 * installed after reckit's addon was built, or the addon is not built at all.
 */
export async function nativeHnswUnavailable(): Promise<never> {
  await loadHnswlib();
  const why = bindingLoadError();
  throw new InputError(
    why
      ? `approximate search needs reckit's native addon, which did not load (${String(why)}); run \`npm rebuild reckit\``
      : "approximate search: reckit's native addon was built without hnswlib's headers (hnswlib-node was " +
          'installed after it); run `npm rebuild reckit`',
  );
}
