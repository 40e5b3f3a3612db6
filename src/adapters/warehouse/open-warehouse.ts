import { InputError } from '../../engine/errors.js';
import { DuckDbWarehouse } from './duckdb-warehouse.js';
import type { Warehouse } from './warehouse.js';

/** The default warehouse: `reckit.duckdb` in the current directory. */
export const DEFAULT_WAREHOUSE = 'duckdb:reckit.duckdb';

/** Opens a warehouse from a `--warehouse` spec: `duckdb:PATH` (or a bare path ending in .duckdb, or `duckdb::memory:`). */
export async function openWarehouse(spec: string = DEFAULT_WAREHOUSE): Promise<Warehouse> {
  const m = /^duckdb:(.+)$/.exec(spec) ?? (/\.duckdb$/.test(spec) ? [spec, spec] : null);
  if (!m) {
    throw new InputError(
      `--warehouse "${spec}": expected duckdb:PATH (e.g. duckdb:reckit.duckdb); Snowflake is not wired in yet`,
    );
  }
  return DuckDbWarehouse.open(m[1] as string);
}
