import { InputError } from '../errors.js';

/**
 * The id rules (docs/data-and-ids.md, "Ids"): an id column is numeric only when every value is a
 * plain integer that a double holds exactly (|v| <= 2^53 - 1). In text, "plain" means written
 * `-?(0|[1-9][0-9]*)`: `01`, `1.0`, `2.5`, `+3`, `1e3` and integers beyond 2^53 make the whole
 * column string ids, kept as written, so no two distinct texts ever become one id. Typed integer
 * columns (Int64, UInt64) beyond 2^53 become their exact decimal text; floating-point ids that are
 * not safe integers are refused (a double cannot carry such an id exactly).
 */

const PLAIN_INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** True for text that is a numeric id under the rules: plain integer digits, within +-(2^53 - 1). */
export function isPlainIntegerId(text: string): boolean {
  return PLAIN_INTEGER.test(text) && text !== '-0' && Number.isSafeInteger(Number(text));
}

/** A number a numeric id column may hold: a safe integer. */
export function isNumericId(v: number): boolean {
  return Number.isSafeInteger(v);
}

/** Text ids (already trimmed) as numbers when every one is a plain integer id, else the strings. */
export function idsFromText(values: readonly string[]): Float64Array | string[] {
  for (const s of values) if (!isPlainIntegerId(s)) return Array.from(values);
  return Float64Array.from(values, Number);
}

/** 64-bit integer ids: numbers when all are safe integers, else every id as its exact decimal text. */
export function idsFromBigInts(values: ArrayLike<bigint>): Float64Array | string[] {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x > max || x < -max) return Array.from(values as ArrayLike<bigint>, (b) => b.toString());
  }
  return Float64Array.from(values as ArrayLike<bigint>, Number);
}

/** Refuses a floating-point id that is not a safe integer, naming the row. */
export function checkNumericIds(values: ArrayLike<number>, where: (row: number) => string): void {
  if (values instanceof Int32Array) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isSafeInteger(v)) {
      throw new InputError(
        `${where(i)}: id ${v} is not an integer within +-(2^53 - 1); a floating-point column cannot ` +
          'hold such an id exactly: store ids as integers or text',
      );
    }
  }
}
