import { randomBytes } from 'node:crypto';
import { type DataType, type Table, Type, type Vector } from 'apache-arrow';
import { CancelledError, InputError } from '../../engine/errors.js';
import type { SnowflakeClient } from './snowflake-client.js';
import { quoteColumn } from './table-name.js';

/**
 * How rows travel: `flatten` binds one JSON document per batch and explodes it server-side
 * (INSERT ... SELECT value[i] FROM TABLE(FLATTEN(PARSE_JSON(?)))); `binds` sends array binds into
 * a session temporary table, then copies it over with PARSE_JSON for VARIANT columns. Both keep
 * the table name a bind (IDENTIFIER(?)); docs/snowflake.md has the measured choice.
 */
export type BulkPath = 'flatten' | 'binds';

/** A JSON document per statement stays well under Snowflake's 16 MB limit for one bound value. */
const MAX_DOCUMENT_CHARS = 8_000_000;
/** Array binds per statement (rows x columns) stay under the threshold at which the driver would PUT to a stage. */
const MAX_ARRAY_BINDS = 65_280;

interface ColumnPlan {
  quoted: string;
  /** Snowflake type of the created column. */
  sqlType: string;
  /** Row r as JSON text (null as `null`). */
  json(r: number): string;
  /** Row r as an array-bind value (lists as JSON text). */
  bind(r: number): string | number | boolean | null;
}

/** `"A" NUMBER(38,0), "B" VARIANT` for CREATE TABLE. */
export function snowflakeColumns(table: Table): string {
  return plan(table)
    .map((p) => `${p.quoted} ${p.sqlType}`)
    .join(', ');
}

/**
 * Inserts every row of `table` into the table named by `target` (a validated name, sent as an
 * IDENTIFIER bind), batch by batch; `onBatch` and `signal` are checked between statements.
 */
export async function insertArrowTable(
  client: SnowflakeClient,
  target: string,
  table: Table,
  o: {
    path: BulkPath;
    batchRows: number;
    onBatch?: ((rows: number) => void) | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<void> {
  const plans = plan(table);
  const cols = plans.map((p) => p.quoted).join(', ');
  const step = async (to: number) => {
    if (o.signal?.aborted) throw new CancelledError('writing the table was cancelled');
    o.onBatch?.(to);
  };
  if (o.path === 'flatten') {
    const select = plans.map((p, i) => cast(p, i)).join(', ');
    const sql = `INSERT INTO IDENTIFIER(?) (${cols}) SELECT ${select} FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?)))`;
    let from = 0;
    while (from < table.numRows) {
      if (o.signal?.aborted) throw new CancelledError('writing the table was cancelled');
      let doc = '[';
      let r = from;
      for (; r < table.numRows && r - from < o.batchRows && doc.length < MAX_DOCUMENT_CHARS; r++) {
        doc += `${r > from ? ',' : ''}[${plans.map((p) => p.json(r)).join(',')}]`;
      }
      await client.exec(sql, [target, `${doc}]`]);
      from = r;
      await step(from);
    }
    return;
  }
  // binds: a generated temporary table (its name is ours, not the user's), array binds into it.
  const stage = `"RECKIT_BIND_${randomBytes(6).toString('hex').toUpperCase()}"`;
  const stageCols = plans.map((p) => `${p.quoted} ${p.sqlType === 'VARIANT' ? 'VARCHAR' : p.sqlType}`).join(', ');
  await client.exec(`CREATE TEMPORARY TABLE ${stage} (${stageCols})`);
  try {
    const rowsPerStatement = Math.max(1, Math.min(o.batchRows, Math.floor(MAX_ARRAY_BINDS / plans.length)));
    const placeholders = plans.map(() => '?').join(', ');
    for (let from = 0; from < table.numRows; from += rowsPerStatement) {
      if (o.signal?.aborted) throw new CancelledError('writing the table was cancelled');
      const to = Math.min(table.numRows, from + rowsPerStatement);
      const rows = new Array(to - from);
      for (let r = from; r < to; r++) rows[r - from] = plans.map((p) => p.bind(r));
      await client.exec(`INSERT INTO ${stage} (${cols}) VALUES (${placeholders})`, rows);
      await step(to);
    }
    const select = plans.map((p) => (p.sqlType === 'VARIANT' ? `PARSE_JSON(${p.quoted})` : p.quoted)).join(', ');
    await client.exec(`INSERT INTO IDENTIFIER(?) (${cols}) SELECT ${select} FROM ${stage}`, [target]);
  } finally {
    await client.exec(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
  }
}

function cast(p: ColumnPlan, i: number): string {
  return p.sqlType === 'VARIANT' ? `value[${i}]` : `value[${i}]::${p.sqlType}`;
}

function plan(table: Table): ColumnPlan[] {
  return table.schema.fields.map((f) => {
    const v = table.getChild(f.name) as Vector;
    const quoted = quoteColumn(f.name);
    const where = `column "${f.name}"`;
    const valid = (r: number) => !v.nullCount || v.isValid(r);
    if (v.type.typeId === Type.List) {
      const inner = (v.type as unknown as { children: { type: DataType }[] }).children[0]?.type as DataType;
      const num = numberType(inner, `${where} (list element)`);
      const { offsets, values } = flatList(v);
      const text = (r: number) => {
        let s = '[';
        for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
          s += `${p > offsets[r]! ? ',' : ''}${numberText(values[p]!, num)}`;
        }
        return `${s}]`;
      };
      return {
        quoted,
        sqlType: 'VARIANT',
        json: (r) => (valid(r) ? text(r) : 'null'),
        bind: (r) => (valid(r) ? text(r) : null),
      };
    }
    if (v.type.typeId === Type.Utf8 || v.type.typeId === Type.LargeUtf8 || v.type.typeId === Type.Dictionary) {
      const at = (r: number) => v.get(r) as string | null;
      return {
        quoted,
        sqlType: 'VARCHAR',
        json: (r) => (at(r) === null ? 'null' : JSON.stringify(String(at(r)))),
        bind: (r) => (at(r) === null ? null : String(at(r))),
      };
    }
    if (v.type.typeId === Type.Bool) {
      return {
        quoted,
        sqlType: 'BOOLEAN',
        json: (r) => (valid(r) ? String(Boolean(v.get(r))) : 'null'),
        bind: (r) => (valid(r) ? Boolean(v.get(r)) : null),
      };
    }
    const num = numberType(v.type, where);
    const values = v.toArray() as ArrayLike<number | bigint>;
    return {
      quoted,
      sqlType: num === 'int' ? 'NUMBER(38,0)' : 'FLOAT',
      json: (r) => (valid(r) ? numberText(values[r]!, num) : 'null'),
      bind: (r) => (valid(r) ? (typeof values[r] === 'bigint' ? String(values[r]) : values[r]!) : null),
    };
  });
}

function numberType(t: DataType, where: string): 'int' | 'float' {
  if (t.typeId === Type.Int) return 'int';
  if (t.typeId === Type.Float) return 'float';
  throw new InputError(
    `${where} has Arrow type ${t}; the Snowflake warehouse writes ints, floats, strings, booleans and lists of numbers`,
  );
}

/** A number as JSON text; non-finite floats become strings Snowflake's FLOAT cast understands. */
function numberText(x: number | bigint, kind: 'int' | 'float'): string {
  if (typeof x === 'bigint' || kind === 'int') return String(x);
  return Number.isFinite(x)
    ? String(x)
    : `"${x === Number.POSITIVE_INFINITY ? 'inf' : x === Number.NEGATIVE_INFINITY ? '-inf' : 'NaN'}"`;
}

/** A list column's offsets (one per row + 1) and its flat child values, across chunks. */
function flatList(v: Vector): { offsets: Int32Array; values: ArrayLike<number | bigint> } {
  const offsets = new Int32Array(v.length + 1);
  const chunks: ArrayLike<number | bigint>[] = [];
  let row = 0;
  let total = 0;
  for (const d of v.data) {
    const off = d.valueOffsets as Int32Array;
    const child = d.children[0];
    if (child?.nullCount) throw new InputError('list elements hold nulls; reckit writes lists without nulls');
    const start = off[d.offset]! + (child?.offset ?? 0);
    const end = off[d.offset + d.length]! + (child?.offset ?? 0);
    chunks.push(child ? (child.values as Float64Array).subarray(start, end) : []);
    for (let r = 0; r < d.length; r++, row++) {
      offsets[row + 1] = total + off[d.offset + r + 1]! - off[d.offset]!;
    }
    total = offsets[row]!;
  }
  if (chunks.length === 1) return { offsets, values: chunks[0]! };
  const values: (number | bigint)[] = [];
  for (const c of chunks) for (let i = 0; i < c.length; i++) values.push(c[i]!);
  return { offsets, values };
}
