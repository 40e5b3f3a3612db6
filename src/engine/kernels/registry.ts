import { InputError } from '../errors.js';
import { bindingLoadError, loadBinding } from './addon/binding.js';
import { nativeEmbeddingKernels } from './addon/embedding-kernels.js';
import { nativeKmeansKernels } from './addon/kmeans-kernels.js';
import { nativeMatrixKernels } from './addon/matrix-kernels.js';
import { nativeMfKernels } from './addon/mf-kernels.js';
import { nativeParseKernels } from './addon/parse-kernels.js';
import { nativeRankKernels } from './addon/rank-kernels.js';
import { nativeScoringKernels } from './addon/scoring-kernels.js';
import type { BackendName, Kernels } from './signatures.js';
import { kmeansKernels } from './ts/kmeans-kernels.js';
import { maskedTopNBatch, maskedTopNVector } from './ts/masked-top-n.js';
import { matrixKernels } from './ts/matrix-kernels.js';
import { mfKernels } from './ts/mf-kernels.js';
import { parseKernels } from './ts/parse-kernels.js';
import { rankKernels } from './ts/rank-kernels.js';
import { scoringKernels } from './ts/scoring-kernels.js';

const reference: Kernels = {
  name: 'reference',
  ...matrixKernels,
  ...mfKernels,
  ...kmeansKernels,
  ...scoringKernels,
  ...parseKernels,
  ...rankKernels,
  maskedTopNVector,
  maskedTopNBatch,
};

let native: Kernels | null | undefined;
let warned = false;

function loadNative(): Kernels | null {
  if (native === undefined) {
    const binding = loadBinding();
    native = binding
      ? {
          name: 'native',
          ...nativeMatrixKernels(binding),
          ...nativeMfKernels(binding),
          ...nativeKmeansKernels(binding),
          ...nativeScoringKernels(binding),
          ...nativeParseKernels(binding),
          ...nativeRankKernels(binding),
          ...nativeEmbeddingKernels(binding),
        }
      : null;
  }
  return native;
}

/** The backends that can run here, best first. */
export function availableBackends(): BackendName[] {
  return loadNative() ? ['native', 'reference'] : ['reference'];
}

/** One backend by name; InputError when it cannot run here. */
export function backend(name: BackendName): Kernels {
  if (name === 'reference') return reference;
  // Typed callers cannot get here with another name; untyped ones (scripts, JS) must not get
  // native kernels for a typo such as 'ts'.
  if (name !== 'native')
    throw new InputError(`backend "${String(name)}" is not a backend; use "native" or "reference"`);
  const k = loadNative();
  if (!k) {
    throw new InputError(
      `the native backend is not available: ${String(bindingLoadError())}. ` +
        'Run `npm rebuild reckit` (needs python3, make and g++), or set RECKIT_BACKEND=reference.',
    );
  }
  return k;
}

/**
 * The active backend: RECKIT_BACKEND (`native` | `reference`) when set, else native when the addon
 * is built, else the TypeScript reference with one warning.
 */
export function kernels(want: string | undefined = process.env.RECKIT_BACKEND): Kernels {
  if (want !== undefined && want !== '') {
    if (want !== 'native' && want !== 'reference') {
      throw new InputError(`RECKIT_BACKEND="${want}" is not a backend; use "native" or "reference"`);
    }
    return backend(want);
  }
  const k = loadNative();
  if (k) return k;
  if (!warned) {
    warned = true;
    process.emitWarning(
      `reckit: native addon not loaded (${String(bindingLoadError())}); using the TypeScript reference kernels`,
    );
  }
  return reference;
}

/** Worker threads native kernels use by default. */
export function defaultThreads(): number {
  const b = loadBinding();
  return b ? b.hardwareThreads() : 1;
}
