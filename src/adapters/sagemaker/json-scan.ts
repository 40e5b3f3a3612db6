import { InvocationError } from './invocation-error.js';

/**
 * How deep a request's JSON may nest (the root object is level 1, the instances array 2, an
 * instance 3). Deeper input is refused before anything recursive sees it (docs/serving.md).
 */
export const MAX_JSON_DEPTH = 32;

/** A body's part outside the instances array is parsed whole, so it is kept small. */
export const MAX_JSON_OUTSIDE_BYTES = 64 * 1024;

/** Bytes scanned between two chances to yield (about a millisecond). */
const SCAN_SLICE_BYTES = 128 * 1024;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const INSTANCES = Buffer.from('"instances"');

/** Where the elements of `{"instances": [...]}` lie in the body's bytes. */
export interface InstanceRanges {
  /** Element k spans bytes [starts[k], ends[k]) (with any surrounding white space). */
  starts: number[];
  ends: number[];
}

/**
 * Finds the elements of the "instances" array in one pass over the bytes (yielding between
 * slices of it), without building them,
 * so that they can be parsed a slice at a time (JSON.parse of a whole 6 MB body blocks the event
 * loop for ~0.3 s and holds every instance at once). Checks the nesting depth; everything outside
 * the array is validated by JSON.parse, each slice of elements when it is parsed. Only ASCII
 * bytes are structural, so UTF-8 text inside strings needs no decoding here.
 */
export function* scanInstances(body: Buffer): Generator<void, InstanceRanges> {
  const n = body.length;
  let pause = SCAN_SLICE_BYTES;
  const starts: number[] = [];
  const ends: number[] = [];
  let depth = 0;
  let keyFrom = -1; // the last string seen at depth 1, a key when a colon follows
  let keyTo = -1;
  let isInstancesKey = false;
  let arrayAt = -1; // the '[' of the instances array
  let arrayEnd = -1; // its ']'
  let inArray = false;
  for (let i = 0; i < n; i++) {
    if (i >= pause) {
      pause = i + SCAN_SLICE_BYTES;
      yield;
    }
    const c = body[i]!;
    if (c === QUOTE) {
      let j = i + 1;
      while (j < n) {
        const d = body[j]!;
        if (d === BACKSLASH) j += 2;
        else if (d === QUOTE) break;
        else j++;
      }
      if (depth === 1) {
        keyFrom = i;
        keyTo = j + 1;
      }
      i = j;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > MAX_JSON_DEPTH) {
        throw new InvocationError(400, `request body nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${i})`);
      }
      if (depth === 2 && isInstancesKey && c === OPEN_ARRAY) {
        if (arrayAt >= 0) throw new InvocationError(400, 'JSON body has "instances" twice');
        arrayAt = i;
        inArray = true;
        starts.push(i + 1);
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 2 && inArray) {
        ends.push(i);
        arrayEnd = i;
        inArray = false;
      }
      depth--;
    } else if (c === COMMA) {
      if (depth === 2 && inArray) {
        ends.push(i);
        starts.push(i + 1);
      } else if (depth === 1) isInstancesKey = false;
    } else if (c === COLON && depth === 1) {
      isInstancesKey =
        keyTo - keyFrom === INSTANCES.length && body.compare(INSTANCES, 0, INSTANCES.length, keyFrom, keyTo) === 0;
    }
  }
  checkOutside(body, arrayAt, arrayEnd);
  // `[]` (or `[ ]`) has no elements.
  if (starts.length === 1 && isBlank(body, starts[0]!, ends[0]!)) return { starts: [], ends: [] };
  return { starts, ends };
}

/** Validates the body with the instances array emptied; names the problem when there is none. */
function checkOutside(body: Buffer, arrayAt: number, arrayEnd: number): void {
  const outside = arrayAt < 0 || arrayEnd < 0 ? body.length : body.length - (arrayEnd - arrayAt);
  if (outside > MAX_JSON_OUTSIDE_BYTES) {
    throw new InvocationError(
      400,
      arrayAt < 0
        ? 'JSON body must be {"instances": [...]}'
        : `JSON body has ${outside} bytes outside "instances" (at most ${MAX_JSON_OUTSIDE_BYTES})`,
    );
  }
  const text =
    arrayAt < 0 || arrayEnd < 0
      ? body.toString('utf8')
      : `${body.toString('utf8', 0, arrayAt)}[]${body.toString('utf8', arrayEnd + 1)}`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InvocationError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (arrayAt < 0 || doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InvocationError(400, 'JSON body must be {"instances": [...]}');
  }
}

function isBlank(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** The deepest nesting of the JSON text in bytes [from, to), stopping early past `max`. */
export function jsonDepth(b: Buffer, from: number, to: number, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      i++;
      while (i < to && b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > deepest && (deepest = depth) > max) return deepest;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
}
