import { InputError } from '../../engine/errors.js';

/**
 * A validated table name: one to three parts (`table`, `schema.table`, `db.schema.table`), each a
 * plain identifier. Names come from users, CLI flags and Snowflake function arguments, so they are
 * checked against this grammar and then quoted; nothing else reaches the SQL text.
 */
export interface TableName {
  /** The parts as given (case kept). */
  parts: readonly string[];
  /** The last part. */
  table: string;
  /** The parts before the table, quoted and dot-joined, with a trailing dot ('' when none). */
  prefix: string;
  /** The whole name, each part double-quoted. */
  quoted: string;
}

/** Letters, digits, `_` and `$` (Snowflake allows `$`), starting with a letter or `_`; 255 chars max as in Snowflake. */
const PART = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

export function parseTableName(name: string, what = 'table name'): TableName {
  if (typeof name !== 'string' || name.length === 0) throw new InputError(`${what} is empty`);
  const parts = name.split('.');
  if (parts.length > 3) {
    throw new InputError(
      `${what} "${name}" has ${parts.length} parts; expected table, schema.table or db.schema.table`,
    );
  }
  for (const p of parts) {
    if (!PART.test(p)) {
      throw new InputError(
        `${what} "${name}": part "${p}" is not a plain identifier (letters, digits, _ or $, not starting with a digit)`,
      );
    }
  }
  const table = parts[parts.length - 1]!;
  const prefix = parts
    .slice(0, -1)
    .map((p) => `${quoteIdentifier(p)}.`)
    .join('');
  return { parts, table, prefix, quoted: `${prefix}${quoteIdentifier(table)}` };
}

/** A column name, validated like a table-name part and quoted. */
export function quoteColumn(name: string): string {
  if (!PART.test(name)) {
    throw new InputError(`column name "${name}" is not a plain identifier (letters, digits, _ or $)`);
  }
  return quoteIdentifier(name);
}

/** Double-quotes an identifier that already matched PART (so it holds no quote to escape). */
function quoteIdentifier(part: string): string {
  return `"${part}"`;
}
