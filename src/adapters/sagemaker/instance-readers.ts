import { type Instance, toInstance } from './instances.js';
import { InvocationError } from './invocation-error.js';
import { jsonDepth, MAX_JSON_DEPTH, scanInstances } from './json-scan.js';

/**
 * A request body's instances, read a slice at a time (so a large body is never parsed whole while
 * other requests wait, nor held as objects all at once).
 */
export interface InstanceReader {
  /** How many instances the body holds. */
  readonly total: number;
  /** Instances [from, to), each checked (400 naming the instance or line). */
  read(from: number, to: number): Instance[];
}

/** Lines found between two chances to yield. */
const LINES_SLICE = 16 * 1024;

/** `{"instances": [...]}` (the SageMaker JSON convention), once its elements are found. */
export function* jsonInstances(body: Buffer): Generator<void, InstanceReader> {
  const { starts, ends } = yield* scanInstances(body);
  return {
    total: starts.length,
    read(from, to) {
      const text = body.toString('utf8', starts[from], ends[to - 1]);
      let list: unknown[];
      try {
        list = JSON.parse(`[${text}]`) as unknown[];
      } catch {
        throw firstBadElement(body, starts, ends, from, to);
      }
      const out: Instance[] = new Array(list.length);
      for (let k = 0; k < list.length; k++) out[k] = toInstance(list[k], `instances[${from + k}]`);
      return out;
    },
  };
}

/** The parse error of the first element in [from, to) that is not valid JSON on its own. */
function firstBadElement(body: Buffer, starts: number[], ends: number[], from: number, to: number): InvocationError {
  for (let k = from; k < to; k++) {
    try {
      JSON.parse(body.toString('utf8', starts[k], ends[k]));
    } catch (error) {
      return new InvocationError(400, `instances[${k}]: not valid JSON (${(error as Error).message})`);
    }
  }
  return new InvocationError(400, `instances[${from}..${to - 1}]: not valid JSON`);
}

/** JSON Lines: one instance per line (batch transform with SplitType Line); blank trailing line allowed. */
export function* jsonLines(body: Buffer): Generator<void, InstanceReader> {
  // A raw newline cannot occur inside a JSON value, so the bytes split into lines as they are.
  const ends: number[] = [];
  for (let at = body.indexOf(10); at >= 0; at = body.indexOf(10, at + 1)) {
    if (ends.push(at) % LINES_SLICE === 0) yield;
  }
  ends.push(body.length);
  const last = ends.length - 1;
  const lastStart = last === 0 ? 0 : ends[last - 1]! + 1;
  if (body.toString('utf8', lastStart, body.length).trim() === '') ends.pop();
  return {
    total: ends.length,
    read(from, to) {
      const out: Instance[] = new Array(to - from);
      for (let k = from; k < to; k++) {
        const start = k === 0 ? 0 : ends[k - 1]! + 1;
        const end = ends[k]!;
        if (jsonDepth(body, start, end) > MAX_JSON_DEPTH) {
          throw new InvocationError(400, `line ${k + 1}: nests deeper than ${MAX_JSON_DEPTH} levels`);
        }
        let x: unknown;
        try {
          x = JSON.parse(body.toString('utf8', start, end));
        } catch (error) {
          throw new InvocationError(400, `line ${k + 1}: not valid JSON (${(error as Error).message})`);
        }
        out[k - from] = toInstance(x, `line ${k + 1}`);
      }
      return out;
    },
  };
}
