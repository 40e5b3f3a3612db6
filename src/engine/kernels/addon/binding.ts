import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A native call running on a worker thread (native/async-job.h). */
export interface NativeJob<T> {
  done: Promise<T>;
  cancel(): void;
  /** Fraction done, 0..1. */
  progress(): number;
}

/** An opaque native object a kernel made (e.g. an HNSW graph); freed when it is garbage collected. */
export type NativeHandle = { readonly __native: unique symbol };

/**
 * The raw addon: every function registered by a `RK_REGISTER` in native/*.cc. Each wrapper in
 * this folder declares the entries it uses; their TS signatures are quoted in the .cc headers.
 */
export type NativeBinding = Record<string, (...args: never[]) => unknown> & {
  hardwareThreads(): number;
};

// src/engine/kernels/addon -> package root (the same depth from dist/engine/kernels/addon).
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

let cached: { binding: NativeBinding | null; error?: unknown } | undefined;

/** Loads build/Release/reckit.node (or a prebuild) once; null when it is not built here. */
export function loadBinding(): NativeBinding | null {
  if (!cached) {
    try {
      const require = createRequire(import.meta.url);
      const load = require('node-gyp-build') as (dir: string) => NativeBinding;
      cached = { binding: load(packageRoot) };
    } catch (error) {
      cached = { binding: null, error };
    }
  }
  return cached.binding;
}

/** Why the addon failed to load, for the one warning the registry prints. */
export function bindingLoadError(): unknown {
  loadBinding();
  return cached?.error;
}
