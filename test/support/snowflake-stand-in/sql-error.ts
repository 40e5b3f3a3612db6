/** A failed statement as Snowflake reports it: a six-digit code, an SQLSTATE and a message. */
export class SnowflakeSqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * DuckDB's error for a statement, as the Snowflake error a real account gives for the same
 * mistake: 002003 for a missing object, 001003 for a syntax error, 000904 for an unknown column,
 * 100038 for a value that does not convert, 002043 otherwise (the stand-in's catch-all).
 */
export function fromDuckDbError(error: unknown): SnowflakeSqlError {
  if (error instanceof SnowflakeSqlError) return error;
  const text = (error as Error)?.message ?? String(error);
  const missing = /Table with name (\S+) does not exist|Table (\S+) does not exist/.exec(text);
  if (missing) {
    const name = (missing[1] ?? missing[2] ?? '?').replace(/[!"]/g, '');
    return new SnowflakeSqlError(
      '002003',
      '42S02',
      `SQL compilation error:\nObject '${name}' does not exist or not authorized.`,
    );
  }
  const parser = /Parser Error: (.*)/.exec(text);
  if (parser) {
    return new SnowflakeSqlError('001003', '42000', `SQL compilation error:\n${parser[1]}`);
  }
  const column = /Referenced column "?([^"\s]+)"? not found/.exec(text);
  if (column) {
    return new SnowflakeSqlError('000904', '42000', `SQL compilation error:\ninvalid identifier '${column[1]}'`);
  }
  if (/^Conversion Error/.test(text)) return new SnowflakeSqlError('100038', '22018', text);
  return new SnowflakeSqlError('002043', '02000', `SQL compilation error:\n${text}`);
}
