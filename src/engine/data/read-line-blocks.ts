import { open } from 'node:fs/promises';
import { CancelledError, InputError } from '../errors.js';

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
 * A yielded block is valid only until the next iteration. Throws InputError for an empty file.
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
      if (o.signal?.aborted) throw new CancelledError('cancelled while reading ' + path);
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, read);
      read += bytesRead;
      const end = carry + bytesRead;
      if (bytesRead === 0) {
        if (end > 0) yield buf.subarray(0, end);
        break;
      }
      const lastNl = buf.lastIndexOf(10, end - 1);
      if (lastNl < 0) {
        carry = end;
        continue;
      }
      yield buf.subarray(0, lastNl + 1);
      buf.copy(buf, 0, lastNl + 1, end);
      carry = end - lastNl - 1;
      o.onProgress?.(read / size);
    }
  } finally {
    await fh.close();
  }
}
