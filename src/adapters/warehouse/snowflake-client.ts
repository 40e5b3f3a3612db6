import type { Readable } from 'node:stream';
import type { Bind, Binds, Connection, RowStatement, SnowflakeError } from 'snowflake-sdk';
import { InputError } from '../../engine/errors.js';
import { describeConnection, type SnowflakeConnectionOptions } from './snowflake-config.js';
import { driverLogConfig, registerSecrets } from './snowflake-log.js';

/** A result column as the driver describes it. */
export interface SnowflakeColumn {
  name: string;
  /** Snowflake's wire type: fixed, real, text, boolean, variant, array, object, date, ... */
  type: string;
  scale: number;
}

/** Snowflake codes a user fixes (missing object, syntax, bad identifier or value, login refused). */
const USER_CODES = /^(0020\d\d|0010\d\d|000904|1000\d\d|3901\d\d)$/;

/**
 * One snowflake-sdk connection with promise-shaped calls. Every value reaches Snowflake as a bind;
 * numbers and VARIANT text come back as strings (fetchAsString) so ids are never rounded.
 */
export class SnowflakeClient {
  private constructor(
    private readonly connection: Connection,
    readonly description: string,
  ) {}

  /** Logs in (password or key-pair JWT). A refused login is an InputError naming no secret. */
  static async connect(o: SnowflakeConnectionOptions & { name: string }): Promise<SnowflakeClient> {
    const sdk = (await import('snowflake-sdk')).default;
    registerSecrets([o.password, o.privateKey, o.privateKeyPass]);
    const log = driverLogConfig();
    sdk.configure({ customLogger: log.customLogger });
    sdk.configure(log);
    const description = describeConnection(o);
    const connection = sdk.createConnection({
      account: o.account as string,
      username: o.user,
      authenticator: o.authenticator,
      ...(o.password !== undefined && o.authenticator !== 'SNOWFLAKE_JWT' ? { password: o.password } : {}),
      ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
      ...(o.privateKeyPath !== undefined ? { privateKeyPath: o.privateKeyPath } : {}),
      ...(o.privateKeyPass !== undefined ? { privateKeyPass: o.privateKeyPass } : {}),
      ...(o.host !== undefined ? { host: o.host } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.protocol !== undefined ? { protocol: o.protocol } : {}),
      ...(o.database !== undefined ? { database: o.database } : {}),
      ...(o.schema !== undefined ? { schema: o.schema } : {}),
      ...(o.warehouse !== undefined ? { warehouse: o.warehouse } : {}),
      ...(o.role !== undefined ? { role: o.role } : {}),
      application: 'reckit',
    } as never);
    try {
      await new Promise<void>((resolve, reject) => {
        connection.connect((err) => (err ? reject(err) : resolve()));
      });
    } catch (error) {
      const e = error as SnowflakeError;
      throw new InputError(`cannot log in to ${description}: ${firstLine(e.message)}`);
    }
    return new SnowflakeClient(connection, description);
  }

  /** Runs one statement and returns its rows as arrays (small results: DDL, DML counts, checks). */
  async exec(sqlText: string, binds: Binds = []): Promise<{ columns: SnowflakeColumn[]; rows: unknown[][] }> {
    const { statement, rows } = await this.execute(sqlText, binds, false);
    return { columns: columnsOf(statement), rows: rows ?? [] };
  }

  /** Runs one statement and streams its rows (arrays) without materialising them in the driver. */
  async stream(sqlText: string, binds: Binds = []): Promise<{ columns: SnowflakeColumn[]; rows: Readable }> {
    const { statement } = await this.execute(sqlText, binds, true);
    return { columns: columnsOf(statement), rows: statement.streamRows() };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.connection.destroy(() => resolve());
    });
  }

  private execute(
    sqlText: string,
    binds: Binds,
    streamResult: boolean,
  ): Promise<{ statement: RowStatement; rows: unknown[][] | undefined }> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        binds: binds as Bind[],
        rowMode: 'array',
        streamResult,
        fetchAsString: ['Number', 'JSON'],
        complete: (err, statement, rows) => {
          if (err) reject(wrapError(err, this.description));
          else resolve({ statement: statement as RowStatement, rows: rows as unknown[][] | undefined });
        },
      });
    });
  }
}

function columnsOf(statement: RowStatement): SnowflakeColumn[] {
  return (statement.getColumns() ?? []).map((c) => ({
    name: c.getName(),
    type: String(c.getType()),
    scale: Number(c.getScale() ?? 0),
  }));
}

/** A Snowflake error as InputError when the user can fix it (the message has Snowflake's code). */
export function wrapError(err: SnowflakeError, where: string): Error {
  const code = String(err.code ?? '');
  const message = `${where}: ${firstLine(err.message)}${code ? ` (Snowflake error ${code})` : ''}`;
  if (USER_CODES.test(code)) return new InputError(message, { cause: err });
  return new Error(message, { cause: err });
}

/** Snowflake's compilation errors put the useful part after "SQL compilation error:\n". */
function firstLine(message: string): string {
  return String(message ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .slice(0, 500);
}
