import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/adapters/cli/main.js';
import { dataPath, missing } from '../../support/data-dir.js';
import { PASSWORD, startStandIn } from '../../support/snowflake-stand-in/fixture.js';
import type { SnowflakeStandIn } from '../../support/snowflake-stand-in/stand-in.js';

const data = dataPath('ml-latest-small', 'ratings.csv');
const dir = mkdtempSync(join(tmpdir(), 'reckit-sfqs-'));
let standIn: SnowflakeStandIn;
const savedHome = process.env.SNOWFLAKE_HOME;
beforeAll(async () => {
  standIn = await startStandIn();
  writeFileSync(
    join(dir, 'connections.toml'),
    `[standin]\naccount = "${standIn.account}"\nuser = "reckit_tester"\npassword = "${PASSWORD}"\nhost = "127.0.0.1"\nport = ${standIn.port}\nprotocol = "http"\n`,
  );
  process.env.SNOWFLAKE_HOME = dir;
});
afterAll(async () => {
  if (savedHome === undefined) delete process.env.SNOWFLAKE_HOME;
  else process.env.SNOWFLAKE_HOME = savedHome;
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!data)(
  `reckit quickstart --warehouse snowflake:... (${data ? 'real data' : missing('ml-latest-small')})`,
  () => {
    test('the seed pipeline runs unchanged against the Snowflake stand-in', async () => {
      let out = '';
      let err = '';
      const code = await main(
        [
          'node',
          'reckit',
          'quickstart',
          '--warehouse',
          'snowflake:standin',
          '--model-dir',
          join(dir, 'model'),
          '--folds',
          '0',
          '--clusters',
          '3',
          '--json',
        ],
        { out: (s) => void (out += s), err: (s) => void (err += s) },
      );
      expect(err).toBe('');
      expect(code).toBe(0);
      const r = JSON.parse(out) as {
        warehouse: string;
        train: { ratings: number; rowsWritten: number };
        sample: { user: number; items: { movie: number; title: string }[] }[];
        predictions: { user: number; movie: number; title: string; score: number }[];
        clusters?: { clusters: { users: number; topMovies: string[] }[] };
      };
      expect(r.warehouse).toBe('snowflake:standin');
      expect(r.train.ratings).toBe(100_836);
      expect(r.train.rowsWritten).toBe(610);
      expect(r.sample).toHaveLength(10);
      expect(r.sample[0]?.items).toHaveLength(10);
      expect(r.sample.flatMap((s) => s.items).every((i) => i.title !== '?')).toBe(true);
      expect(r.predictions.map((p) => [p.user, p.movie])).toEqual([
        [1, 610],
        [10, 313],
        [10, 297],
        [5, 18],
        [5, 19],
      ]);
      expect(r.predictions.every((p) => p.score >= 0.5 && p.score <= 5)).toBe(true);
      // The cluster summary's titles come from Snowflake's LISTAGG ... WITHIN GROUP (the DuckDB-only
      // string_agg never reached the wire): three per cluster.
      expect(r.clusters?.clusters).toHaveLength(3);
      expect(r.clusters?.clusters.reduce((n, c) => n + c.users, 0)).toBe(610);
      for (const c of r.clusters?.clusters ?? []) {
        expect(c.topMovies).toHaveLength(3);
        expect(c.topMovies.every((t) => t.length > 0 && !t.includes('\n'))).toBe(true);
      }
      // The tables landed in the account (names folded to upper case, as Snowflake does), the top-10
      // lists as VARIANT arrays, and no staging table is left.
      const tables = (
        await standIn.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC' ORDER BY 1")
      ).flat();
      expect(tables).toEqual([
        'MOVIES',
        'NO_RATINGS',
        'RATINGS',
        'USER_CLUSTERS',
        'USER_MOVIE_RECOMMENDATIONS',
        'USER_MOVIE_RECOMMENDATIONS_RANKED',
      ]);
      const top = await standIn.sql(
        'SELECT json_array_length("TOP_10_RECOMMENDATIONS") FROM USER_MOVIE_RECOMMENDATIONS LIMIT 3',
      );
      expect(top.flat().map(Number)).toEqual([10, 10, 10]);
      const sent = JSON.stringify(standIn.log.map((l) => l.body));
      expect(sent).toMatch(/LISTAGG\(m\.\\"TITLE\\", '\\n'\) WITHIN GROUP \(ORDER BY k\.rk\)/);
      expect(sent).not.toMatch(/string_agg/i);
      // The password never travelled outside the login request.
      const elsewhere = standIn.log.filter((l) => l.path !== '/session/v1/login-request');
      expect(JSON.stringify(elsewhere)).not.toContain(PASSWORD);
    }, 120_000);
  },
);
