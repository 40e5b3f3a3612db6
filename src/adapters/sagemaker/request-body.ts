import { Buffer } from 'node:buffer';
import { IncomingMessage } from 'node:http';

const EMPTY = Buffer.alloc(0);

/** One request's body as the parser delivers it, up to a byte limit. */
class BodyCollector {
  /** Bytes received so far, counted past the limit too. */
  size = 0;
  private first: Buffer | undefined = undefined;
  private more: Buffer[] | undefined = undefined;

  constructor(
    readonly maxBytes: number,
    /** Called once, with the bytes counted so far, when the body passes maxBytes. */
    readonly onTooLarge: (bytes: number) => void,
  ) {}

  /** Keeps a chunk; false once the body is over the limit (what was kept is dropped). */
  add(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.first = this.more = undefined;
      return false;
    }
    // A one-chunk body, the common case, is kept without an array.
    if (this.first === undefined) this.first = chunk;
    else (this.more ??= [this.first]).push(chunk);
    return true;
  }

  body(): Buffer {
    return this.more === undefined ? (this.first ?? EMPTY) : Buffer.concat(this.more, this.size);
  }
}

/**
 * An IncomingMessage whose body chunks go straight to its collector, when one is set, as the HTTP
 * parser pushes them (Readable#push is how a Readable's source delivers data): they are not
 * buffered in the stream and emitted again, and the socket never sees backpressure from a buffer
 * nobody reads. The end of the body still goes through the stream, so 'end' fires once the
 * stream is resumed. Without a collector (other routes, or after a 413) it is a plain
 * IncomingMessage.
 *
 * The collector is an object rather than a per-request closure stored on the message: with a
 * closure in this field, V8 promoted ~4 MB of request garbage in the first second of load
 * (against 0.6 MB for a bare server), which brought a full collection under load.
 *
 * Kept for the drain as much as for speed (docs/benchmarks.md, "The complexity budget"): with a
 * 'data' listener in its place, serve-drain.test.ts saw requests reset after SIGTERM on a loaded
 * machine (2 of 3 runs; 0 of 6 with this class). Why is not yet understood.
 */
export class BodyMessage extends IncomingMessage {
  collector: BodyCollector | null = null;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    const c = this.collector;
    if (chunk !== null && c !== null) {
      if (!c.add(chunk as Buffer)) {
        this.collector = null;
        c.onTooLarge(c.size);
      }
      return true;
    }
    return super.push(chunk, encoding);
  }
}

/**
 * Collects the body of a request made by a server created with `{ IncomingMessage: BodyMessage }`
 * and passes it to `done`, or calls `tooLarge` (once, and not `done`) as soon as Content-Length or
 * the bytes received pass `maxBytes`; the rest of an oversized body is then left to drain.
 */
export function readBody(
  req: BodyMessage,
  maxBytes: number,
  done: (body: Buffer) => void,
  tooLarge: (bytes: number) => void,
): void {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) {
    tooLarge(declared);
    return;
  }
  const c = new BodyCollector(maxBytes, tooLarge);
  req.collector = c;
  req.resume();
  req.on('end', () => {
    if (c.size <= maxBytes) done(c.body());
  });
}
