/**
 * The pieces of SQL that differ between warehouses, asked of the warehouse by the pipeline code
 * so its queries run unchanged on each (docs/snowflake.md, "Dialect"). Arguments are SQL
 * expressions the caller built from validated names; the separator is a plain string.
 */
export interface SqlDialect {
  /** The group's `expr` values joined by `separator`, in `orderBy` order (an aggregate). */
  stringAgg(expr: string, separator: string, orderBy: string): string;
}

/** A string literal: single quotes doubled. */
function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export const DUCKDB_DIALECT: SqlDialect = {
  stringAgg: (expr, separator, orderBy) => `string_agg(${expr}, ${literal(separator)} ORDER BY ${orderBy})`,
};

/** Snowflake has no string_agg; LISTAGG takes its order from WITHIN GROUP. */
export const SNOWFLAKE_DIALECT: SqlDialect = {
  stringAgg: (expr, separator, orderBy) => `LISTAGG(${expr}, ${literal(separator)}) WITHIN GROUP (ORDER BY ${orderBy})`,
};
