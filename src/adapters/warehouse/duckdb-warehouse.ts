import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { InputError } from '../../engine/errors.js';
import { appendArrowTable, columnDefinitions } from './arrow-to-duckdb.js';
import { duckDbResultToArrow } from './duckdb-to-arrow.js';
import { SerialQueue } from './serial-queue.js';
import { DUCKDB_DIALECT } from './sql-dialect.js';
import { parseTableName, quoteColumn, type TableName } from './table-name.js';
import type { ReadOptions, SqlParam, Warehouse, WriteOptions } from './warehouse.js';

/** DuckDB's vector size: one data chunk per batch. */
const DEFAULT_BATCH_ROWS = 2048;

/**
 * The embedded warehouse: one DuckDB database file (`:memory:` for none). One connection; calls
 * are serialised by a queue so a transaction never interleaves with another call's statements.
 */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect = DUCKDB_DIALECT;
  private readonly queue = new SerialQueue();

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (creating when missing) the database file at `path`. */
  static async open(path: string): Promise<DuckDbWarehouse> {
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file);
    } catch (error) {
      throw new InputError(`cannot open the DuckDB warehouse ${file}: ${(error as Error).message}`, { cause: error });
    }
    return new DuckDbWarehouse(`duckdb:${file}`, instance, await instance.connect());
  }

  async readTable(name: string, o: ReadOptions = {}): Promise<Table> {
    const t = parseTableName(name);
    const cols = o.columns ? o.columns.map(quoteColumn).join(', ') : '*';
    return this.queue.run(async () => {
      await this.requireTable(t, name);
      const result = await this.connection.stream(`SELECT ${cols} FROM ${t.quoted}`);
      return duckDbResultToArrow(result, name, o.signal);
    });
  }

  /**
   * replace: CREATE a temp table beside the target, append every batch, DROP the target and RENAME
   * the temp table into place, all in one transaction; any failure rolls back to the old table.
   * append: creates the table if missing, then appends in one transaction.
   */
  async writeTable(name: string, table: Table, o: WriteOptions = {}): Promise<{ rows: number }> {
    const t = parseTableName(name);
    const mode = o.mode ?? 'replace';
    if (mode !== 'replace' && mode !== 'append')
      throw new InputError(`write mode "${mode}": expected replace or append`);
    const columns = columnDefinitions(table);
    return this.queue.run(async () => {
      const exists = await this.exists(t);
      const tmp = `__reckit_tmp_${t.table}_${randomBytes(4).toString('hex')}`.slice(0, 255);
      const target = mode === 'append' && exists ? t : parseTableName([...t.parts.slice(0, -1), tmp].join('.'));
      await this.connection.run('BEGIN TRANSACTION');
      try {
        if (target !== t || !exists) await this.connection.run(`CREATE TABLE ${target.quoted} (${columns})`);
        const appender = await this.connection.createAppender(
          target.table,
          t.parts.length >= 2 ? t.parts[t.parts.length - 2]! : null,
          t.parts.length === 3 ? t.parts[0]! : null,
        );
        try {
          appendArrowTable(appender, table, {
            batchRows: o.batchRows ?? DEFAULT_BATCH_ROWS,
            onBatch: o.onBatch,
            signal: o.signal,
          });
        } finally {
          appender.closeSync();
        }
        if (target !== t) {
          if (exists) await this.connection.run(`DROP TABLE ${t.quoted}`);
          await this.connection.run(`ALTER TABLE ${target.quoted} RENAME TO "${t.table}"`);
        }
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
      return { rows: table.numRows };
    });
  }

  async hasTable(name: string): Promise<boolean> {
    const t = parseTableName(name);
    return this.queue.run(() => this.exists(t));
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<Table> {
    return this.queue.run(async () => {
      const result = await this.connection.stream(sql, params as DuckDBValue[]);
      return duckDbResultToArrow(result, 'query');
    });
  }

  async close(): Promise<void> {
    await this.queue.drain();
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async exists(t: TableName): Promise<boolean> {
    // DuckDB matches identifiers case-insensitively, quoted or not.
    const where = ['lower(table_name) = lower(?)'];
    const params: string[] = [t.table];
    if (t.parts.length >= 2) {
      where.push('lower(table_schema) = lower(?)');
      params.push(t.parts[t.parts.length - 2]!);
    }
    if (t.parts.length === 3) {
      where.push('lower(table_catalog) = lower(?)');
      params.push(t.parts[0]!);
    } else {
      where.push('table_catalog = current_database()');
      if (t.parts.length === 1) where.push('table_schema = current_schema()');
    }
    const r = await this.connection.runAndReadAll(
      `SELECT count(*) AS n FROM information_schema.tables WHERE ${where.join(' AND ')}`,
      params,
    );
    return Number(r.getRows()[0]?.[0] ?? 0) > 0;
  }

  private async requireTable(t: TableName, name: string): Promise<void> {
    if (!(await this.exists(t))) throw new InputError(`table ${name} does not exist in ${this.location}`);
  }
}
