import { Rng } from '../engine/kernels/rng.js';

/**
 * Seeded synthetic embeddings with the low intrinsic dimension real ones have: each vector is a
 * random mix of 32 latent directions plus 10% isotropic noise. (Uniform random vectors in 64+
 * dimensions have no neighbourhood structure at all; graph indexes reach lower recall on them.)
 */
export function syntheticEmbeddings(seed: number, n: number, dim: number): Float32Array {
  const rng = new Rng(seed);
  const latent = 32;
  const gauss = () => {
    const u = rng.nextDouble() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  };
  const basis = Float32Array.from({ length: latent * dim }, gauss);
  const out = new Float32Array(n * dim);
  const z = new Float64Array(latent);
  for (let r = 0; r < n; r++) {
    for (let l = 0; l < latent; l++) z[l] = gauss();
    for (let f = 0; f < dim; f++) {
      let s = 0;
      for (let l = 0; l < latent; l++) s += z[l]! * basis[l * dim + f]!;
      out[r * dim + f] = s / Math.sqrt(latent) + 0.1 * gauss();
    }
  }
  return out;
}

/** Mean share of each exact top-k list found in the approximate one. */
export function recallAtK(approx: ArrayLike<number>[], exact: ArrayLike<number>[]): number {
  let hit = 0;
  let all = 0;
  approx.forEach((a, q) => {
    const want = new Set(Array.from(exact[q] ?? []));
    all += want.size;
    for (const x of Array.from(a)) if (want.has(x)) hit++;
  });
  return all === 0 ? 0 : hit / all;
}
