import type { Table } from 'apache-arrow';
import type { SqlDialect } from './sql-dialect.js';

/** A scalar bound to a `?` placeholder: values travel separately from the SQL text. */
export type SqlParam = string | number | bigint | boolean | null;

export type WriteMode = 'replace' | 'append';

export interface WriteOptions {
  /** replace (default): the table is rebuilt atomically; append: rows are added in one transaction. */
  mode?: WriteMode | undefined;
  /** Rows per batch handed to the warehouse (default 2048, DuckDB's vector size). */
  batchRows?: number | undefined;
  /** Called after each batch with the rows written so far; throwing aborts the write and rolls it back. */
  onBatch?: ((rowsWritten: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface ReadOptions {
  /** Only these columns (validated identifiers), in this order. */
  columns?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Where tables live: the embedded DuckDB file here, Snowflake later. Tables enter and leave as
 * Arrow; table names are validated identifiers (`table`, `schema.table` or `db.schema.table`),
 * never pasted raw into SQL.
 */
export interface Warehouse {
  /** e.g. `duckdb:/path/reckit.duckdb`, for messages and reports. */
  readonly location: string;
  /** The SQL pieces that differ between warehouses (string aggregation, ...). */
  readonly dialect: SqlDialect;
  readTable(name: string, o?: ReadOptions): Promise<Table>;
  /** Writes every row of `table`; a failure at any point leaves the previous table as it was. */
  writeTable(name: string, table: Table, o?: WriteOptions): Promise<{ rows: number }>;
  hasTable(name: string): Promise<boolean>;
  /** Runs one statement with `?` parameters; returns its rows (an empty table for DDL/DML). */
  run(sql: string, params?: readonly SqlParam[]): Promise<Table>;
  close(): Promise<void>;
}
