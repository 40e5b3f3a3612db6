/**
 * `reckit/warehouse`: where tables live. The same Warehouse interface over the embedded DuckDB
 * file and Snowflake (snowflake-sdk; loaded only when a Snowflake warehouse is opened).
 */

export type { BulkPath } from './adapters/warehouse/arrow-to-snowflake.js';
export { DuckDbWarehouse } from './adapters/warehouse/duckdb-warehouse.js';
export { DEFAULT_WAREHOUSE, openWarehouse } from './adapters/warehouse/open-warehouse.js';
export {
  connectionsFile,
  resolveConnection,
  type SnowflakeConnectionOptions,
} from './adapters/warehouse/snowflake-config.js';
export { SnowflakeWarehouse, type SnowflakeWarehouseOptions } from './adapters/warehouse/snowflake-warehouse.js';
export { parseTableName, quoteColumn, type TableName } from './adapters/warehouse/table-name.js';
export type { ReadOptions, SqlParam, Warehouse, WriteMode, WriteOptions } from './adapters/warehouse/warehouse.js';
