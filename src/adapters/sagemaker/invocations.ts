import type { Id } from '../../engine/matrix/id-index.js';
import type { Model } from '../../engine/model/model.js';
import { answerNewUser, type NewUserAnswer } from './answer-new-user.js';
import { formatScores, round } from './format-scores.js';
import { type Instance, parseJsonInstances, parseJsonLines } from './instances.js';
import { InvocationError } from './invocation-error.js';
import { type MediaType, requestType, responseType } from './media-types.js';
import { forEachCsvPair, parseCsvPairs } from './parse-csv-pairs.js';

/** One answer: a predicted rating, or a top-N list. */
type Answer = { score: number; known: boolean } | { user: Id; items: Id[]; scores: number[] } | NewUserAnswer;

/**
 * Answers one POST /invocations body (the SageMaker hosting contract, PROTOCOLS.md 2.2):
 *  - text/csv `user,item` lines -> one predicted rating per line, in order (the seed's predictor);
 *  - application/json `{"instances": [...]}` -> `{"predictions": [...]}`;
 *  - application/jsonlines, one instance per line -> one answer per line (batch transform).
 * Accept picks the answer's format (default: the request's). Throws InvocationError (4xx).
 */
export function invoke(
  model: Model,
  body: Buffer,
  contentType: string | undefined,
  accept: string | undefined,
): { type: MediaType; body: string | Buffer } {
  const inType = requestType(contentType);
  const outType = responseType(accept, inType);
  if (inType === 'text/csv') {
    if (outType === 'text/csv' && body.length <= SMALL_BODY_BYTES)
      return { type: outType, body: scoreLines(model, body) };
    const { users, items } = parseCsvPairs(body);
    const { scores, known } = model.predict(users, items);
    if (outType === 'text/csv') return { type: outType, body: formatScores(scores) };
    const answers: Answer[] = [];
    for (let p = 0; p < scores.length; p++) answers.push({ score: round(scores[p] as number), known: known[p] === 1 });
    return { type: outType, body: format(answers, outType) };
  }
  const text = body.toString('utf8');
  const instances = inType === 'application/json' ? parseJsonInstances(text) : parseJsonLines(text);
  if (instances.length === 0) throw new InvocationError(400, 'no instances in the request');
  return { type: outType, body: format(answer(model, instances), outType) };
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

/** Predictions in one model.predict call (in order), recommendations one by one. */
function answer(model: Model, instances: Instance[]): Answer[] {
  const out: Answer[] = new Array(instances.length);
  const users: Id[] = [];
  const items: Id[] = [];
  const at: number[] = [];
  instances.forEach((x, k) => {
    if (x.kind === 'predict') {
      users.push(x.user);
      items.push(x.item);
      at.push(k);
    } else if (x.kind === 'new-user') {
      out[k] = answerNewUser(model, x);
    } else {
      const top = model.recommend(x.user, { n: x.n, excludeSeen: x.excludeSeen, exclude: x.exclude });
      out[k] = { user: x.user, items: top.map((s) => s.item), scores: top.map((s) => round(s.score)) };
    }
  });
  if (users.length) {
    const { scores, known } = model.predict(users, items);
    at.forEach((k, p) => {
      out[k] = { score: round(scores[p] as number), known: known[p] === 1 };
    });
  }
  return out;
}

function format(answers: Answer[], type: MediaType): string {
  if (type === 'application/json') return JSON.stringify({ predictions: answers });
  if (type === 'application/jsonlines') return `${answers.map((a) => JSON.stringify(a)).join('\n')}\n`;
  let s = '';
  for (const a of answers) {
    if (!('score' in a)) {
      throw new InvocationError(406, 'top-N answers have no text/csv form; ask for application/json or jsonlines');
    }
    s += `${round(a.score)}\n`;
  }
  return s;
}
