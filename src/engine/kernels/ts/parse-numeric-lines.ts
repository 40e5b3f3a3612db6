import type { BadLine, ParseLinesArgs, ParseLinesResult } from '../signatures.js';

// Reference twin of native/parse-numeric-lines.cc: same grammar, same bad-line codes, same
// number rounding (a <= 15-digit mantissa divided once by an exact power of ten, else the
// platform's correctly rounded parser), so both backends give bit-identical columns.

const NL = 10;
const CR = 13;
const QUOTE = 34;
const COLON = 58;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Bad lines reported per call (the driver keeps the first few for messages). */
export const MAX_BAD_LINES = 5;

/** Storage kinds: int32 id (widen when an id is not an int32), float32, float64, float64 id. */
export const KIND_I32 = 0;
export const KIND_F32 = 1;
export const KIND_F64 = 2;
export const KIND_ID64 = 3;
/** Bad-line code of an id field that is not a plain integer id: the call stops even with skipBad. */
export const CODE_TEXT_ID = 6;
const MAX_SAFE = 9007199254740991;

/**
 * Parses the wanted numeric fields of every line in `buf` into `out` starting at row `row`.
 * Blank lines are skipped; a bad line is reported (code, field, byte range) and either stops the
 * call (skipBad false) or is skipped. `needCapacity` is set, with nothing written, when the
 * columns cannot hold one row per line.
 */
export async function parseNumericLines(a: ParseLinesArgs): Promise<ParseLinesResult> {
  return parseNumericLinesSync(a);
}

export function parseNumericLinesSync(a: ParseLinesArgs): ParseLinesResult {
  const { buf, columns, kinds, min, max, out } = a;
  const n = buf.length;
  let lines = 0;
  for (let i = 0; i < n; i++) if (buf[i] === NL) lines++;
  if (n > 0 && buf[n - 1] !== NL) lines++;
  const capacity = Math.min(...out.map((c) => c.length));
  if (a.row + lines > capacity)
    return { rows: 0, lines, skipped: 0, bad: [], widen: false, needCapacity: a.row + lines };

  const d0 = a.delimiter.charCodeAt(0);
  const colon = a.delimiter === '::';
  const nFields = columns.length;
  const want = new Int32Array(Math.max(...columns) + 1).fill(-1);
  for (let k = 0; k < nFields; k++) want[columns[k]!] = k;
  const vals = new Float64Array(nFields);
  const bad: BadLine[] = [];
  let skipped = 0;
  let row = a.row;
  let line = 0;
  let pos = 0;
  while (pos < n) {
    const c0 = buf[pos];
    if (c0 === NL || (c0 === CR && (pos + 1 === n || buf[pos + 1] === NL))) {
      pos += c0 === CR ? 2 : 1;
      line++;
      continue;
    }
    let field = 0;
    let got = 0;
    let code = 0;
    let badField = -1;
    let badA = 0;
    let badB = 0;
    for (;;) {
      let s = pos;
      let e: number;
      if (buf[pos] === QUOTE) {
        s = ++pos;
        while (pos < n && buf[pos] !== QUOTE && buf[pos] !== NL) pos++;
        e = pos;
        if (buf[pos] === QUOTE) pos++;
        else if (code === 0) {
          code = 4;
          badA = s;
          badB = e;
        }
      } else {
        while (pos < n) {
          const c = buf[pos]!;
          if (c === NL || c === CR || (c === d0 && (!colon || buf[pos + 1] === COLON))) break;
          pos++;
        }
        e = pos;
      }
      const k = field < want.length ? want[field]! : -1;
      if (k >= 0) {
        got++;
        if (code === 0) {
          const v = parseNumber(buf, s, e);
          const isId = kinds[k] === KIND_I32 || kinds[k] === KIND_ID64;
          if (isId && !plainIntegerId(buf, s, e, v)) code = CODE_TEXT_ID;
          else if (Number.isNaN(v)) code = 1;
          else if (v < min[k]! || v > max[k]!) code = 2;
          else vals[k] = v;
          if (code !== 0) {
            badField = k;
            badA = s;
            badB = e;
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
      if (code === 0) {
        code = 3;
        badA = lineEnd;
        badB = lineEnd + 1;
      }
      while (pos < n && buf[pos] !== NL) pos++;
    }
    pos++;
    if (code === 0 && got < nFields) {
      code = 5;
      badField = field; // the number of fields the line has
    }
    if (code === 0) {
      for (let k = 0; k < nFields; k++) {
        const v = vals[k]!;
        const kind = kinds[k];
        if (kind === KIND_I32) {
          if ((v | 0) !== v) return { rows: row - a.row, lines, skipped, bad, widen: true };
          (out[k] as Int32Array)[row] = v;
        } else if (kind === KIND_F32) (out[k] as Float32Array)[row] = v;
        // KIND_F64 and KIND_ID64 (ids checked above) store the double as it is
        else (out[k] as Float64Array)[row] = v;
      }
      row++;
    } else {
      if (bad.length < MAX_BAD_LINES) bad.push({ line, code, field: badField, start: badA, end: badB });
      if (!a.skipBad || code === CODE_TEXT_ID)
        return { rows: row - a.row, lines, skipped: skipped + 1, bad, widen: false };
      skipped++;
    }
    line++;
  }
  return { rows: row - a.row, lines, skipped, bad, widen: false };
}

/**
 * The id rule (docs/data-and-ids.md, "Ids"): buf[a, b) minus spaces is written
 * `-?(0|[1-9][0-9]*)` (not "-0") and its value `v` is within +-(2^53 - 1). Anything else, e.g.
 * "01", "1.0", "2.5", "abc", an empty field or a 20-digit id, is a text id.
 */
function plainIntegerId(buf: Uint8Array, a: number, b: number, v: number): boolean {
  while (a < b && buf[a] === 32) a++;
  while (b > a && buf[b - 1] === 32) b--;
  const neg = a < b && buf[a] === 45;
  if (neg) a++;
  const n = b - a;
  if (n === 0 || n > 16) return false;
  if (buf[a] === 48 && (n > 1 || neg)) return false;
  for (let i = a; i < b; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return false;
  }
  return v <= MAX_SAFE && v >= -MAX_SAFE;
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
  let c = buf[i]!;
  while (i < b && c >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    c = buf[++i]!;
    digits++;
  }
  if (i < b && c === 46) {
    c = buf[++i]!;
    while (i < b && c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      c = buf[++i]!;
      scale++;
      digits++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < b || digits > 15 || scale > 22) {
    // exponent notation or long mantissas are rare: the correctly rounded parser takes them
    if (i < b && c !== 101 && c !== 69) return Number.NaN;
    const text = String.fromCharCode(...buf.subarray(a, b));
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
    const v = Number(text);
    return Number.isFinite(v) ? v : Number.NaN;
  }
  // one division by an exact power of ten is correctly rounded, as Number(text) is
  const v = scale === 0 ? mant : mant / POW10[scale]!;
  return neg ? -v : v;
}
