import { request } from 'node:http';
import { gzipSync } from 'node:zlib';

/** A response as the test reads it. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { data?: [number, unknown][]; message?: string };
}

let queryNo = 0;

/**
 * The headers Snowflake sends to an External Function (docs/snowflake.md): format, query and
 * batch ids (the batch id is the same on retries and async GETs), the function's name and
 * signature (plain and base64), return type, custom HEADERS as sf-custom-*, and transport.
 */
export function snowflakeHeaders(
  fn: string,
  batchId: string,
  signature: string,
  secret?: string,
): Record<string, string> {
  const name = `RECKIT_DB.PUBLIC.${fn.toUpperCase()}`;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    'sf-external-function-format': 'json',
    'sf-external-function-format-version': '1.0',
    'sf-external-function-current-query-id': batchId.split(':')[0]!,
    'sf-external-function-query-batch-id': batchId,
    'sf-external-function-name': name,
    'sf-external-function-name-base64': b64(name),
    'sf-external-function-signature': signature,
    'sf-external-function-signature-base64': b64(signature),
    'sf-external-function-return-type': 'VARIANT',
    'sf-external-function-return-type-base64': b64('VARIANT'),
    ...(secret !== undefined ? { 'sf-custom-reckit-secret': secret } : {}),
    'content-type': 'application/json',
    'user-agent': 'snowflake/1.0',
    'accept-encoding': 'gzip',
  };
}

/** A Snowflake-style batch id: `<query id>:1:<batch>:0:0`. */
export function batchId(batch: number): string {
  queryNo++;
  return `01b2c3d4-0000-${String(queryNo).padStart(4, '0')}-0000-000000000001:1:${batch}:0:0`;
}

export const SIGNATURES: Record<string, string> = {
  train_and_get_recommendations: '(INPUT_TABLE VARCHAR, OUTPUT_TABLE VARCHAR)',
  deploy_model: '(MODEL_NAME VARCHAR, MODEL_URL VARCHAR)',
  invoke_model: '(MODEL_NAME VARCHAR, USER_ID NUMBER, ITEM_ID NUMBER)',
};

/** One call as Snowflake makes it: POST with `{"data": rows}` (gzip when asked), or the async GET (no body). */
export function call(
  baseUrl: string,
  fn: string,
  o: {
    method?: 'POST' | 'GET';
    batch: string;
    rows?: unknown[][];
    secret?: string | undefined;
    gzip?: boolean;
    raw?: string;
  },
): Promise<Reply> {
  const headers = snowflakeHeaders(fn, o.batch, SIGNATURES[fn] ?? '()', o.secret);
  let body: Buffer | undefined;
  if ((o.method ?? 'POST') === 'POST') {
    body = Buffer.from(o.raw ?? JSON.stringify({ data: o.rows ?? [] }));
    if (o.gzip) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
  }
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/${fn}`, { method: o.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : {} });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Snowflake's async loop: POST, then GET with the same headers while 202 (growing delay), until another status. */
export async function callAsync(
  baseUrl: string,
  fn: string,
  o: { batch: string; rows: unknown[][]; secret?: string | undefined },
): Promise<{ final: Reply; polls: number }> {
  let r = await call(baseUrl, fn, o);
  let polls = 0;
  let delay = 20;
  while (r.status === 202 && polls < 2000) {
    await new Promise((res) => setTimeout(res, delay));
    delay = Math.min(delay * 2, 200);
    r = await call(baseUrl, fn, { ...o, method: 'GET' });
    polls++;
  }
  return { final: r, polls };
}
