import { InvocationError } from './invocation-error.js';

/** The body formats /invocations reads and writes. */
export type MediaType = 'text/csv' | 'application/json' | 'application/jsonlines';

export const MEDIA_TYPES: readonly MediaType[] = ['text/csv', 'application/json', 'application/jsonlines'];

/** Spellings seen in the wild for JSON Lines (SageMaker uses application/jsonlines). */
const ALIASES: Record<string, MediaType> = {
  'text/csv': 'text/csv',
  'application/json': 'application/json',
  'application/jsonlines': 'application/jsonlines',
  'application/x-jsonlines': 'application/jsonlines',
  'application/jsonl': 'application/jsonlines',
  'application/x-ndjson': 'application/jsonlines',
};

/** The request body's format from Content-Type (parameters such as charset ignored); 415 otherwise. */
export function requestType(header: string | undefined): MediaType {
  if (header === 'text/csv') return header; // the hot path: no parsing
  const bare = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const t = ALIASES[bare];
  if (!t) {
    throw new InvocationError(
      415,
      `unsupported Content-Type "${cut(header ?? '')}"; send one of ${MEDIA_TYPES.join(', ')} (see README, "Inference server")`,
    );
  }
  return t;
}

/**
 * The response format from Accept: the supported type with the highest q, in header order on ties;
 * a missing Accept or `*\/*` answers in the request's own format; 406 when nothing fits.
 */
export function responseType(accept: string | undefined, fallback: MediaType): MediaType {
  if (!accept || accept === '*/*' || accept === fallback) return fallback;
  let best: MediaType | undefined;
  let bestQ = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > bestQ)) continue;
    const t =
      range === '*/*' || range === undefined || range === ''
        ? fallback
        : range === 'application/*'
          ? fallback === 'text/csv'
            ? 'application/json'
            : fallback
          : range === 'text/*'
            ? 'text/csv'
            : ALIASES[range];
    if (t) {
      best = t;
      bestQ = q;
    }
  }
  if (!best) {
    throw new InvocationError(406, `cannot answer in Accept "${cut(accept)}"; accepted: ${MEDIA_TYPES.join(', ')}`);
  }
  return best;
}

/** A header as an error message quotes it: at most 80 characters (a header may hold 16 KB). */
export function cut(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
