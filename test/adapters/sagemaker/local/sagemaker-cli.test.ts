import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NodeProcess, startNode } from '../../../support/node-process.js';
import { processesWith } from './local-cloud.js';

const run = promisify(execFile);
const cli = resolve('bin/reckit.js');
const dataDir = process.env.RECKIT_DATA_DIR;
const ratings = dataDir ? join(dataDir, 'ml-latest-small', 'ratings.csv') : '';
const built = existsSync('dist/adapters/cli/commands/sagemaker.js');
const ready = Boolean(ratings && existsSync(ratings) && built);
if (!ready && process.env.CI === 'true') throw new Error(`needs ${ratings || '$RECKIT_DATA_DIR'} and a build`);

/**
 * The CLI flow a user types (README, "SageMaker, locally"): `reckit sagemaker local` in one
 * process, then train, deploy, invoke and delete against it with --endpoint-url, file:// URIs.
 */
describe.skipIf(!ready)('reckit sagemaker (CLI) against reckit sagemaker local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reckit-sm-cli-'));
  let local: NodeProcess;
  let url = '';
  const env = {
    ...process.env,
    RECKIT_SAGEMAKER_ROLE: 'arn:aws:iam::000000000000:role/reckit',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
  const reckit = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [cli, 'sagemaker', ...args, '--endpoint-url', url, '--json'], {
      env,
    });
    return JSON.parse(stdout);
  };

  beforeAll(async () => {
    local = startNode([cli, 'sagemaker', 'local', '--root', join(dir, 'root'), '--json'], { env });
    url = (await local.json<{ url: string }>()).url;
  });

  afterAll(async () => {
    await local.stop();
    expect(processesWith(join(dir, 'root'))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('train -> deploy -> invoke -> transform -> delete; a bad URI is exit 2 with one line', async () => {
    const trained = await reckit(
      'train',
      '--name',
      'cli-svd',
      '--channel',
      `train=${pathToFileURL(ratings).href}`,
      '--hp',
      'algorithm=svd',
      '--hp',
      'factors=8',
      '--hp',
      'epochs=3',
      '--output-path',
      pathToFileURL(join(dir, 'out')).href,
    );
    expect(trained.status).toBe('Completed');
    expect(trained.modelArtifacts).toBe(`${pathToFileURL(join(dir, 'out')).href}/cli-svd/output/model.tar.gz`);
    expect(existsSync(join(dir, 'out', 'cli-svd', 'output', 'model.tar.gz'))).toBe(true);
    const deployed = await reckit('deploy', '--endpoint', 'cli-endpoint', '--model-data', trained.modelArtifacts);
    expect(deployed.action).toBe('created');
    const answers = await reckit('invoke', '--endpoint', 'cli-endpoint', '--pair', '1,610', '--pair', '10,313');
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatchObject({ user: 1, item: 610, known: true });
    const top = await reckit('invoke', '--endpoint', 'cli-endpoint', '--user', '1', '--top', '3');
    expect(top[0].items).toHaveLength(3);
    writeFileSync(join(dir, 'users.txt'), '1\n2\n3\n4\n5\n');
    const transformed = await reckit(
      'transform',
      ...['--job', 'cli-top3', '--model', deployed.modelName, '--users-file', join(dir, 'users.txt'), '--top', '3'],
      ...['--input-path', pathToFileURL(join(dir, 'tin')).href, '--output-path', pathToFileURL(join(dir, 'tout')).href],
      ...['--instances', '2', '--out', join(dir, 'top3.csv')],
    );
    expect(transformed).toMatchObject({ job: 'cli-top3', users: 5, rows: 15 });
    const csv = readFileSync(join(dir, 'top3.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(16);
    expect(csv[0]).toBe('user,rank,item,score');
    expect(await reckit('delete', '--endpoint', 'cli-endpoint')).toEqual({ endpoint: 'cli-endpoint', deleted: true });
    const bad = await run(
      process.execPath,
      [cli, 'sagemaker', 'deploy', '--endpoint', 'x', '--model-data', 'ftp://nope', '--endpoint-url', url],
      { env },
    ).catch((e) => e);
    expect(bad.code).toBe(2);
    // The last line is reckit's; lines before it are the AWS SDK's own Node-version warning.
    const lines = bad.stderr
      .trim()
      .split('\n')
      .filter((l: string) => l.startsWith('reckit'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^reckit: .*ftp:\/\/nope/);
    // No region anywhere in the SDK's chain (no flag, no env, no ~/.aws/config): one line, exit 2.
    const noRegion: NodeJS.ProcessEnv = { ...env };
    delete noRegion.AWS_REGION;
    delete noRegion.AWS_DEFAULT_REGION;
    const lost = await run(process.execPath, [cli, 'sagemaker', 'delete', '--endpoint', 'x'], {
      env: {
        ...noRegion,
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      },
    }).catch((e) => e);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/^reckit: no AWS region: give --region/m);
  });
});
