import { CancelledError } from '../../errors.js';
import { Rng } from '../rng.js';
import type { KernelRun } from '../signatures.js';

/** out[x] = mean + std * N(0, 1), one Rng(seed).nextNormal() per value in order (native/fill-normal.cc). */
export async function fillNormal(
  out: Float32Array,
  mean: number,
  std: number,
  seed: number,
  run?: KernelRun,
): Promise<void> {
  if (run?.signal?.aborted) throw new CancelledError('cancelled');
  const rng = new Rng(seed);
  for (let x = 0; x < out.length; x++) out[x] = mean + std * rng.nextNormal();
  run?.onProgress?.(1);
}
