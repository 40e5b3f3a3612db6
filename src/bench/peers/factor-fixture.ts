import { Rng } from '../../engine/kernels/rng.js';

/**
 * Factors of a trained model's shape, for top-N speed only: scoring cost depends on the shapes,
 * not on the values, so seeded N(0, 0.1) draws (Surprise's init) stand in for trained factors.
 */
export interface FactorFixture {
  nUsers: number;
  nItems: number;
  factors: number;
  /** nUsers x factors, row-major. */
  users: Float32Array;
  /** nItems x factors, row-major. */
  items: Float32Array;
  /** Per-item bias; the user bias and global mean do not change a user's ranking. */
  itemBias: Float32Array;
}

export function factorFixture(nUsers: number, nItems: number, factors: number, seed = 42): FactorFixture {
  const rng = new Rng(seed);
  const draw = (n: number, sd: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.nextNormal() * sd;
    return a;
  };
  return {
    nUsers,
    nItems,
    factors,
    users: draw(nUsers * factors, 0.1),
    items: draw(nItems * factors, 0.1),
    itemBias: draw(nItems, 0.3),
  };
}

/** "610 users x 9,742 items x 100 factors". */
export function fixtureSize(f: FactorFixture): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(f.nUsers)} users x ${n(f.nItems)} items x ${f.factors} factors`;
}
