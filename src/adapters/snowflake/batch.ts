import { gunzipSync, inflateSync } from 'node:zlib';

/**
 * One batch of an External Function call as Snowflake sends it (docs/snowflake.md, "Function
 * contracts"): `{"data": [[rowNumber, arg1, arg2, ...], ...]}`. Row numbers are answered back
 * unchanged, in the order received.
 */
export interface BatchRow {
  row: number;
  args: unknown[];
}

/** A whole batch is malformed: answered 400 (Snowflake does not retry, the query fails with the message). */
export class BatchError extends Error {}

/** A request body as bytes: gzip/deflate undone (Content-Encoding), then JSON-parsed and checked. */
export function parseBatch(body: Buffer | string, contentEncoding?: string): BatchRow[] {
  let text: string;
  try {
    const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const encoding = (contentEncoding ?? '').toLowerCase();
    text = (encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw).toString('utf8');
  } catch (error) {
    throw new BatchError(`request body: cannot undo Content-Encoding ${contentEncoding}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BatchError('request body is not JSON; expected {"data": [[row, args...], ...]}');
  }
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data))
    throw new BatchError('request body has no "data" array; expected {"data": [[row, args...], ...]}');
  return data.map((r, i) => {
    if (!Array.isArray(r) || !Number.isInteger(r[0])) {
      throw new BatchError(`data[${i}] is not [rowNumber, args...]`);
    }
    return { row: r[0]!, args: r.slice(1) };
  });
}

/** A per-row failure: the row gets this value instead of failing the whole batch. */
export function rowError(message: string): { error: string } {
  return { error: message };
}

/** The response body: one `[rowNumber, value]` per input row, same order. */
export function encodeBatch(rows: readonly BatchRow[], values: readonly unknown[]): string {
  if (values.length !== rows.length) throw new Error(`internal: ${values.length} answers for ${rows.length} rows`);
  return JSON.stringify({ data: rows.map((r, i) => [r.row, values[i] ?? null]) });
}
