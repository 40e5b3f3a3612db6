import { InputError } from '../errors.js';

/** The part of hnswlib-node's HierarchicalNSW that reckit uses (its own types stay optional). */
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
          'install it with `npm install hnswlib-node` (builds with node-gyp: python3, make, g++)',
        { cause: error },
      );
    },
  );
  return loaded;
}
