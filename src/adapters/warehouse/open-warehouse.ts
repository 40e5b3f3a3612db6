import { InputError } from '../../engine/errors.js';
import { DuckDbWarehouse } from './duckdb-warehouse.js';
import type { SnowflakeWarehouseOptions } from './snowflake-warehouse.js';
import type { Warehouse } from './warehouse.js';

/** The default warehouse: `reckit.duckdb` in the current directory. */
export const DEFAULT_WAREHOUSE = 'duckdb:reckit.duckdb';

/**
 * Opens a warehouse from a `--warehouse` spec: `duckdb:PATH` (or a bare path ending in .duckdb, or
 * `duckdb::memory:`), or `snowflake:NAME` (connection NAME of connections.toml, SNOWFLAKE_*
 * variables; `snowflake:` alone for the default connection). snowflake-sdk loads only then.
 */
export async function openWarehouse(
  spec: string = DEFAULT_WAREHOUSE,
  snowflake: SnowflakeWarehouseOptions = {},
): Promise<Warehouse> {
  const sf = /^snowflake:(.*)$/.exec(spec);
  if (sf) {
    const { SnowflakeWarehouse } = await import('./snowflake-warehouse.js');
    return SnowflakeWarehouse.open(sf[1] || undefined, snowflake);
  }
  const m = /^duckdb:(.+)$/.exec(spec) ?? (/\.duckdb$/.test(spec) ? [spec, spec] : null);
  if (!m) {
    throw new InputError(
      `--warehouse "${spec}": expected duckdb:PATH (e.g. duckdb:reckit.duckdb) or snowflake:CONNECTION (a connections.toml name)`,
    );
  }
  return DuckDbWarehouse.open(m[1]!);
}
