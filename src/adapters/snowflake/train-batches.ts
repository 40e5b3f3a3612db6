import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { parseTableName } from '../warehouse/table-name.js';
import type { FunctionsBackend } from './backend.js';
import { type BatchRow, rowError } from './batch.js';

/** Per-batch state of train_and_get_recommendations, one JSON file per batch id. */
interface BatchRecord {
  batchId: string;
  status: 'running' | 'done' | 'retry';
  /** The service instance running it: a record left `running` by another instance was cut off by a restart. */
  owner: string;
  attempts: number;
  startedAt: string;
  /** Refreshed while its owner trains; a stale one means the owner is gone. */
  heartbeatAt: number;
  rows: BatchRow[];
  values?: unknown[];
  lastError?: string;
  /** After a transient fault: not started again before this time (ms), so throttling can clear. */
  retryAt?: number;
}

export type BatchState =
  | { state: 'running' }
  | { state: 'done'; rows: BatchRow[]; values: unknown[] }
  | { state: 'busy' };

/** How often a running batch's owner proves it is alive (a record 3 beats old is an orphan). */
const HEARTBEAT_MS = 10_000;
/** Training runs of one batch at most this often after transient faults or restarts. */
const MAX_ATTEMPTS = 3;
/** Wait before the first retry after a transient fault; doubled for each later one. */
const RETRY_DELAY_MS = 5_000;
/** Snowflake may poll for up to 10 minutes and asks services to keep state >= 12 h; we keep 24 h. */
const KEEP_MS = 24 * 3600 * 1000;

/**
 * train_and_get_recommendations as Snowflake's asynchronous pattern: the POST starts the batch and
 * is answered 202; GETs with the same sf-external-function-query-batch-id are answered 202 until
 * the rows are done, then 200. State is written to disk before anything starts, so a retried or
 * repeated POST never starts a second training, and a restarted service answers finished batches
 * and resumes ones a restart cut off (bounded attempts, with a backoff after transient faults).
 * See docs/snowflake.md.
 */
export class TrainBatches {
  private readonly owner = randomUUID();
  private readonly dir: string;
  private readonly active = new Set<string>();

  constructor(
    stateDir: string,
    private readonly backend: FunctionsBackend,
    private readonly o: {
      maxRunning?: number | undefined;
      staleMs?: number | undefined;
      retryDelayMs?: number | undefined;
    } = {},
  ) {
    this.dir = join(stateDir, 'batches');
    mkdirSync(this.dir, { recursive: true });
    this.prune();
  }

  /** POST: start the batch unless it is known (then its state); `busy` when at capacity (429). */
  submit(batchId: string, rows: BatchRow[]): BatchState {
    const known = this.read(batchId);
    if (known) return this.resume(known);
    if (this.active.size >= (this.o.maxRunning ?? 1)) return { state: 'busy' };
    const record: BatchRecord = {
      batchId,
      status: 'running',
      owner: this.owner,
      attempts: 1,
      startedAt: new Date().toISOString(),
      heartbeatAt: Date.now(),
      rows,
    };
    this.write(record);
    this.start(record);
    return { state: 'running' };
  }

  /** GET: the batch's state; undefined when this service never saw the batch. */
  poll(batchId: string): BatchState | undefined {
    const known = this.read(batchId);
    return known ? this.resume(known) : undefined;
  }

  /** Resolves when no training started by this instance is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private resume(r: BatchRecord): BatchState {
    if (r.status === 'done') return { state: 'done', rows: r.rows, values: r.values as unknown[] };
    if (r.status === 'retry' && Date.now() < (r.retryAt ?? 0)) return { state: 'running' };
    const stale = Date.now() - r.heartbeatAt > (this.o.staleMs ?? HEARTBEAT_MS * 3);
    if (!this.active.has(r.batchId) && (r.status === 'retry' || (r.owner !== this.owner && stale))) {
      if (r.attempts >= MAX_ATTEMPTS) {
        const values = r.rows.map(() =>
          rowError(`training failed ${r.attempts} times: ${r.lastError ?? 'interrupted'}`),
        );
        this.write({ ...r, status: 'done', values });
        return { state: 'done', rows: r.rows, values };
      }
      const again = {
        ...r,
        status: 'running' as const,
        owner: this.owner,
        attempts: r.attempts + 1,
        heartbeatAt: Date.now(),
      };
      this.write(again);
      this.start(again);
    }
    return { state: 'running' };
  }

  private start(record: BatchRecord): void {
    this.active.add(record.batchId);
    const beat = setInterval(() => {
      // Only while the record is still ours and running (another instance may have taken it over).
      const now = this.read(record.batchId);
      if (now?.status === 'running' && now.owner === this.owner) this.write({ ...now, heartbeatAt: Date.now() });
    }, HEARTBEAT_MS);
    beat.unref();
    void this.run(record).finally(() => {
      clearInterval(beat);
      this.active.delete(record.batchId);
    });
  }

  /** Each distinct (input, output) of the batch trains once; each row gets its outcome or error. */
  private async run(record: BatchRecord): Promise<void> {
    const outcomes = new Map<string, unknown>();
    try {
      const values: unknown[] = [];
      for (const row of record.rows) {
        const check = validate(row);
        if (typeof check !== 'object' || !('input' in check)) {
          values.push(check);
          continue;
        }
        // Plain identifiers match case-insensitively in every warehouse: one training per table pair.
        const key = `${check.input}\u0000${check.output}`.toUpperCase();
        if (!outcomes.has(key)) {
          try {
            outcomes.set(key, await this.backend.train(check.input, check.output, `${record.batchId}:${key}`));
          } catch (error) {
            if (!(error instanceof InputError)) throw error;
            outcomes.set(key, rowError(error.message));
          }
        }
        values.push(outcomes.get(key));
      }
      this.write({ ...record, status: 'done', values });
    } catch (error) {
      // A transient fault (warehouse unreachable, AWS throttling, ...): a poll after the backoff starts it again.
      const retryAt = Date.now() + (this.o.retryDelayMs ?? RETRY_DELAY_MS) * 2 ** (record.attempts - 1);
      this.write({ ...record, status: 'retry', lastError: String((error as Error)?.message ?? error), retryAt });
    }
  }

  private file(batchId: string): string {
    return join(this.dir, `${createHash('sha256').update(batchId).digest('hex')}.json`);
  }

  private read(batchId: string): BatchRecord | undefined {
    const f = this.file(batchId);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as BatchRecord) : undefined;
  }

  /** Atomic: a crash mid-write leaves the previous state, never half a file. */
  private write(r: BatchRecord): void {
    const f = this.file(r.batchId);
    writeFileSync(`${f}.tmp`, JSON.stringify(r));
    renameSync(`${f}.tmp`, f);
  }

  private prune(): void {
    const now = Date.now();
    for (const name of readdirSync(this.dir)) {
      const f = join(this.dir, name);
      if (name.endsWith('.json') && now - statSync(f).mtimeMs > KEEP_MS) rmSync(f, { force: true });
    }
  }
}

/** The row's two table names, validated; or the row's error value. */
function validate(row: BatchRow): { input: string; output: string } | { error: string } {
  const [input, output] = row.args;
  if (row.args.length !== 2 || typeof input !== 'string' || typeof output !== 'string') {
    return rowError(
      'train_and_get_recommendations(input_table VARCHAR, output_table VARCHAR): expected two table names',
    );
  }
  try {
    parseTableName(input, 'input_table');
    parseTableName(output, 'output_table');
  } catch (error) {
    return rowError((error as Error).message);
  }
  return { input, output };
}
