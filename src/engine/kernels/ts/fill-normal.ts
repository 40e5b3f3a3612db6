import { CancelledError } from '../../errors.js';
import { Rng } from '../rng.js';
import type { KernelRun } from '../signatures.js';

/** Values per independently seeded chunk: native threads fill chunks in parallel. */
export const NORMAL_CHUNK = 65536;

/** Seed of chunk c's Rng (as native/fill-normal.cc). */
export function chunkSeed(seed: number, chunk: number): number {
  return (seed ^ Math.imul(chunk + 1, 0x9e3779b9)) >>> 0;
}

/**
 * out[x] = mean + std * N(0, 1). The array is cut into chunks of NORMAL_CHUNK values, chunk c drawn
 * from Rng(chunkSeed(seed, c)); within a chunk, Box-Muller pairs fill two values each (r cos t,
 * r sin t) from two nextDouble() draws. Same stream as native/fill-normal.cc.
 */
export async function fillNormal(
  out: Float32Array,
  mean: number,
  std: number,
  seed: number,
  run?: KernelRun,
): Promise<void> {
  for (let c = 0; c * NORMAL_CHUNK < out.length; c++) {
    if (run?.signal?.aborted) throw new CancelledError('cancelled');
    const rng = new Rng(chunkSeed(seed, c));
    const end = Math.min(out.length, (c + 1) * NORMAL_CHUNK);
    for (let x = c * NORMAL_CHUNK; x < end; x += 2) {
      let u1 = rng.nextDouble();
      const u2 = rng.nextDouble();
      if (u1 < 1e-300) u1 = 1e-300;
      const r = Math.sqrt(-2 * Math.log(u1));
      const t = 6.283185307179586 * u2;
      out[x] = mean + std * r * Math.cos(t);
      if (x + 1 < end) out[x + 1] = mean + std * r * Math.sin(t);
    }
  }
  run?.onProgress?.(1);
}
