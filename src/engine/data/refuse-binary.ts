import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** The longest line a text reader accepts (docs/data-and-ids.md, "Pathological files"). */
export const MAX_LINE_BYTES = 1 << 20;

/** Magic numbers of files that are not delimited text, and what to do instead. */
const MAGIC: readonly { bytes: number[]; what: string; fix: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file', fix: 'decompress it first (gunzip -k FILE)' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', fix: 'unzip it and pass the ratings file inside' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file', fix: 'decompress it first (zstd -d FILE)' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2-compressed file', fix: 'decompress it first (bunzip2 -k FILE)' },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', fix: 'give it a .parquet name so it is read as Parquet' },
  { bytes: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], what: 'an Arrow IPC file', fix: 'give it an .arrow name' },
];

/**
 * Refuses input a delimited-text reader must not print or parse, from its first bytes: a known
 * compressed or columnar format gets a one-line hint, and a NUL byte (binary data, or a
 * zero-filled tail of a truncated or preallocated download) is named by line and byte.
 */
export async function refuseBinaryHead(path: string, head: Uint8Array): Promise<void> {
  for (const m of MAGIC) {
    if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) {
      throw new InputError(`${path}: this is ${m.what}, not delimited text; ${m.fix}`);
    }
  }
  const nul = head.indexOf(0);
  if (nul >= 0) throw await nulError(path, nul);
}

/** The InputError for a NUL byte at `offset` of the file, naming its line. */
export async function nulError(path: string, offset: number): Promise<InputError> {
  const line = await lineOf(path, offset);
  return new InputError(
    `${path} line ${line}: NUL byte at byte ${offset}; this is binary data, not delimited text ` +
      '(a run of zero bytes is the tail of a truncated or preallocated download: fetch the file again)',
  );
}

/** The InputError for a line longer than MAX_LINE_BYTES starting at byte `offset`. */
export async function longLineError(path: string, offset: number): Promise<InputError> {
  const line = await lineOf(path, offset);
  return new InputError(
    `${path} line ${line}: the line is longer than ${MAX_LINE_BYTES >> 20} MB (it starts at byte ${offset}); ` +
      'a ratings file has short lines: is this the right file, or a wrong delimiter or line ending?',
  );
}

/** 1-based line number of byte `offset` (error paths only: reads the file up to it). */
async function lineOf(path: string, offset: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let line = 1;
    for (let at = 0; at < offset; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, offset - at), at);
      if (bytesRead === 0) break;
      for (let p = buf.indexOf(10, 0); p >= 0 && p < bytesRead; p = buf.indexOf(10, p + 1)) line++;
      at += bytesRead;
    }
    return line;
  } finally {
    await fh.close();
  }
}
