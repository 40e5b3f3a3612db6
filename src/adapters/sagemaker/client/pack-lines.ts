import { Buffer } from 'node:buffer';
import { InputError } from '../../../engine/errors.js';

/**
 * Consecutive lines in groups whose body (lines + '\n' each) stays within `maxBytes`, order kept;
 * a single line over the limit is an InputError (it could never be sent).
 */
export function packLines(lines: readonly string[], maxBytes: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  lines.forEach((line, i) => {
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > maxBytes)
      throw new InputError(`instance ${i} is ${bytes} bytes, over the ${maxBytes}-byte request limit`);
    if (cur.length > 0 && size + bytes > maxBytes) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(line);
    size += bytes;
  });
  if (cur.length) out.push(cur);
  return out;
}
