import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { checkLogin, type StandInUser } from './auth.js';
import { type QueryResult, StandInSession } from './session.js';
import { SnowflakeSqlError } from './sql-error.js';
import type { WireBind } from './translate.js';

export type { StandInUser } from './auth.js';

/** One HTTP exchange the stand-in saw, for tests to assert the wire traffic. */
export interface WireRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body as received (login bodies carry the password or JWT: the wire is the wire). */
  body: unknown;
  /** Snowflake's `code` in the answer (null on success), or the HTTP status when not 200. */
  answer: string | number | null;
}

export interface StandInOptions {
  /** The account name logins must name (default RECKIT_TEST). */
  account?: string;
  users: StandInUser[];
  /** A query still running after this many ms is answered 333333 and polled (default 2000). */
  asyncAfterMs?: number;
  /** Extra time a statement takes before it runs (tests use it to force async polling). */
  delayMs?: (sqlText: string) => number;
  /** A Snowflake error to answer instead of running the statement (fault injection). */
  fault?: (sqlText: string, bindings: Record<string, WireBind> | undefined) => SnowflakeSqlError | undefined;
}

/**
 * A local stand-in for Snowflake's REST endpoints as snowflake-sdk 3.x uses them: login
 * (password or key-pair JWT), telemetry, query-request with positional and array binds, JSON
 * results, async polling (333333 + GET /queries/<id>/result), Snowflake error codes, heartbeat,
 * token renewal, abort and session close. Statements run on an in-memory DuckDB (translate.ts).
 * Test code only; docs/snowflake.md says what it cannot prove.
 */
export class SnowflakeStandIn {
  readonly log: WireRecord[] = [];
  private readonly sessions = new Map<string, StandInSession>();
  private readonly pending = new Map<string, Promise<QueryResult>>();

  private constructor(
    private readonly server: Server,
    readonly instance: DuckDBInstance,
    readonly port: number,
    private readonly o: Required<Pick<StandInOptions, 'account' | 'asyncAfterMs'>> & StandInOptions,
  ) {}

  static async start(o: StandInOptions): Promise<SnowflakeStandIn> {
    const instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    await setup.run('CREATE SCHEMA "PUBLIC"');
    setup.closeSync();
    let self: SnowflakeStandIn | undefined;
    const server = createServer((req, res) => {
      void (self as SnowflakeStandIn).handle(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new SnowflakeStandIn(server, instance, (server.address() as AddressInfo).port, {
      account: 'RECKIT_TEST',
      asyncAfterMs: 2000,
      ...o,
    });
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get account(): string {
    return this.o.account;
  }

  /** Open sessions (a closed connection leaves none behind). */
  get openSessions(): number {
    return this.sessions.size;
  }

  /** Runs SQL directly on the account's database (test setup and inspection, not the wire). */
  async sql(text: string): Promise<unknown[][]> {
    const c = await this.instance.connect();
    try {
      await c.run('USE "PUBLIC"');
      return (await c.runAndReadAll(text)).getRowsJS();
    } finally {
      c.closeSync();
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
    for (const s of this.sessions.values()) s.close();
    this.instance.closeSync();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await readBody(req);
    const body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
    const record: WireRecord = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      answer: null,
    };
    this.log.push(record);
    const reply = (json: Record<string, unknown>, status = 200) => {
      record.answer = status === 200 ? ((json.code as string | null) ?? null) : status;
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    };
    try {
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /session/v1/login-request') return reply(await this.login(body, url.searchParams));
      if (route === 'POST /telemetry/send') return reply({ success: true, data: null });
      const session = this.sessionOf(req);
      if (!session) {
        return reply({ success: false, code: '390111', message: 'Session no longer exists.  New login required.' });
      }
      if (route === 'POST /queries/v1/query-request') return reply(await this.query(session, body));
      const result = /^GET \/queries\/([\w-]+)\/result$/.exec(route);
      if (result) return reply(await this.poll(result[1]!));
      if (route === 'POST /session' && url.searchParams.get('delete') === 'true') {
        this.closeSession(req);
        return reply({ success: true, data: null, code: null, message: null });
      }
      if (route === 'POST /session/heartbeat' || /abort-request$/.test(url.pathname)) {
        return reply({ success: true, data: null, code: null, message: null });
      }
      if (route === 'POST /session/token-request') {
        return reply({ success: true, data: { sessionToken: this.tokenOf(req), validityInSecondsST: 3600 } });
      }
      reply({ success: false, message: `the stand-in has no route ${route}` }, 404);
    } catch (error) {
      reply({ success: false, message: String((error as Error).message) }, 500);
    }
  }

  private async login(body: { data?: Record<string, unknown> } | null, q: URLSearchParams) {
    const data = body?.data ?? {};
    if (String(data.ACCOUNT_NAME ?? '').toUpperCase() !== this.o.account.toUpperCase()) {
      return { success: false, code: '390100', message: 'Incorrect username or password was specified.', data: null };
    }
    const who = checkLogin(data, this.o.account, this.o.users);
    if ('code' in who) return { success: false, code: who.code, message: who.message, data: null };
    const token = randomBytes(24).toString('base64url');
    this.sessions.set(token, await StandInSession.open(this.instance, who.user));
    return {
      success: true,
      code: null,
      message: null,
      data: {
        token,
        masterToken: randomBytes(24).toString('base64url'),
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        sessionId: this.sessions.size,
        parameters: [
          { name: 'TIMEZONE', value: 'UTC' },
          { name: 'CLIENT_STAGE_ARRAY_BINDING_THRESHOLD', value: 65280 },
        ],
        sessionInfo: {
          databaseName: 'STANDIN',
          schemaName: q.get('schemaName') ?? 'PUBLIC',
          warehouseName: q.get('warehouse') ?? 'COMPUTE_WH',
          roleName: q.get('roleName') ?? 'PUBLIC',
        },
      },
    };
  }

  private async query(session: StandInSession, body: { sqlText?: string; bindings?: Record<string, WireBind> }) {
    const queryId = randomUUID();
    const sqlText = String(body?.sqlText ?? '');
    const fault = this.o.fault?.(sqlText, body?.bindings);
    const delay = this.o.delayMs?.(sqlText) ?? 0;
    const run = fault
      ? Promise.reject(fault)
      : (delay ? new Promise((r) => setTimeout(r, delay)) : Promise.resolve()).then(() =>
          session.execute(sqlText, body?.bindings),
        );
    run.catch(() => undefined);
    this.pending.set(queryId, run);
    return this.answer(queryId, this.o.asyncAfterMs);
  }

  private poll(queryId: string) {
    if (!this.pending.has(queryId)) {
      return { success: false, code: '000709', message: `Statement ${queryId} not found`, data: { queryId } };
    }
    return this.answer(queryId, Math.min(this.o.asyncAfterMs, 500));
  }

  /** The result if it is ready within `waitMs`, else 333333 with the URL the driver polls. */
  private async answer(queryId: string, waitMs: number) {
    const run = this.pending.get(queryId) as Promise<QueryResult>;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), waitMs);
    });
    try {
      const r = await Promise.race([run, late]);
      if (r === 'late') {
        return {
          success: true,
          code: '333333',
          message: 'Query execution in progress.',
          data: { queryId, getResultUrl: `/queries/${queryId}/result`, queryAbortsAfterSecs: 300, progressDesc: null },
        };
      }
      this.pending.delete(queryId);
      return {
        success: true,
        code: null,
        message: null,
        data: {
          queryId,
          ...r,
          queryResultFormat: 'json',
          total: r.rowset.length,
          returned: r.rowset.length,
          parameters: [],
          finalDatabaseName: 'STANDIN',
          finalSchemaName: 'PUBLIC',
        },
      };
    } catch (error) {
      this.pending.delete(queryId);
      const e = error instanceof SnowflakeSqlError ? error : new SnowflakeSqlError('002043', '02000', String(error));
      return {
        success: false,
        code: e.code,
        message: e.message,
        data: { errorCode: e.code, sqlState: e.sqlState, queryId, internalError: false, age: 0 },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private tokenOf(req: IncomingMessage): string | undefined {
    return /Snowflake Token="([^"]+)"/.exec(String(req.headers.authorization ?? ''))?.[1];
  }

  private sessionOf(req: IncomingMessage): StandInSession | undefined {
    const token = this.tokenOf(req);
    return token === undefined ? undefined : this.sessions.get(token);
  }

  private closeSession(req: IncomingMessage): void {
    const token = this.tokenOf(req) as string;
    this.sessions.get(token)?.close();
    this.sessions.delete(token);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}
