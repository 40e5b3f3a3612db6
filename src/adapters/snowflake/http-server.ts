import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionsCore } from './functions-core.js';

/** Request bodies above this are refused (413) before they are read whole. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface FunctionsServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * `reckit functions serve`: the External Functions core over plain HTTP (behind a proxy such as
 * API Gateway's HTTP integration). Header names arrive lower-case from Node, as the core expects;
 * gzip/deflate bodies are undone by the core.
 */
export async function serveFunctions(
  core: FunctionsCore,
  o: { port?: number; host?: string } = {},
): Promise<FunctionsServer> {
  const server = createServer((req, res) => {
    readBody(req).then(
      async (body) => {
        if (body === null) {
          res
            .writeHead(413, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ message: `request body over ${MAX_BODY_BYTES} bytes` }));
          return;
        }
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const r = await core.handle({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers,
          body,
          encoding: headers['content-encoding'],
        });
        res.writeHead(r.status, r.headers).end(r.body);
      },
      () => res.destroy(),
    );
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
