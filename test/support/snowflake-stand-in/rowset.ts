import {
  type DuckDBDecimalType,
  DuckDBDecimalValue,
  DuckDBListValue,
  type DuckDBResultReader,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';

/** One column of Snowflake's `rowtype`, as the driver reads it (lib/connection/result/column.js). */
export interface RowType {
  name: string;
  type: string;
  nullable: boolean;
  precision: number | null;
  scale: number | null;
  length: number | null;
  byteLength: number | null;
  database: string;
  schema: string;
  table: string;
  collation: null;
}

/**
 * A DuckDB result as Snowflake's JSON result format: `rowtype` plus a `rowset` whose every value is
 * a string (or null). Integers of any width are NUMBER(38,0) (`fixed`), as in Snowflake; JSON is
 * VARIANT, DuckDB lists are ARRAY (both sent as JSON text, which the driver parses).
 */
export function toRowset(result: DuckDBResultReader): { rowtype: RowType[]; rowset: (string | null)[][] } {
  const types = result.columnTypes();
  const rowtype = result.columnNames().map((name, c) => rowTypeOf(name, types[c]!));
  // Column-wise is ~5x faster than getRows() in @duckdb/node-api; rows are assembled after encoding.
  const columns = result.getColumns().map((values, c) => {
    const encode = encoderFor(types[c]!);
    return values.map((v) => (v === null ? null : encode(v)));
  });
  const n = columns[0]?.length ?? 0;
  const rowset: (string | null)[][] = new Array(n);
  for (let r = 0; r < n; r++) rowset[r] = columns.map((col) => col[r] as string | null);
  return { rowtype, rowset };
}

type Encoder = (v: DuckDBValue) => string;

function rowTypeOf(name: string, t: DuckDBType): RowType {
  const base = {
    name,
    nullable: true,
    precision: null as number | null,
    scale: null as number | null,
    length: null as number | null,
    byteLength: null as number | null,
    database: 'STANDIN',
    schema: 'PUBLIC',
    table: '',
    collation: null,
  };
  switch (t.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return { ...base, type: 'fixed', precision: 38, scale: 0 };
    case DuckDBTypeId.DECIMAL: {
      const d = t as DuckDBDecimalType;
      return { ...base, type: 'fixed', precision: d.width, scale: d.scale };
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { ...base, type: 'real' };
    case DuckDBTypeId.BOOLEAN:
      return { ...base, type: 'boolean' };
    case DuckDBTypeId.LIST:
      return { ...base, type: 'array', length: 16777216, byteLength: 16777216 };
    case DuckDBTypeId.VARCHAR:
      // DuckDB's JSON type is a VARCHAR with an alias; Snowflake calls it VARIANT.
      if (t.alias === 'JSON') return { ...base, type: 'variant', length: 16777216, byteLength: 16777216 };
      return { ...base, type: 'text', length: 16777216, byteLength: 16777216 };
    default:
      throw new Error(`the stand-in does not map DuckDB type ${t.toString()} to a Snowflake type`);
  }
}

function encoderFor(t: DuckDBType): Encoder {
  if (t.typeId === DuckDBTypeId.BOOLEAN) return (v) => (v ? '1' : '0');
  if (t.typeId === DuckDBTypeId.LIST) return (v) => JSON.stringify(plain(v));
  if (t.typeId === DuckDBTypeId.DECIMAL) return (v) => (v as DuckDBDecimalValue).toString();
  return (v) => String(v);
}

/** A DuckDB value as plain JSON-able JS (lists of numbers, strings, nested lists). */
function plain(v: DuckDBValue): unknown {
  if (v instanceof DuckDBListValue) return v.items.map(plain);
  if (v instanceof DuckDBDecimalValue) return Number(v.toString());
  if (typeof v === 'bigint') return Number(v);
  return v;
}
