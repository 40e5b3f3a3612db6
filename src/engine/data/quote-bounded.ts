/** Longest excerpt of a value quoted in an error message. */
export const MAX_QUOTED_CHARS = 80;

/**
 * A value for an error message: JSON-quoted (control bytes escaped, never raw on the terminal)
 * and cut to MAX_QUOTED_CHARS with "..." and the full length, so a 50 MB field gives a one-line
 * message, not a 300 MB one.
 */
export function quoteBounded(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_QUOTED_CHARS))}... (${text.length} characters)`;
}

/** quoteBounded over bytes, decoding only the excerpt. */
export function quoteBoundedBytes(buf: Uint8Array, start: number, end: number): string {
  const cut = Math.min(end, start + MAX_QUOTED_CHARS * 4);
  const text = new TextDecoder().decode(buf.subarray(start, cut));
  if (cut === end) return quoteBounded(text);
  return `${JSON.stringify(text.slice(0, MAX_QUOTED_CHARS))}... (${end - start} bytes)`;
}

/** Short printable text as it is (lists of column names read better unquoted), else quoteBounded. */
export function plainOrQuoted(text: string): string {
  return /^[\x20-\x7e]{0,200}$/.test(text) ? text : quoteBounded(text);
}
