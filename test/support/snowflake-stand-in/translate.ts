import { BOOLEAN, type DuckDBType, type DuckDBValue, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { SnowflakeSqlError } from './sql-error.js';

/** One entry of the query-request's `bindings` map, as snowflake-sdk sends it (values are strings). */
export interface WireBind {
  type: string;
  value: string | null | (string | null)[];
}

/** A Snowflake statement rewritten for DuckDB. */
export type Translated =
  | { kind: 'sql'; sql: string; params: DuckDBValue[]; types: (DuckDBType | undefined)[]; arrayRows: number | null }
  | { kind: 'swap'; a: string; b: string };

/**
 * Rewrites the Snowflake-isms reckit uses into DuckDB SQL: IDENTIFIER(?) resolved server-side from
 * its bind (unquoted parts fold to upper case), PARSE_JSON, TABLE(FLATTEN(...)) with `value[i]`,
 * NUMBER/FLOAT/VARIANT/ARRAY types, LISTAGG ... WITHIN GROUP, TRANSIENT tables, ALTER TABLE ... SWAP WITH, and array binds
 * (only on INSERT ... VALUES of plain `?`, as in Snowflake; function calls in VALUES are refused).
 */
export function translate(sqlText: string, bindings: Record<string, WireBind> | undefined): Translated {
  const binds = bindings ?? {};
  const segments = split(rewriteListagg(sqlText));
  let bindNo = 0;
  const params: DuckDBValue[] = [];
  const types: (DuckDBType | undefined)[] = [];
  let arrayRows: number | null = null;
  let out = '';
  for (const seg of segments) {
    if (seg.quoted) {
      out += seg.text;
      continue;
    }
    let text = rewriteTypes(rewriteFlatten(seg.text.replace(/\bPARSE_JSON\s*\(/gi, 'json(')));
    text = text.replace(
      /\bvalue\[(\d+)\]::(VARCHAR|STRING|TEXT)\b/gi,
      (_m, i: string) => `json_extract_string(value, '$[${i}]')`,
    );
    text = text.replace(/\bvalue\[(\d+)\]/gi, (_m, i: string) => `json_extract(value, '$[${i}]')`);
    text = text.replace(
      /\bCREATE\s+(OR\s+REPLACE\s+)?TRANSIENT\s+TABLE\b/gi,
      (_m, r?: string) => `CREATE ${r ?? ''}TABLE`,
    );
    // Placeholders: IDENTIFIER(?) becomes the resolved name, any other ? a DuckDB parameter.
    text = text.replace(/IDENTIFIER\s*\(\s*\?\s*\)|\?/gi, (m) => {
      bindNo++;
      const b = binds[String(bindNo)];
      if (!b) throw new SnowflakeSqlError('002049', '07002', `SQL compilation error: bind variable ${bindNo} not set`);
      if (m !== '?') return resolveIdentifier(b);
      if (Array.isArray(b.value)) {
        arrayRows = b.value.length;
        params.push(listValue(b.value));
        types.push(LIST(VARCHAR));
      } else {
        params.push(scalar(b));
        types.push(b.type === 'BOOLEAN' ? BOOLEAN : undefined);
      }
      return `$${params.length}`;
    });
    out += text;
  }
  const swap =
    /^\s*ALTER\s+TABLE\s+("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")*)\s+SWAP\s+WITH\s+("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")*)\s*;?\s*$/i.exec(
      out,
    );
  if (swap) return { kind: 'swap', a: swap[1]!, b: swap[2]! };
  // DuckDB renames within the schema and wants the bare new name.
  out = out.replace(/(\bRENAME\s+TO\s+)(?:"(?:[^"]|"")+"\.)+/i, '$1');
  const values = /\bVALUES\s*\(([^;]*)\)\s*;?\s*$/i.exec(out);
  if (values && /[A-Za-z_]\w*\s*\(/.test(values[1]!)) {
    throw new SnowflakeSqlError(
      '002014',
      '22000',
      `SQL compilation error:\nInvalid expression [${values[1]!.trim()}] in VALUES clause`,
    );
  }
  if (arrayRows !== null) out = arrayInsert(out);
  return { kind: 'sql', sql: out, params, types, arrayRows };
}

/** LISTAGG(expr, sep) WITHIN GROUP (ORDER BY o) -> DuckDB's string_agg(expr, sep ORDER BY o). */
function rewriteListagg(sql: string): string {
  for (;;) {
    // Literals and quoted names masked out, so only SQL code is matched; slices come from `sql`.
    const mask = split(sql)
      .map((x) => (x.quoted ? '_'.repeat(x.text.length) : x.text))
      .join('');
    const head = /\bLISTAGG\s*\(/i.exec(mask);
    if (!head) return sql;
    const argsEnd = closing(mask, head.index + head[0].length);
    const within = /^\s*WITHIN\s+GROUP\s*\(\s*ORDER\s+BY\s+/i.exec(mask.slice(argsEnd + 1));
    if (!within) {
      throw new SnowflakeSqlError('001003', '42000', 'SQL compilation error:\nsyntax error near LISTAGG');
    }
    const orderFrom = argsEnd + 1 + within[0].length;
    const orderEnd = closing(mask, orderFrom);
    const args = sql.slice(head.index + head[0].length, argsEnd);
    const order = sql.slice(orderFrom, orderEnd);
    sql = `${sql.slice(0, head.index)}string_agg(${args} ORDER BY ${order})${sql.slice(orderEnd + 1)}`;
  }
}

/** The index of the `)` closing the parenthesis opened just before `from`. */
function closing(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return j;
  }
  throw new SnowflakeSqlError('001003', '42000', 'SQL compilation error:\nunbalanced parentheses');
}

/** Splits SQL into string literals / quoted identifiers (left alone) and the code between them. */
function split(sql: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let i = 0;
  let from = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      if (i > from) out.push({ text: sql.slice(from, i), quoted: false });
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j++;
          else break;
        }
      }
      out.push({ text: sql.slice(i, j + 1), quoted: true });
      i = j + 1;
      from = i;
    } else i++;
  }
  if (from < sql.length) out.push({ text: sql.slice(from), quoted: false });
  return out;
}

/** TABLE(FLATTEN([INPUT =>] x)) -> a subquery with Snowflake's VALUE column, one row per array element. */
function rewriteFlatten(text: string): string {
  const open = /TABLE\s*\(\s*FLATTEN\s*\(\s*(INPUT\s*=>\s*)?/i;
  for (let m = open.exec(text); m; m = open.exec(text)) {
    let depth = 1;
    let j = m.index + m[0].length;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
    }
    const input = text.slice(m.index + m[0].length, j - 1);
    const close = /^\s*\)/.exec(text.slice(j));
    if (!close) throw new SnowflakeSqlError('001003', '42000', 'SQL compilation error:\nsyntax error near FLATTEN');
    text = `${text.slice(0, m.index)}(SELECT unnest(CAST(${input} AS JSON[])) AS value)${text.slice(j + close[0].length)}`;
  }
  return text;
}

/** Snowflake type names -> DuckDB's (NUMBER(p,0) keeps 38 digits as HUGEINT; FLOAT is a double). */
function rewriteTypes(text: string): string {
  return text
    .replace(/\bNUMBER\s*\(\s*\d+\s*,\s*0\s*\)/gi, 'HUGEINT')
    .replace(/\bNUMBER\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/gi, 'DECIMAL($1,$2)')
    .replace(/\bNUMBER\b/gi, 'HUGEINT')
    .replace(/\bFLOAT\b/gi, 'DOUBLE')
    .replace(/\b(VARIANT|ARRAY|OBJECT)\b(?!\s*\[)/gi, 'JSON');
}

/**
 * IDENTIFIER(?)'s bind as a quoted DuckDB name, with Snowflake's rules: one to three parts, an
 * unquoted part is a plain identifier folded to upper case, a quoted part keeps its case. The
 * database part must be the stand-in's own (STANDIN) and is dropped.
 */
function resolveIdentifier(b: WireBind): string {
  if (b.type !== 'TEXT' || typeof b.value !== 'string') {
    throw new SnowflakeSqlError('002029', '42601', 'SQL compilation error:\nIDENTIFIER() expects a string bind');
  }
  const parts: string[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_$]*)|"((?:[^"]|"")+)")\s*(\.|$)/y;
  let at = 0;
  while (at < b.value.length) {
    re.lastIndex = at;
    const m = re.exec(b.value);
    if (!m) break;
    parts.push(m[1] !== undefined ? m[1].toUpperCase() : m[2]!.replace(/""/g, '"'));
    at = re.lastIndex;
    if (m[3] === '') break;
  }
  if (at !== b.value.length || parts.length === 0 || parts.length > 3) {
    throw new SnowflakeSqlError('000904', '42000', `SQL compilation error:\ninvalid identifier '${b.value}'`);
  }
  if (parts.length === 3) {
    if (parts[0] !== 'STANDIN') {
      throw new SnowflakeSqlError(
        '002003',
        '02000',
        `SQL compilation error:\nDatabase '${parts[0]}' does not exist or not authorized.`,
      );
    }
    parts.shift();
  }
  return parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}

function scalar(b: WireBind): DuckDBValue {
  const v = b.value as string | null;
  if (v === null) return null;
  switch (b.type) {
    case 'FIXED':
      return /^-?\d+$/.test(v) ? BigInt(v) : Number(v);
    case 'REAL':
      return Number(v);
    case 'BOOLEAN':
      return v === 'true' || v === '1';
    default:
      return v;
  }
}

/** INSERT INTO t [(cols)] VALUES ($1, $2) with list parameters -> one row per list position. */
function arrayInsert(sql: string): string {
  const m = /^(\s*INSERT\s+INTO\s+[\s\S]*?)\bVALUES\s*\(\s*(\$\d+(?:\s*,\s*\$\d+)*)\s*\)\s*;?\s*$/i.exec(sql);
  if (!m) {
    throw new SnowflakeSqlError(
      '002040',
      '0A000',
      'SQL compilation error:\nArray bind currently not supported for this query type',
    );
  }
  const cols = m[2]!.split(',').map((p) => `unnest(${p.trim()})`);
  return `${m[1]}SELECT ${cols.join(', ')}`;
}
