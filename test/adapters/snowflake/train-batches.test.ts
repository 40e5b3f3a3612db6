import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { FunctionsBackend, TrainOutcome } from '../../../src/adapters/snowflake/backend.js';
import { TrainBatches } from '../../../src/adapters/snowflake/train-batches.js';
import { InputError } from '../../../src/engine/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-tb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A backend whose trainings follow a script: each call takes the next step (throw or answer). */
function scripted(steps: ('transient' | 'input' | 'ok')[]): FunctionsBackend & { calls: string[] } {
  const calls: string[] = [];
  return {
    kind: 'scripted',
    calls,
    async train(input: string, output: string, key: string): Promise<TrainOutcome> {
      calls.push(key);
      const step = steps[calls.length - 1] ?? 'ok';
      if (step === 'transient') throw new Error('warehouse unreachable (injected)');
      if (step === 'input') throw new InputError(`table ${input} does not exist`);
      return {
        input_table: input,
        output_table: output,
        rows_written: 3,
        users: 3,
        items: 2,
        model_url: '/m',
        seconds: 0,
      };
    },
    deploy: async () => ({ endpoint: '', reused: false }),
    invoke: async () => [],
    close: async () => undefined,
  };
}

const rows = (...pairs: [string, string][]) => pairs.map(([a, b], row) => ({ row, args: [a, b] }));

async function settle(t: TrainBatches, batch: string) {
  for (let k = 0; k < 100; k++) {
    await t.idle();
    const s = t.poll(batch);
    if (s?.state === 'done') return s;
  }
  throw new Error('never finished');
}

test('a transient training fault is retried by a poll after the backoff, at most 3 attempts, then reported per row', async () => {
  const backend = scripted(['transient', 'ok']);
  const t = new TrainBatches(join(dir, 'a'), backend, { retryDelayMs: 300 });
  expect(t.submit('q1:1:1:0:0', rows(['ratings', 'recs']))).toEqual({ state: 'running' });
  // Polls inside the backoff answer "running" without training again (throttling gets time to clear).
  await t.idle();
  expect(t.poll('q1:1:1:0:0')).toEqual({ state: 'running' });
  await t.idle();
  expect(backend.calls).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 320));
  const done = await settle(t, 'q1:1:1:0:0');
  expect(backend.calls).toHaveLength(2);
  expect((done.values[0] as TrainOutcome).rows_written).toBe(3);

  const failing = scripted(['transient', 'transient', 'transient', 'ok']);
  const t2 = new TrainBatches(join(dir, 'b'), failing, { retryDelayMs: 0 });
  t2.submit('q2:1:1:0:0', rows(['ratings', 'recs']));
  const gaveUp = await settle(t2, 'q2:1:1:0:0');
  expect(failing.calls).toHaveLength(3);
  expect(gaveUp.values[0]).toEqual({ error: expect.stringMatching(/training failed 3 times: warehouse unreachable/) });
});

test('an input fault answers that row only; a second batch while one trains is busy (429)', async () => {
  const backend = scripted(['input', 'ok']);
  const t = new TrainBatches(join(dir, 'c'), backend);
  t.submit('q3:1:1:0:0', rows(['missing', 'out'], ['ratings', 'out'], ['1bad', 'out']));
  expect(t.submit('q4:1:1:0:0', rows(['ratings', 'x']))).toEqual({ state: 'busy' });
  const done = await settle(t, 'q3:1:1:0:0');
  expect(done.rows.map((r) => r.row)).toEqual([0, 1, 2]);
  expect(done.values[0]).toEqual({ error: 'table missing does not exist' });
  expect((done.values[1] as TrainOutcome).input_table).toBe('ratings');
  expect(done.values[2]).toEqual({ error: expect.stringMatching(/input_table "1bad"/) });
  expect(t.submit('q4:1:1:0:0', rows(['ratings', 'x']))).toEqual({ state: 'running' });
  await t.idle();
});
