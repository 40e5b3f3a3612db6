import { request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
  /** Milliseconds from the call to the end of the answer. */
  ms: number;
}

/** One HTTP exchange with a server on 127.0.0.1: the whole body sent at once, the whole answer read. */
export function call(port: number, method: string, path: string, body?: string, type?: string): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const headers = type ? { 'Content-Type': type } : {};
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
