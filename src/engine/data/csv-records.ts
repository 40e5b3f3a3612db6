import type { TextEncoding } from './ratings-layout.js';

export interface CsvRecordOptions {
  /** ',' '\t' '|' ';' or '::'. */
  delimiter: string;
  /** Honour double quotes (RFC 4180: "" is a quote; delimiters and newlines may sit inside). */
  quoted?: boolean | undefined;
}

/**
 * Splits delimited text into records of string fields: RFC 4180 quotes, LF / CRLF / bare CR line
 * ends outside quotes, any of them kept verbatim inside quotes (TMDB overviews hold bare CRs).
 * Blank lines are skipped. `line` is the 1-based physical line a record starts on.
 * For metadata files (titles, genres); the numeric rating columns use DelimitedNumberParser.
 */
export function forEachRecord(
  text: string,
  o: CsvRecordOptions,
  onRecord: (fields: string[], line: number) => void,
): void {
  const d = o.delimiter;
  const d0 = d.charCodeAt(0);
  const dLen = d.length;
  const quoted = o.quoted ?? d === ',';
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < n) {
    const start = line;
    const fields: string[] = [];
    let c = text.charCodeAt(pos);
    if (c === 10 || c === 13) {
      pos += c === 13 && text.charCodeAt(pos + 1) === 10 ? 2 : 1;
      line++;
      continue;
    }
    for (;;) {
      if (quoted && text.charCodeAt(pos) === 34) {
        let value = '';
        let a = ++pos;
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) {
            value += text.slice(a);
            pos = n;
            break;
          }
          for (let i = pos; i < q; i++) if (text.charCodeAt(i) === 10) line++;
          if (text.charCodeAt(q + 1) === 34) {
            value += text.slice(a, q + 1);
            a = pos = q + 2;
            continue;
          }
          value += text.slice(a, q);
          pos = q + 1;
          break;
        }
        // text after the closing quote up to the delimiter is kept, as most CSV readers do
        const tail = pos;
        while (pos < n && !isEnd(text, pos, d0, dLen, d)) pos++;
        fields.push(tail === pos ? value : value + text.slice(tail, pos));
      } else {
        const a = pos;
        while (pos < n && !isEnd(text, pos, d0, dLen, d)) pos++;
        fields.push(text.slice(a, pos));
      }
      c = text.charCodeAt(pos);
      if (pos < n && c !== 10 && c !== 13) {
        pos += dLen;
        continue;
      }
      break;
    }
    if (c === 13) pos++;
    if (text.charCodeAt(pos) === 10) pos++;
    line++;
    onRecord(fields, start);
  }
}

function isEnd(text: string, pos: number, d0: number, dLen: number, d: string): boolean {
  const c = text.charCodeAt(pos);
  if (c === 10 || c === 13) return true;
  return c === d0 && (dLen === 1 || text.startsWith(d, pos));
}

/** Decodes file bytes: Latin-1 byte-for-byte (ISO-8859-1, not windows-1252), UTF-8 without its BOM. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding = 'utf-8'): string {
  if (encoding === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return new TextDecoder('utf-8').decode(bytes);
}
