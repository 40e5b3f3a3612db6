import { open } from 'node:fs/promises';
import { CancelledError, InputError } from '../errors.js';
import { longLineError, MAX_LINE_BYTES, nulError } from './refuse-binary.js';

export interface LineBlocksOptions {
  /** Bytes read per block; a line longer than this grows the buffer. */
  blockBytes?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called with the fraction of the file read so far. */
  onProgress?: ((fraction: number) => void) | undefined;
}

/**
 * Reads a file as blocks that each end on a line boundary (the last may end without a newline),
 * so a 700 MB ratings CSV is parsed through one reused buffer instead of being held whole.
 * A yielded block is valid only until the next iteration. Throws InputError for an empty file,
 * a NUL byte (binary data, a zero-filled tail) and a line over MAX_LINE_BYTES, each naming the
 * line, so a damaged file costs one block of memory and a one-line error, never a huge buffer.
 */
export async function* readLineBlocks(path: string, o: LineBlocksOptions = {}): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new InputError(`${path}: the file is empty`);
    let buf = Buffer.allocUnsafe(Math.min(size + 1, o.blockBytes ?? 8 << 20));
    let carry = 0;
    let read = 0;
    for (;;) {
      if (o.signal?.aborted) throw new CancelledError(`cancelled while reading ${path}`);
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, read);
      const blockStart = read - carry;
      read += bytesRead;
      const end = carry + bytesRead;
      const nul = buf.subarray(carry, end).indexOf(0);
      if (nul >= 0) throw await nulError(path, read - bytesRead + nul);
      if (bytesRead === 0) {
        if (end > MAX_LINE_BYTES) throw await longLineError(path, blockStart);
        if (end > 0) yield buf.subarray(0, end);
        break;
      }
      const lastNl = buf.lastIndexOf(10, end - 1);
      // The unfinished last line (from the last newline, or the whole buffer) is already too long.
      if (end - (lastNl + 1) > MAX_LINE_BYTES) throw await longLineError(path, blockStart + lastNl + 1);
      if (lastNl < 0) {
        carry = end;
        continue;
      }
      const long = longLineIn(buf, lastNl);
      if (long >= 0) throw await longLineError(path, blockStart + long);
      yield buf.subarray(0, lastNl + 1);
      buf.copy(buf, 0, lastNl + 1, end);
      carry = end - lastNl - 1;
      o.onProgress?.(read / size);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Start of the first line in buf[0, lastNl] longer than MAX_LINE_BYTES, or -1. Jumps a line
 * limit at a time to the last newline within reach, so a block costs about size / 1 MB calls.
 */
function longLineIn(buf: Buffer, lastNl: number): number {
  for (let start = 0; lastNl - start > MAX_LINE_BYTES; ) {
    const nl = buf.lastIndexOf(10, start + MAX_LINE_BYTES);
    if (nl < start) return start;
    start = nl + 1;
  }
  return -1;
}
