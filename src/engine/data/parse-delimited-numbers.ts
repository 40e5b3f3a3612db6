import { InputError } from '../errors.js';

export interface NumericColumnsSpec {
  /** Single byte (',' '\t' '|') or '::'. */
  delimiter: string;
  /** Skip the first line. */
  header: boolean;
  /** Zero-based field positions to read, in output order. */
  fields: readonly number[];
  /** Field names for error messages, parallel to `fields`. */
  names: readonly string[];
  /** Names the input in errors. */
  source: string;
}

/**
 * Parses numeric fields of a delimited text buffer into Float64 columns, without building a
 * string per field: a byte scanner with its own decimal parser (digits, sign, '.', exponent).
 * LF or CRLF line ends; a blank last line is allowed. Errors name source, line and field.
 */
export function parseDelimitedNumbers(buf: Uint8Array, spec: NumericColumnsSpec): Float64Array[] {
  const d0 = spec.delimiter.charCodeAt(0);
  const dLen = spec.delimiter.length;
  if (!(dLen === 1 || spec.delimiter === '::'))
    throw new InputError(`unsupported delimiter ${JSON.stringify(spec.delimiter)}`);
  const want = new Int32Array(Math.max(...spec.fields) + 1).fill(-1);
  spec.fields.forEach((f, k) => {
    want[f] = k;
  });
  let lines = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) lines++;
  const out = spec.fields.map(() => new Float64Array(lines + 1));
  let row = 0;
  let pos = 0;
  let line = 1;
  const n = buf.length;
  if (spec.header) {
    while (pos < n && buf[pos] !== 10) pos++;
    pos++;
    line++;
  }
  while (pos < n) {
    // blank line (or CR-only) at the very end is fine; elsewhere it is an error below
    let field = 0;
    let got = 0;
    let lineStart = pos;
    for (;;) {
      const start = pos;
      while (pos < n) {
        const b = buf[pos] as number;
        if (b === 10 || b === 13 || (b === d0 && (dLen === 1 || buf[pos + 1] === 58))) break;
        pos++;
      }
      const k = field < want.length ? (want[field] as number) : -1;
      if (k >= 0) {
        const v = parseNumber(buf, start, pos);
        if (Number.isNaN(v)) {
          const text = new TextDecoder().decode(buf.subarray(start, pos));
          throw new InputError(
            `${spec.source} line ${line}: field ${spec.names[k]} (column ${field + 1}) is ${JSON.stringify(text)}, not a finite number`,
          );
        }
        (out[k] as Float64Array)[row] = v;
        got++;
      }
      field++;
      if (pos < n && buf[pos] === d0 && !(buf[pos] === 13 || buf[pos] === 10)) {
        pos += dLen;
        continue;
      }
      break;
    }
    const blank = pos === lineStart;
    if (buf[pos] === 13) pos++;
    if (pos < n && buf[pos] !== 10) {
      throw new InputError(`${spec.source} line ${line}: unexpected carriage return inside the line`);
    }
    pos++;
    if (blank) {
      if (pos >= n) break;
      throw new InputError(`${spec.source} line ${line}: empty line`);
    }
    if (got < spec.fields.length) {
      const missing = spec.fields.findIndex((f) => f >= field);
      throw new InputError(
        `${spec.source} line ${line}: missing field ${spec.names[missing]} (column ${(spec.fields[missing] as number) + 1}); the line has ${field} fields`,
      );
    }
    row++;
    line++;
    lineStart = pos;
  }
  return out.map((c) => c.slice(0, row));
}

/** Decimal number in buf[a, b): optional sign, digits, '.', digits, exponent. NaN when malformed or not finite. */
function parseNumber(buf: Uint8Array, a: number, b: number): number {
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
  while (i < b && (buf[i] as number) >= 48 && (buf[i] as number) <= 57) {
    mant = mant * 10 + ((buf[i] as number) - 48);
    i++;
    digits++;
  }
  if (i < b && buf[i] === 46) {
    i++;
    while (i < b && (buf[i] as number) >= 48 && (buf[i] as number) <= 57) {
      mant = mant * 10 + ((buf[i] as number) - 48);
      scale--;
      i++;
      digits++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < b && (buf[i] === 101 || buf[i] === 69)) {
    // rare: exponent notation; let the JS parser handle it exactly
    const v = Number(new TextDecoder().decode(buf.subarray(a, b)));
    return Number.isFinite(v) ? v : Number.NaN;
  }
  if (i !== b) return Number.NaN;
  if (digits > 15) {
    const v = Number(new TextDecoder().decode(buf.subarray(a, b)));
    return Number.isFinite(v) ? v : Number.NaN;
  }
  const v = scale === 0 ? mant : mant / 10 ** -scale;
  return neg ? -v : v;
}
