import { InputError } from '../errors.js';

/** What the synthetic generator makes; see synthetic-ratings.ts for the model. */
export interface SyntheticSpec {
  users: number;
  items: number;
  ratings: number;
  seed: number;
  /** Latent factors of the low-rank part. */
  rank: number;
  /** Rating scale: values are rounded to `step` and clipped to [min, max]. */
  min: number;
  max: number;
  step: number;
  /** Each user rates at least this many items (MovieLens: 20), lowered when ratings/users is smaller. */
  minPerUser: number;
  timestamps: boolean;
}

const BASE = { seed: 42, rank: 8, minPerUser: 20, timestamps: true };

/** MovieLens-shaped presets: the real sets' user, item and rating counts and scales. */
export const SYNTHETIC_PRESETS: Record<string, SyntheticSpec> = {
  'ml-100k-shape': { ...BASE, users: 943, items: 1_682, ratings: 100_000, min: 1, max: 5, step: 1 },
  'ml-1m-shape': { ...BASE, users: 6_040, items: 3_706, ratings: 1_000_209, min: 1, max: 5, step: 1 },
  'ml-25m-shape': { ...BASE, users: 162_541, items: 59_047, ratings: 25_000_095, min: 0.5, max: 5, step: 0.5 },
};

const KEYS = ['users', 'items', 'ratings', 'seed', 'rank', 'min', 'max', 'step', 'minPerUser', 'timestamps'] as const;

/**
 * Parses `ml-25m-shape`, `users=1000,items=500,ratings=20000,seed=7`, or a preset with overrides
 * (`ml-1m-shape,seed=3`). Unset keys default to ml-100k-shape's scale and seed 42.
 */
export function parseSyntheticSpec(text: string): SyntheticSpec {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let spec: SyntheticSpec = { ...SYNTHETIC_PRESETS['ml-100k-shape']! };
  for (const part of parts) {
    if (!part.includes('=')) {
      const preset = SYNTHETIC_PRESETS[part];
      if (!preset) {
        throw new InputError(
          `synthetic:${text}: unknown preset "${part}" (presets: ${Object.keys(SYNTHETIC_PRESETS).join(', ')}; or users=..,items=..,ratings=..,seed=..)`,
        );
      }
      spec = { ...preset };
      continue;
    }
    const [k, v] = part.split('=') as [string, string];
    const key = KEYS.find((x) => x.toLowerCase() === k.toLowerCase());
    const num = Number(v.replace(/_/g, ''));
    if (!key || v === '' || !Number.isFinite(num)) {
      throw new InputError(`synthetic:${text}: "${part}" is not key=number (keys: ${KEYS.join(', ')})`);
    }
    if (key === 'timestamps') spec.timestamps = num !== 0;
    else spec[key] = num;
  }
  return checkSyntheticSpec(spec, `synthetic:${text}`);
}

/** Refuses shapes the generator cannot make exactly (no duplicates, every user and item rated). */
export function checkSyntheticSpec(s: SyntheticSpec, source = 'synthetic'): SyntheticSpec {
  const whole = (x: number) => Number.isInteger(x) && x >= 1;
  if (!whole(s.users) || !whole(s.items) || !whole(s.ratings) || !whole(s.rank) || !Number.isInteger(s.seed)) {
    throw new InputError(`${source}: users, items, ratings and rank must be positive integers and seed an integer`);
  }
  if (s.users > 2 ** 31 - 1 || s.items > 2 ** 31 - 1 || s.ratings > 2 ** 31 - 1) {
    throw new InputError(`${source}: at most 2^31-1 users, items and ratings`);
  }
  if (s.ratings < Math.max(s.users, s.items)) {
    throw new InputError(
      `${source}: ratings (${s.ratings}) must be at least max(users, items) so every user and item is rated`,
    );
  }
  if (s.ratings > 0.5 * s.users * s.items) {
    throw new InputError(`${source}: ratings (${s.ratings}) must be at most half of users x items (density <= 0.5)`);
  }
  if (!(s.step > 0) || !(s.max > s.min)) throw new InputError(`${source}: needs step > 0 and max > min`);
  return s;
}
