import type { Hit, SearchOptions } from '../../engine/embeddings/embedding-index.js';
import type { EmbeddingFilter } from '../../engine/embeddings/filters.js';
import { InputError } from '../../engine/errors.js';
import type { Id } from '../../engine/matrix/id-index.js';
import { round } from './format-scores.js';
import { Tally } from './instance-work.js';
import { MAX_TOP_N } from './instances.js';
import { InvocationError } from './invocation-error.js';
import { type MediaType, requestType, responseType } from './media-types.js';
import { DEFAULT_LIMITS, type RequestLimits } from './server-limits.js';

/** What the server needs of an index: the exact EmbeddingIndex and the HnswIndex both fit. */
export interface IndexSearcher {
  readonly size: number;
  search(vector: ArrayLike<number>, o?: SearchOptions): Hit[];
  similar(id: Id, o?: SearchOptions): Hit[];
}

/** One index query: by vector, or "more like" an indexed item. */
interface IndexQuery {
  vector?: number[] | undefined;
  like?: Id | undefined;
  top: number;
  filter?: EmbeddingFilter | undefined;
}

/**
 * Answers a JSON / JSON Lines /invocations body whose instances query the served embedding
 * index, or returns undefined so the model answers it. Instances (docs/embeddings.md):
 *   {"vector": [...], "top": 10, "filter": {"exclude": [...], "candidates": [...], "where": {...}}}
 *   {"like": "item-id", "top": 10, "filter": ...}
 * Answers are {"items": [...], "scores": [...]} in request order. A body that mixes index and
 * model instances is a 400; so is bad input, naming the instance. Every query counts against the
 * per-request limits like a model's top-N list (it scans the whole index): a 413 comes before
 * any query runs.
 */
export function invokeIndex(
  index: IndexSearcher,
  body: Buffer,
  contentType: string | undefined,
  accept: string | undefined,
  limits: RequestLimits = DEFAULT_LIMITS,
): { type: MediaType; body: string } | undefined {
  const inType = requestType(contentType);
  if (inType === 'text/csv') return undefined;
  const text = body.toString('utf8');
  // Cheap test first: bodies for the model never mention these keys.
  if (!text.includes('"vector"') && !text.includes('"like"')) return undefined;
  const docs = inType === 'application/json' ? jsonInstances(text) : jsonLines(text);
  if (!docs.some((d) => isObject(d.x) && ('vector' in d.x || 'like' in d.x))) return undefined;
  const tally = new Tally(index.size, limits);
  const queries = docs.map(({ x, where }, k) => {
    const q = toQuery(x, where);
    tally.addIndexQuery(q.top, k);
    return q;
  });
  const answers = queries.map((q, k) => answer(index, q, docs[k]?.where as string));
  const outType = responseType(accept, inType);
  if (outType === 'text/csv') throw new InvocationError(406, 'index answers have no text/csv form; ask for JSON');
  return {
    type: outType,
    body:
      outType === 'application/json'
        ? JSON.stringify({ predictions: answers })
        : `${answers.map((a) => JSON.stringify(a)).join('\n')}\n`,
  };
}

function answer(index: IndexSearcher, q: IndexQuery, where: string): { items: Id[]; scores: number[] } {
  try {
    const o = { top: q.top, filter: q.filter };
    const hits = q.vector ? index.search(q.vector, o) : index.similar(q.like as Id, o);
    return { items: hits.map((h) => h.id), scores: hits.map((h) => round(h.score)) };
  } catch (error) {
    if (error instanceof InputError) throw new InvocationError(400, `${where}: ${error.message}`);
    throw error;
  }
}

function toQuery(x: unknown, where: string): IndexQuery {
  if (!isObject(x) || !('vector' in x || 'like' in x)) {
    throw new InvocationError(
      400,
      `${where}: a request that queries the index needs "vector" or "like" in every instance`,
    );
  }
  const top = x.top ?? 10;
  if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > MAX_TOP_N) {
    throw new InvocationError(
      400,
      `${where}: "top" must be an integer in [1, ${MAX_TOP_N}], got ${JSON.stringify(top)}`,
    );
  }
  if ('vector' in x && !(Array.isArray(x.vector) && x.vector.every((v) => typeof v === 'number'))) {
    throw new InvocationError(400, `${where}: "vector" must be an array of numbers`);
  }
  if ('like' in x && !((typeof x.like === 'number' && Number.isFinite(x.like)) || typeof x.like === 'string')) {
    throw new InvocationError(400, `${where}: "like" must be an item id (number or string)`);
  }
  if (x.filter !== undefined && !isObject(x.filter)) {
    throw new InvocationError(400, `${where}: "filter" must be an object {exclude, candidates, where}`);
  }
  return {
    vector: x.vector as number[] | undefined,
    like: x.like as Id | undefined,
    top,
    filter: x.filter as EmbeddingFilter | undefined,
  };
}

function jsonInstances(text: string): { x: unknown; where: string }[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InvocationError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  const list = (doc as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(list)) throw new InvocationError(400, 'JSON body must be {"instances": [...]}');
  return list.map((x, i) => ({ x, where: `instances[${i}]` }));
}

function jsonLines(text: string): { x: unknown; where: string }[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines.map((line, i) => {
    try {
      return { x: JSON.parse(line) as unknown, where: `line ${i + 1}` };
    } catch (error) {
      throw new InvocationError(400, `line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
