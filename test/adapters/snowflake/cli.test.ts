import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/adapters/cli/main.js';
import { startLocalSageMaker } from '../../../src/adapters/sagemaker/local/local-sagemaker.js';
import { FUNCTIONS, SECRET_HEADER } from '../../../src/adapters/snowflake/functions-core.js';
import { batchId, call } from './snowflake-requests.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-sfcli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'reckit', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe('reckit snowflake sql', () => {
  test('prints the integration, the three functions the service serves, grants, stream and task', async () => {
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
    const r = await run(
      'snowflake',
      'sql',
      '--url',
      url,
      '--role-arn',
      'arn:aws:iam::123456789012:role/snowflake-reckit',
      '--http-secret',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /CREATE OR REPLACE API INTEGRATION reckit_api\s+API_PROVIDER = aws_api_gateway\s+API_AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role\/snowflake-reckit'/,
    );
    expect(r.out).toContain(`API_ALLOWED_PREFIXES = ('${url}/')`);
    // Every function points at a path the functions core serves; the HEADERS name reaches it as its secret header.
    const targets = [...r.out.matchAll(/EXTERNAL FUNCTION (\w+)\([^)]*\)[\s\S]*?AS '([^']+)'/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(targets).toEqual(FUNCTIONS.map((f) => [f, `${url}/${f}`]));
    expect([...r.out.matchAll(/HEADERS = \('([\w-]+)'/g)].map((m) => `sf-custom-${m[1]}`)).toEqual(
      FUNCTIONS.map(() => SECRET_HEADER),
    );
    expect(r.out).toMatch(
      /invoke_model\(model_name VARCHAR, user_id VARCHAR, item_id VARCHAR\)[\s\S]*?MAX_BATCH_ROWS = 50000/,
    );
    expect(r.out.match(/GRANT USAGE ON FUNCTION/g)).toHaveLength(3);
    expect(r.out).toContain('CREATE OR REPLACE STREAM ratings_changes ON TABLE ratings;');
    expect(r.out).toMatch(/WHEN SYSTEM\$STREAM_HAS_DATA\('ratings_changes'\)\s+AS\s+INSERT INTO reckit_training_log/);
    expect(r.out).toContain("train_and_get_recommendations('ratings', 'user_movie_recommendations')");
    // Without --http-secret (the Lambda path relies on IAM) there is no HEADERS clause.
    expect((await run('snowflake', 'sql')).out).not.toContain('HEADERS');
  });

  test('names and URLs that could break the SQL are refused with exit 2', async () => {
    for (const args of [
      ['--url', "https://x.example.com/prod'; DROP TABLE ratings; --"],
      ['--ratings-table', 'ratings; drop table ratings'],
      ['--schedule', "1 MINUTE'; DROP"],
      ['--role-arn', 'arn:aws:iam::1:role/x'],
    ]) {
      const r = await run('snowflake', 'sql', ...args);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });
});

const built = existsSync('dist/adapters/cli/commands/functions.js');

/** `reckit functions serve --port 0 --json ARGS` as a child process, once it prints its listening line. */
async function serveCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/reckit.js', 'functions', 'serve', '--port', '0', '--json', ...args], {
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const info = await new Promise<{ url: string; backend: string }>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('}')) resolve(JSON.parse(out) as { url: string; backend: string });
    });
    child.on('exit', () => reject(new Error(`exited: ${err}`)));
  });
  return { child, info, output: () => out + err };
}
describe.skipIf(!built)(
  `reckit functions serve (built CLI${built ? '' : '; dist/ not built: npx tsc -p tsconfig.build.json'})`,
  () => {
    test('requires the shared secret variable unless --no-secret', () => {
      const r = spawnSync(process.execPath, ['bin/reckit.js', 'functions', 'serve', '--port', '0'], {
        env: { ...process.env, RECKIT_FUNCTIONS_SECRET: '' },
        encoding: 'utf8',
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/RECKIT_FUNCTIONS_SECRET is empty/);
    });

    test('serves, checks the secret, answers rows, stops on SIGTERM; the secret is never printed', async () => {
      const secret = 'cli-test-secret-value';
      const { child, info, output } = await serveCli(
        ['--warehouse', `duckdb:${join(dir, 'w.duckdb')}`, '--state-dir', join(dir, 'state')],
        { RECKIT_FUNCTIONS_SECRET: secret },
      );
      try {
        expect((await call(info.url, 'deploy_model', { batch: batchId(0), rows: [[0, 'm', '/nope']] })).status).toBe(
          401,
        );
        const r = await call(info.url, 'deploy_model', {
          batch: batchId(0),
          rows: [
            [0, 'm', '/nope'],
            [1, 'x'],
          ],
          secret,
        });
        expect(r.status).toBe(200);
        expect(r.json.data?.map((x) => x[0])).toEqual([0, 1]);
        expect(r.json.data?.[0]?.[1]).toMatchObject({ error: expect.stringMatching(/no such model directory/) });
      } finally {
        child.kill('SIGTERM');
      }
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(output()).not.toContain(secret);
    });

    test('--backend sagemaker: flags checked, then rows reach SageMaker through the real clients', async () => {
      const missingRole = spawnSync(
        process.execPath,
        ['bin/reckit.js', 'functions', 'serve', '--no-secret', '--backend', 'sagemaker', '--s3-prefix', 's3://b/p'],
        { env: { ...process.env, RECKIT_SAGEMAKER_ROLE: '' }, encoding: 'utf8' },
      );
      expect(missingRole.status).toBe(2);
      expect(missingRole.stderr.trim()).toMatch(
        /^reckit: the sagemaker backend needs --role \(or \$RECKIT_SAGEMAKER_ROLE\): the execution role ARN/,
      );
      const sagemaker = await startLocalSageMaker();
      const { child, info } = await serveCli(
        [
          '--no-secret',
          '--backend',
          'sagemaker',
          '--role',
          'arn:aws:iam::000000000000:role/reckit',
          '--s3-prefix',
          's3://reckit-test/functions',
          '--image',
          'reckit:latest',
          '--endpoint-url',
          sagemaker.url,
          '--warehouse',
          `duckdb:${join(dir, 'w.duckdb')}`,
          '--state-dir',
          join(dir, 'state-sm'),
        ],
        // The SDK's default chain reads these; the local SageMaker does not check signatures.
        { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' },
      );
      try {
        expect(info.backend).toBe('sagemaker');
        // No such endpoint: SageMaker's runtime says so (a 4xx), and the row gets it as its error.
        const r = await call(info.url, 'invoke_model', { batch: batchId(0), rows: [[0, 'no-such-model', 1, 2]] });
        expect(r.status).toBe(200);
        expect(r.json.data?.[0]?.[1]).toMatchObject({ error: expect.stringMatching(/no-such-model/) });
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.on('exit', resolve));
        await sagemaker.close();
      }
    });
  },
);
