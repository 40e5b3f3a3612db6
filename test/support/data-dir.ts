import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real datasets folder ($RECKIT_DATA_DIR, CI: ../shared/datasets). A missing folder skips the
 * test naming the path tried, except under CI=true where it fails: CI always has the data.
 */
export function dataPath(...parts: string[]): string | undefined {
  const root = process.env.RECKIT_DATA_DIR ?? resolve(process.cwd(), '../shared/datasets');
  const p = join(root, ...parts);
  if (existsSync(p)) return p;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${p} is missing: set RECKIT_DATA_DIR to the datasets folder`);
  return undefined;
}

/** Names the file a data test reads, for its title: a skipped test then says which path it tried. */
export function missing(...parts: string[]): string {
  return `needs ${join(process.env.RECKIT_DATA_DIR ?? '../shared/datasets', ...parts)}`;
}
