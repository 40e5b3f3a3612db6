import { Buffer } from 'node:buffer';
import type { Id } from '../../engine/matrix/id-index.js';
import type { Model } from '../../engine/model/model.js';
import { AnswerText } from './answer-text.js';
import { csvPairsStart } from './csv-header.js';
import { formatScores, round } from './format-scores.js';
import { type InstanceReader, jsonInstances, jsonLines } from './instance-readers.js';
import { type Answer, answerInstances, scoredBy, Tally } from './instance-work.js';
import type { Instance } from './instances.js';
import { InvocationError } from './invocation-error.js';
import { type MediaType, requestType, responseType } from './media-types.js';
import { forEachCsvPair, parseCsvSlice } from './parse-csv-pairs.js';
import { DEFAULT_LIMITS, type RequestLimits } from './server-limits.js';
import { runAtOnce } from './turns.js';

/** A response: its media type and its body, whole or in pieces to write in order. */
export interface Output {
  type: MediaType;
  body: string | Buffer | Buffer[];
}

/** Units of work between two chances to yield (each well under a millisecond or two). */
const JSON_SLICE = 512; // instances parsed at once
const CSV_SLICE = 4096; // CSV lines parsed and predicted at once
const SCORED_SLICE = 20_000; // items scored at once (predictions, or top-N lists' catalogues)

/**
 * Answers one POST /invocations body (the SageMaker hosting contract):
 *  - text/csv `user,item` lines -> one predicted rating per line, in order (the seed's predictor);
 *  - application/json `{"instances": [...]}` -> `{"predictions": [...]}`;
 *  - application/jsonlines, one instance per line -> one answer per line (batch transform).
 * Accept picks the answer's format (default: the request's). Throws InvocationError (4xx),
 * including 413 for a request over `limits`. Runs to the end at once: the server runs the same
 * work in turns instead (startInvocation).
 */
export function invoke(
  model: Model,
  body: Buffer,
  contentType: string | undefined,
  accept: string | undefined,
  limits: RequestLimits = DEFAULT_LIMITS,
): { type: MediaType; body: string | Buffer } {
  const out = startInvocation(model, body, contentType, accept, limits);
  const done = 'next' in out ? runAtOnce(out) : out;
  return Array.isArray(done.body)
    ? { type: done.type, body: join(done.body, done.type) }
    : (done as Output & { body: string });
}

/**
 * The answer at once for a small text/csv body (the common real-time request), else the work as
 * a generator that yields between slices (runInTurns).
 */
export function startInvocation(
  model: Model,
  body: Buffer,
  contentType: string | undefined,
  accept: string | undefined,
  limits: RequestLimits,
): Output | Generator<void, Output> {
  const inType = requestType(contentType);
  const outType = responseType(accept, inType);
  if (inType === 'text/csv') {
    const start = csvPairsStart(body, model);
    if (outType === 'text/csv' && body.length <= SMALL_BODY_BYTES && start === 0) {
      return { type: outType, body: scoreLines(model, body) };
    }
    return csvWork(model, body, start, outType, limits);
  }
  return instanceWork(model, inType === 'application/json' ? jsonInstances(body) : jsonLines(body), outType, limits);
}

/**
 * text/csv bodies this small (a real-time request is usually one pair; this fits about ten) are
 * answered pair by pair into a string as they are parsed: the batch path's arrays, typed arrays
 * and byte buffer would cost more than the predictions (each ArrayBuffer is also one more object
 * for the GC to sweep).
 */
const SMALL_BODY_BYTES = 128;

/** `round(score)` per line, the same text formatScores writes for a batch. */
function scoreLines(model: Model, body: Buffer): string {
  let s = '';
  forEachCsvPair(body, (user, item) => {
    s += `${round(model.predictOne(user, item).score)}\n`;
  });
  return s;
}

/** CSV pairs from byte `start` (after any header line), CSV_SLICE lines at a time. */
function* csvWork(
  model: Model,
  body: Buffer,
  start: number,
  outType: MediaType,
  limits: RequestLimits,
): Generator<void, Output> {
  if (start >= body.length) {
    throw new InvocationError(
      400,
      `text/csv body ${start > 0 ? 'has only a header line' : 'is empty'}; send "user,item" lines`,
    );
  }
  const tally = new Tally(model.items.size, limits, 'line');
  const text = new AnswerText(outType);
  let at = start;
  let line = start > 0 ? 2 : 1;
  while (at < body.length) {
    const users: Id[] = [];
    const items: Id[] = [];
    at = parseCsvSlice(body, at, line, CSV_SLICE, users, items);
    tally.addPairs(users.length, line + users.length - 2);
    line += users.length;
    yield;
    const { scores, known } = model.predict(users, items);
    if (outType === 'text/csv') text.addBytes(formatScores(scores));
    else {
      const answers: Answer[] = new Array(scores.length);
      for (let p = 0; p < scores.length; p++) answers[p] = { score: round(scores[p]!), known: known[p] === 1 };
      text.add(answers);
    }
    yield;
  }
  return { type: outType, body: text.finish() };
}

/** JSON or JSON Lines instances: read JSON_SLICE at a time, answered SCORED_SLICE items at a time. */
function* instanceWork(
  model: Model,
  scan: Generator<void, InstanceReader>,
  outType: MediaType,
  limits: RequestLimits,
): Generator<void, Output> {
  const reader = yield* scan;
  const total = reader.total;
  if (total === 0) throw new InvocationError(400, 'no instances in the request');
  const tally = new Tally(model.items.size, limits);
  if (total > limits.maxInstances) tally.addPairs(total, limits.maxInstances); // 413 before any work
  // First every instance is read and counted, so a request over a limit is refused before any
  // scoring; a body of more than one slice is then read again rather than held as objects.
  let first: Instance[] | undefined;
  for (let from = 0; from < total; from += JSON_SLICE) {
    const xs = reader.read(from, Math.min(total, from + JSON_SLICE));
    for (let k = 0; k < xs.length; k++) tally.add(xs[k]!, from + k);
    if (from === 0) first = xs;
    yield;
  }
  const text = new AnswerText(outType);
  for (let from = 0; from < total; from += JSON_SLICE) {
    const xs = from === 0 && first ? first : reader.read(from, Math.min(total, from + JSON_SLICE));
    first = undefined;
    yield;
    for (let a = 0; a < xs.length; ) {
      let b = a;
      for (let scored = 0; b < xs.length && scored < SCORED_SLICE; b++) scored += scoredBy(model, xs[b]!);
      text.add(answerInstances(model, a === 0 && b === xs.length ? xs : xs.slice(a, b)));
      a = b;
      yield;
    }
  }
  return { type: outType, body: text.finish() };
}

/** A body in pieces as one string (text types are UTF-8), or bytes for text/csv. */
function join(pieces: Buffer[], type: MediaType): string | Buffer {
  const all = Buffer.concat(pieces);
  return type === 'text/csv' ? all : all.toString('utf8');
}
