import { randomBytes } from 'node:crypto';
import type { Table } from 'apache-arrow';
import type { Binds } from 'snowflake-sdk';
import { InputError } from '../../engine/errors.js';
import { type BulkPath, insertArrowTable, snowflakeColumns } from './arrow-to-snowflake.js';
import { SerialQueue } from './serial-queue.js';
import { SnowflakeClient } from './snowflake-client.js';
import { resolveConnection, type SnowflakeConnectionOptions } from './snowflake-config.js';
import { snowflakeRowsToArrow } from './snowflake-to-arrow.js';
import { SNOWFLAKE_DIALECT } from './sql-dialect.js';
import { parseTableName, quoteColumn } from './table-name.js';
import type { ReadOptions, SqlParam, Warehouse, WriteOptions } from './warehouse.js';

/** Rows per INSERT statement (the JSON document is also capped by size). */
const DEFAULT_BATCH_ROWS = 50_000;

export interface SnowflakeWarehouseOptions extends SnowflakeConnectionOptions {
  /** How rows are inserted (default flatten; see arrow-to-snowflake.ts). */
  bulk?: BulkPath | undefined;
}

/**
 * Tables in Snowflake through snowflake-sdk. Every table name is validated (parseTableName) and
 * sent as an IDENTIFIER(?) bind, so Snowflake resolves it (unquoted: upper case) and no name is
 * ever part of the SQL text. Reads stream rows into Arrow batches; replace writes go to a staging
 * table beside the target and ALTER TABLE ... SWAP WITH puts it in place, so a failure at any
 * point leaves the previous table as it was. Calls are serialised on the one session.
 * docs/snowflake.md describes the connection settings, type mapping and modes.
 */
export class SnowflakeWarehouse implements Warehouse {
  readonly dialect = SNOWFLAKE_DIALECT;
  private readonly queue = new SerialQueue();

  private constructor(
    readonly location: string,
    private readonly client: SnowflakeClient,
    private readonly bulk: BulkPath,
  ) {}

  /** Connects to connection `name` (connections.toml / SNOWFLAKE_* / explicit options). */
  static async open(name?: string, o: SnowflakeWarehouseOptions = {}): Promise<SnowflakeWarehouse> {
    const conn = resolveConnection(name, o);
    const client = await SnowflakeClient.connect(conn);
    return new SnowflakeWarehouse(`snowflake:${conn.name}`, client, o.bulk ?? 'flatten');
  }

  async readTable(name: string, o: ReadOptions = {}): Promise<Table> {
    parseTableName(name);
    const cols = o.columns ? o.columns.map(quoteColumn).join(', ') : '*';
    return this.queue.run(async () => {
      await this.requireTable(name);
      const { columns, rows } = await this.client.stream(`SELECT ${cols} FROM IDENTIFIER(?)`, [name]);
      return snowflakeRowsToArrow(columns, rows, name, o.signal);
    });
  }

  /**
   * replace: CREATE the staging table `<table>__RECKIT_TMP_<hex>` in the target's schema, insert
   * every batch, then SWAP WITH the target (and drop the staging table, which then holds the old
   * rows) or RENAME it when the target is new; on failure only the staging table is dropped. The
   * staging table is permanent, not TEMPORARY: SWAP exchanges the tables whole, and the target
   * must stay a permanent table. append: creates the table if missing, inserts in one transaction.
   */
  async writeTable(name: string, table: Table, o: WriteOptions = {}): Promise<{ rows: number }> {
    const t = parseTableName(name);
    const mode = o.mode ?? 'replace';
    if (mode !== 'replace' && mode !== 'append')
      throw new InputError(`write mode "${mode}": expected replace or append`);
    const columns = snowflakeColumns(table);
    const insert = (target: string) =>
      insertArrowTable(this.client, target, table, {
        path: this.bulk,
        batchRows: o.batchRows ?? DEFAULT_BATCH_ROWS,
        onBatch: o.onBatch,
        signal: o.signal,
      });
    return this.queue.run(async () => {
      const exists = await this.exists(name);
      if (mode === 'append') {
        if (!exists) await this.client.exec(`CREATE TABLE IDENTIFIER(?) (${columns})`, [name]);
        await this.client.exec('BEGIN');
        try {
          await insert(name);
          await this.client.exec('COMMIT');
        } catch (error) {
          await this.client.exec('ROLLBACK').catch(() => undefined);
          throw error;
        }
        return { rows: table.numRows };
      }
      const stagingTable = `${t.table}__RECKIT_TMP_${randomBytes(4).toString('hex').toUpperCase()}`.slice(0, 255);
      const staging = [...t.parts.slice(0, -1), stagingTable].join('.');
      await this.client.exec(`CREATE TABLE IDENTIFIER(?) (${columns})`, [staging]);
      try {
        await insert(staging);
        if (exists) {
          await this.client.exec('ALTER TABLE IDENTIFIER(?) SWAP WITH IDENTIFIER(?)', [name, staging]);
        } else {
          await this.client.exec('ALTER TABLE IDENTIFIER(?) RENAME TO IDENTIFIER(?)', [staging, name]);
        }
      } catch (error) {
        await this.client.exec('DROP TABLE IF EXISTS IDENTIFIER(?)', [staging]).catch(() => undefined);
        throw error;
      }
      if (exists) await this.client.exec('DROP TABLE IF EXISTS IDENTIFIER(?)', [staging]);
      return { rows: table.numRows };
    });
  }

  async hasTable(name: string): Promise<boolean> {
    parseTableName(name);
    return this.queue.run(() => this.exists(name));
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<Table> {
    const binds = params.map((p) => (typeof p === 'bigint' ? String(p) : p));
    return this.queue.run(async () => {
      const { columns, rows } = await this.client.stream(sql, binds as Binds);
      return snowflakeRowsToArrow(columns, rows, 'query');
    });
  }

  async close(): Promise<void> {
    await this.queue.drain();
    await this.client.close();
  }

  /** Snowflake resolves the name exactly as it will for the read or write (002003 = absent). */
  private async exists(name: string): Promise<boolean> {
    try {
      await this.client.exec('SELECT 1 FROM IDENTIFIER(?) LIMIT 0', [name]);
      return true;
    } catch (error) {
      if (/\(Snowflake error 002003\)$/.test((error as Error).message)) return false;
      throw error;
    }
  }

  private async requireTable(name: string): Promise<void> {
    if (!(await this.exists(name))) throw new InputError(`table ${name} does not exist in ${this.location}`);
  }
}
