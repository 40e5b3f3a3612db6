import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type RowType, toRowset } from './rowset.js';
import { fromDuckDbError, SnowflakeSqlError } from './sql-error.js';
import { translate, type WireBind } from './translate.js';

/** What a query-request answers on success (the `data` of Snowflake's JSON result). */
export interface QueryResult {
  statementTypeId: number;
  rowtype: RowType[];
  rowset: (string | null)[][];
}

/** Snowflake's statement type ids (lib/connection/result/statement_type.js in the driver). */
const STATEMENT_TYPE = { select: 0x1000, insert: 0x3100, update: 0x3200, delete: 0x3300, ddl: 0x6000 };

/**
 * One Snowflake session: its own DuckDB connection on the account's shared database (so temporary
 * tables are per session, as in Snowflake), statements run one at a time in arrival order.
 */
export class StandInSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly user: string,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(instance: DuckDBInstance, user: string): Promise<StandInSession> {
    const connection = await instance.connect();
    await connection.run('USE "PUBLIC"');
    return new StandInSession(user, connection);
  }

  execute(sqlText: string, bindings: Record<string, WireBind> | undefined): Promise<QueryResult> {
    const next = this.queue.then(() => this.run(sqlText, bindings));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.connection.closeSync();
  }

  private async run(sqlText: string, bindings: Record<string, WireBind> | undefined): Promise<QueryResult> {
    try {
      const t = translate(sqlText, bindings);
      if (t.kind === 'swap') return await this.swap(t.a, t.b);
      const reader = await this.connection.runAndReadAll(t.sql, t.params, t.types as never);
      const verb = /^\s*\(?\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase() ?? '';
      if (verb === 'SELECT' || verb === 'WITH' || verb === 'SHOW' || verb === 'DESCRIBE') {
        return { statementTypeId: STATEMENT_TYPE.select, ...toRowset(reader) };
      }
      if (verb === 'INSERT' || verb === 'UPDATE' || verb === 'DELETE') {
        const count = String(reader.getRows()[0]?.[0] ?? 0);
        const what = { INSERT: 'inserted', UPDATE: 'updated', DELETE: 'deleted' }[verb];
        return {
          statementTypeId: STATEMENT_TYPE[verb.toLowerCase() as 'insert'],
          rowtype: [fixedColumn(`number of rows ${what}`)],
          rowset: [[count]],
        };
      }
      return {
        statementTypeId: STATEMENT_TYPE.ddl,
        rowtype: [{ ...fixedColumn('status'), type: 'text', precision: null, scale: null }],
        rowset: [['Statement executed successfully.']],
      };
    } catch (error) {
      throw fromDuckDbError(error);
    }
  }

  /** ALTER TABLE a SWAP WITH b: both must exist; three renames in one transaction. */
  private async swap(a: string, b: string): Promise<QueryResult> {
    const last = (q: string) => q.slice(q.lastIndexOf('"', q.length - 2));
    const tmp = `"__swap_${Date.now().toString(36)}"`;
    const schema = (q: string) => q.slice(0, q.length - last(q).length);
    for (const name of [a, b]) {
      const r = await this.connection.runAndReadAll(
        // DuckDB matches identifiers case-insensitively, as Snowflake does after folding unquoted names.
        `SELECT count(*) FROM information_schema.tables WHERE lower(table_schema) = lower(${schema(name) ? `'${schema(name).slice(1, -2)}'` : 'current_schema()'}) AND lower(table_name) = lower('${last(name).slice(1, -1)}')`,
      );
      if (Number(r.getRows()[0]?.[0]) === 0) {
        throw new SnowflakeSqlError(
          '002003',
          '42S02',
          `SQL compilation error:\nObject '${name.replace(/"/g, '')}' does not exist or not authorized.`,
        );
      }
    }
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.connection.run(`ALTER TABLE ${a} RENAME TO ${tmp}`);
      await this.connection.run(`ALTER TABLE ${b} RENAME TO ${last(a)}`);
      await this.connection.run(`ALTER TABLE ${schema(a)}${tmp} RENAME TO ${last(b)}`);
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
    return {
      statementTypeId: STATEMENT_TYPE.ddl,
      rowtype: [{ ...fixedColumn('status'), type: 'text', precision: null, scale: null }],
      rowset: [['Statement executed successfully.']],
    };
  }
}

function fixedColumn(name: string): RowType {
  return {
    name,
    type: 'fixed',
    nullable: false,
    precision: 19,
    scale: 0,
    length: null,
    byteLength: null,
    database: '',
    schema: '',
    table: '',
    collation: null,
  };
}
