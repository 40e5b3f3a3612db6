import { InputError } from '../errors.js';

/**
 * How a numeric field is stored: `id` as Int32 (widened to Float64 when an id is not an int32),
 * `f32` (ratings), `f64` (timestamps).
 */
export type NumericKind = 'id' | 'f32' | 'f64';

export interface NumericField {
  /** Zero-based column position in the line. */
  column: number;
  /** Names the field in errors. */
  name: string;
  kind: NumericKind;
  /** Inclusive bounds; values outside are bad input (the declared rating scale). */
  min?: number | undefined;
  max?: number | undefined;
}

export interface DelimitedNumbersSpec {
  /** Single byte (',' '\t' '|' ';') or '::'. */
  delimiter: string;
  /** Skip the first line. */
  header: boolean;
  /** Fields to read, in output order. */
  fields: readonly NumericField[];
  /** Names the input in errors (a file name). */
  source: string;
  /** Count and skip malformed lines instead of throwing on the first. */
  skipBad?: boolean | undefined;
  /** Rows to allocate up front; columns grow past it. */
  expectedRows?: number | undefined;
}

export type NumericColumn = Int32Array | Float32Array | Float64Array;

export interface ParsedNumbers {
  columns: NumericColumn[];
  rows: number;
  skipped: number;
  /** Reasons for the first few skipped lines. */
  skippedExamples: string[];
}

const NL = 10;
const CR = 13;
const QUOTE = 34;
const COLON = 58;
const MAX_EXAMPLES = 5;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Incremental byte scanner for the numeric fields of delimited text (u.data, ratings.csv, ratings.dat):
 * no string per field, its own decimal parser. Feed it blocks that end on a line boundary (see
 * readLineBlocks); LF or CRLF line ends; blank lines are ignored; a field may be double-quoted.
 * Errors name the source, line and field. Twin of the per-line semantics in tests (the spec is this file).
 */
export class DelimitedNumberParser {
  private readonly d0: number;
  private readonly colon: boolean;
  private readonly want: Int32Array;
  private readonly nFields: number;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly kinds: NumericKind[];
  private cols: NumericColumn[];
  private cap: number;
  private row = 0;
  private line = 1;
  private headerPending: boolean;
  private skipped = 0;
  private readonly examples: string[] = [];

  constructor(private readonly spec: DelimitedNumbersSpec) {
    const d = spec.delimiter;
    if (!(d.length === 1 || d === '::')) throw new InputError(`unsupported delimiter ${JSON.stringify(d)}`);
    this.d0 = d.charCodeAt(0);
    this.colon = d === '::';
    this.nFields = spec.fields.length;
    this.want = new Int32Array(Math.max(...spec.fields.map((f) => f.column)) + 1).fill(-1);
    spec.fields.forEach((f, k) => {
      this.want[f.column] = k;
    });
    this.min = Float64Array.from(spec.fields, (f) => f.min ?? Number.NEGATIVE_INFINITY);
    this.max = Float64Array.from(spec.fields, (f) => f.max ?? Number.POSITIVE_INFINITY);
    this.kinds = spec.fields.map((f) => f.kind);
    this.cap = Math.max(16, Math.ceil(spec.expectedRows ?? 1024));
    this.cols = this.kinds.map((k) => allocate(k, this.cap));
    this.headerPending = spec.header;
  }

  /** Parses every line in `buf`; the last line may lack its newline only in the last block. */
  push(buf: Uint8Array): void {
    const n = buf.length;
    let pos = 0;
    if (this.headerPending) {
      this.headerPending = false;
      while (pos < n && buf[pos] !== NL) pos++;
      pos++;
      this.line++;
    }
    const { d0, colon, want, nFields, min, max, kinds } = this;
    while (pos < n) {
      const c0 = buf[pos];
      if (c0 === NL || (c0 === CR && (pos + 1 === n || buf[pos + 1] === NL))) {
        pos += c0 === CR ? 2 : 1; // blank line
        this.line++;
        continue;
      }
      if (this.row === this.cap) this.grow();
      const cols = this.cols;
      const row = this.row;
      let field = 0;
      let got = 0;
      let bad = 0; // 0 ok, 1 not a number, 2 outside bounds, 3 bare CR, 4 newline in quotes
      let badK = -1;
      let badA = 0;
      let badB = 0;
      for (;;) {
        let a = pos;
        let b: number;
        if (buf[pos] === QUOTE) {
          a = ++pos;
          while (pos < n && buf[pos] !== QUOTE && buf[pos] !== NL) pos++;
          b = pos;
          if (buf[pos] === QUOTE) pos++;
          else if (bad === 0) bad = 4;
        } else {
          while (pos < n) {
            const c = buf[pos] as number;
            if (c === NL || c === CR || (c === d0 && (!colon || buf[pos + 1] === COLON))) break;
            pos++;
          }
          b = pos;
        }
        const k = field < want.length ? (want[field] as number) : -1;
        if (k >= 0) {
          got++;
          if (bad === 0) {
            const v = parseNumber(buf, a, b);
            if (Number.isNaN(v)) {
              bad = 1;
            } else if (v < (min[k] as number) || v > (max[k] as number)) {
              bad = 2;
            } else {
              const col = cols[k] as NumericColumn;
              if (kinds[k] === 'id' && col instanceof Int32Array && (v | 0) !== v) {
                this.cols[k] = Float64Array.from(col);
                (this.cols[k] as Float64Array)[row] = v;
              } else {
                col[row] = v;
              }
            }
            if (bad !== 0) {
              badK = k;
              badA = a;
              badB = b;
            }
          }
        }
        field++;
        if (pos < n && buf[pos] === d0 && (!colon || buf[pos + 1] === COLON)) {
          pos += colon ? 2 : 1;
          continue;
        }
        break;
      }
      const lineEnd = pos;
      if (buf[pos] === CR) pos++;
      if (pos < n && buf[pos] !== NL) {
        if (bad === 0) {
          bad = 3;
          badA = lineEnd;
        }
        while (pos < n && buf[pos] !== NL) pos++;
      }
      pos++;
      const line = this.line++;
      if (bad === 0 && got === nFields) {
        this.row++;
        continue;
      }
      const why = () => this.describe(buf, line, bad, badK, badA, badB, field);
      if (!this.spec.skipBad) throw new InputError(why());
      if (this.skipped++ < MAX_EXAMPLES) this.examples.push(why());
    }
  }

  finish(): ParsedNumbers {
    const rows = this.row;
    // subarray, not slice: the <= 50% slack is cheaper to keep than a second copy of 25M rows.
    const columns = this.cols.map((c) => (c.length === rows ? c : c.subarray(0, rows)));
    return { columns, rows, skipped: this.skipped, skippedExamples: this.examples };
  }

  private grow(): void {
    this.cap = Math.ceil(this.cap * 1.5) + 16;
    this.cols = this.cols.map((c) => {
      const next = new (c.constructor as Float64ArrayConstructor)(this.cap) as NumericColumn;
      next.set(c);
      return next;
    });
  }

  private describe(buf: Uint8Array, line: number, bad: number, k: number, a: number, b: number, fields: number) {
    const where = `${this.spec.source} line ${line}`;
    const f = this.spec.fields[k];
    const text = () => JSON.stringify(new TextDecoder().decode(buf.subarray(a, b)));
    if (bad === 1 && f) return `${where}: field ${f.name} (column ${f.column + 1}) is ${text()}, not a finite number`;
    if (bad === 2 && f) {
      return `${where}: ${f.name} ${text().slice(1, -1)} (column ${f.column + 1}) is outside the scale [${f.min}, ${f.max}]`;
    }
    if (bad === 3) {
      return buf[a] === CR
        ? `${where}: unexpected carriage return inside the line`
        : `${where}: unexpected text ${JSON.stringify(String.fromCharCode(buf[a] as number))} after a quoted field`;
    }
    if (bad === 4) return `${where}: a quoted field is not closed on its line`;
    const missing = this.spec.fields.find((x) => x.column >= fields) ?? this.spec.fields[0];
    return `${where}: missing field ${missing?.name} (column ${(missing?.column ?? 0) + 1}); the line has ${fields} field${fields === 1 ? '' : 's'}`;
  }
}

function allocate(kind: NumericKind, n: number): NumericColumn {
  return kind === 'id' ? new Int32Array(n) : kind === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

/** Parses a whole buffer at once (small files, tests). */
export function parseDelimitedNumbers(buf: Uint8Array, spec: DelimitedNumbersSpec): ParsedNumbers {
  const p = new DelimitedNumberParser(spec);
  p.push(buf);
  return p.finish();
}

/**
 * Decimal number in buf[a, b): optional spaces, sign, digits, '.', digits, exponent. NaN when
 * malformed or not finite ("NaN", "Infinity", "1e999" are all NaN here).
 */
export function parseNumber(buf: Uint8Array, a: number, b: number): number {
  while (a < b && buf[a] === 32) a++;
  while (b > a && buf[b - 1] === 32) b--;
  if (a === b) return Number.NaN;
  let i = a;
  let neg = false;
  if (buf[i] === 45 || buf[i] === 43) {
    neg = buf[i] === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let scale = 0;
  let c = buf[i] as number;
  while (i < b && c >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    c = buf[++i] as number;
    digits++;
  }
  if (i < b && c === 46) {
    c = buf[++i] as number;
    while (i < b && c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      c = buf[++i] as number;
      scale++;
      digits++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < b || digits > 15 || scale > 22) {
    // exponent notation or long mantissas are rare: let the JS parser round them exactly
    if (i < b && c !== 101 && c !== 69) return Number.NaN;
    const v = Number(new TextDecoder().decode(buf.subarray(a, b)));
    return Number.isFinite(v) ? v : Number.NaN;
  }
  // one division by an exact power of ten is correctly rounded, as Number(text) is
  const v = scale === 0 ? mant : mant / (POW10[scale] as number);
  return neg ? -v : v;
}
