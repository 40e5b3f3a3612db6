import type { Id } from '../../engine/matrix/id-index.js';
import { InvocationError } from './invocation-error.js';

const COMMA = 44;
const NL = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;

/** The `user,item` lines of a whole text/csv body as two arrays, in order (see readCsvPairs). */
export function parseCsvPairs(body: Buffer): { users: Id[]; items: Id[] } {
  const users: Id[] = [];
  const items: Id[] = [];
  forEachCsvPair(body, (user, item) => {
    users.push(user);
    items.push(item);
  });
  return { users, items };
}

/**
 * The `user,item` lines of bytes [from, ...) of a text/csv body, at most `max` of them, appended
 * to `users` and `items` in order (see readCsvPairs); returns the offset after the last line read.
 */
export function parseCsvSlice(
  body: Buffer,
  from: number,
  firstLine: number,
  max: number,
  users: Id[],
  items: Id[],
): number {
  return readCsvPairs(body, from, firstLine, max, (user, item) => {
    users.push(user);
    items.push(item);
  });
}

/** Calls `pair` for each `user,item` line of a whole body, in order (see readCsvPairs). */
export function forEachCsvPair(body: Buffer, pair: (user: Id, item: Id) => void): void {
  if (body.length === 0) throw new InvocationError(400, 'text/csv body is empty; send "user,item" lines');
  readCsvPairs(body, 0, 1, Number.POSITIVE_INFINITY, pair);
}

/**
 * Calls `pair` for each `user,item` line (the seed predictor's text/csv input) from byte `from`
 * (the start of line `firstLine`), at most `max` lines, in one pass over the bytes: plain decimal
 * ids become numbers without building substrings, anything else becomes a string id. CRLF, spaces
 * around fields, double-quoted fields and a trailing newline are accepted; a line that is not
 * exactly two non-empty fields is refused naming its line number. A one-pair request builds no
 * arrays this way (two one-element arrays cost more than parsing the pair). Returns the offset
 * after the last line read (the body's length at the end).
 */
export function readCsvPairs(
  body: Buffer,
  from: number,
  firstLine: number,
  max: number,
  pair: (user: Id, item: Id) => void,
): number {
  const n = body.length;
  let line = firstLine - 1;
  let p = from;
  while (p < n && line - firstLine + 1 < max) {
    line++;
    const start = p;
    // Field 1: up to the comma. A digits-only field is read as it goes (the common case).
    let v = 0;
    let digits = true;
    let q = p;
    for (; q < n; q++) {
      const c = body[q]!;
      if (c === COMMA || c === NL) break;
      if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
      else digits = false;
    }
    if (q >= n || body[q] !== COMMA) throw malformed(body, line, start, q, 'expected "user,item"');
    const user = digits && q > p && q - p <= 15 ? v : field(body, p, q, line);
    // Field 2: up to the newline (or the end).
    p = q + 1;
    v = 0;
    digits = true;
    q = p;
    for (; q < n; q++) {
      const c = body[q]!;
      if (c === NL) break;
      if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
      else if (c === COMMA) throw malformed(body, line, start, q, 'expected exactly two fields "user,item"');
      else digits = false;
    }
    const item = digits && q > p && q - p <= 15 ? v : field(body, p, q > p && body[q - 1] === CR ? q - 1 : q, line);
    if (user === undefined || item === undefined) throw malformed(body, line, start, q, 'an id is empty');
    pair(user, item);
    p = q + 1;
  }
  return Math.min(p, n);
}

/**
 * The slow path for one field: trimmed, unquoted, a number when it reads as one, else a string.
 * A number past 2^53 is refused: it would silently stand for a neighbouring id.
 */
function field(b: Buffer, from: number, to: number, line: number): Id | undefined {
  while (from < to && b[from] === SPACE) from++;
  while (to > from && b[to - 1] === SPACE) to--;
  if (to - from >= 2 && b[from] === QUOTE && b[to - 1] === QUOTE) {
    from++;
    to--;
  }
  if (from === to) return undefined;
  const s = b.toString('utf8', from, to);
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return s;
  const v = Number(s);
  if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER)) {
    throw malformed(b, line, from, to, 'a numeric id must be within +-2^53 (9007199254740991) to stay exact');
  }
  return v;
}

function malformed(b: Buffer, line: number, from: number, to: number, why: string): InvocationError {
  const text = b.toString('utf8', from, Math.min(to, from + 60));
  return new InvocationError(400, `text/csv line ${line}: ${why}, got ${JSON.stringify(text)}`);
}
