import type { Id } from '../../engine/matrix/id-index.js';
import { InvocationError } from './invocation-error.js';

/**
 * Parses `user,item` lines (the seed predictor's text/csv input) straight from the bytes: numeric
 * ids become numbers without building substrings, anything else becomes a string id. CRLF, spaces
 * around fields, double-quoted fields and one trailing newline are accepted; any other line that
 * is not exactly two fields is refused naming its line number.
 */
export function parseCsvPairs(body: Buffer): { users: Id[]; items: Id[] } {
  const users: Id[] = [];
  const items: Id[] = [];
  const n = body.length;
  let line = 0;
  let p = 0;
  while (p < n) {
    line++;
    let end = body.indexOf(10, p);
    if (end < 0) end = n;
    let stop = end;
    if (stop > p && body[stop - 1] === 13) stop--;
    const comma = body.indexOf(44, p);
    if (comma < 0 || comma >= stop) throw malformed(body, line, p, stop, 'expected "user,item"');
    if (body.indexOf(44, comma + 1) >= 0 && body.indexOf(44, comma + 1) < stop) {
      throw malformed(body, line, p, stop, 'expected exactly two fields "user,item"');
    }
    const u = field(body, p, comma);
    const i = field(body, comma + 1, stop);
    if (u === undefined || i === undefined) throw malformed(body, line, p, stop, 'an id is empty');
    users.push(u);
    items.push(i);
    p = end + 1;
  }
  if (users.length === 0) throw new InvocationError(400, 'text/csv body is empty; send "user,item" lines');
  return { users, items };
}

/** One field: trimmed, unquoted, as a number when it is a plain decimal integer or float. */
function field(b: Buffer, from: number, to: number): Id | undefined {
  while (from < to && b[from] === 32) from++;
  while (to > from && b[to - 1] === 32) to--;
  if (to - from >= 2 && b[from] === 34 && b[to - 1] === 34) {
    from++;
    to--;
  }
  if (from === to) return undefined;
  // Integer fast path: ids are almost always small non-negative integers.
  let v = 0;
  let p = from;
  for (; p < to; p++) {
    const c = b[p] as number;
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (p === to && to - from <= 15) return v;
  const s = b.toString('utf8', from, to);
  const x = Number(s);
  return s.trim() === s && Number.isFinite(x) && /^-?[0-9.eE+-]+$/.test(s) ? x : s;
}

function malformed(b: Buffer, line: number, from: number, to: number, why: string): InvocationError {
  const text = b.toString('utf8', from, Math.min(to, from + 60));
  return new InvocationError(400, `text/csv line ${line}: ${why}, got ${JSON.stringify(text)}`);
}
