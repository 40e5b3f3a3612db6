import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { listArchive, packFolder, unpackArchive } from '../../../../src/adapters/sagemaker/client/model-archive.js';
import { ObjectStore, parseUri } from '../../../../src/adapters/sagemaker/client/object-store.js';
import { packLines } from '../../../../src/adapters/sagemaker/client/pack-lines.js';
import { MetricScanner } from '../../../../src/adapters/sagemaker/local/metric-definitions.js';
import {
  createOptMlTree,
  readFailure,
  writeTrainingConfig,
} from '../../../../src/adapters/sagemaker/local/opt-ml-tree.js';
import { checkName } from '../../../../src/adapters/sagemaker/local/resource-name.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-local-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local SageMaker parts', () => {
  test('names: 1-63 of [a-zA-Z0-9] with inner hyphens, else ValidationException naming the member', () => {
    for (const ok of ['a', 'seed1-svd', 'A-b--c9', 'x'.repeat(63)]) expect(checkName('endpointName', ok)).toBe(ok);
    for (const bad of ['', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64), 42]) {
      expect(() => checkName('endpointName', bad)).toThrow(/at 'endpointName' failed to satisfy constraint/);
    }
  });

  test('metrics: the last value per definition; lines that do not match leave it alone', () => {
    const m = new MetricScanner([
      { Name: 'train:rmse', Regex: 'train:rmse=(-?[0-9.]+);' },
      { Name: 'train:loss', Regex: 'train:loss=(-?[0-9.]+);' },
    ]);
    m.scan('reckit-train: epoch=1/2; train:loss=10.5; train:rmse=0.95;', 1);
    m.scan('reckit-train: epoch=2/2; train:loss=9.25; train:rmse=0.91;', 2);
    m.scan('unrelated line train:rmse=abc;', 3);
    expect(m.finalMetrics()).toEqual([
      { MetricName: 'train:rmse', Value: 0.91, Timestamp: 2 },
      { MetricName: 'train:loss', Value: 9.25, Timestamp: 2 },
    ]);
    expect(() => new MetricScanner([{ Name: 'x', Regex: '(' }])).toThrow(/MetricDefinitions\.1\.Regex/);
  });

  test('model.tar.gz: files at the archive root, extracted back exactly; an empty folder is a valid archive', async () => {
    const model = join(dir, 'model');
    mkdirSync(join(model, 'sub'), { recursive: true });
    writeFileSync(join(model, 'model.json'), '{"a":1}');
    writeFileSync(join(model, 'sub', 'x.arrow'), 'xyz');
    const file = join(dir, 'model.tar.gz');
    expect(await packFolder(model, file)).toBe(2);
    const names = await listArchive(file);
    expect(names).toContain('model.json');
    expect(names.some((n) => n.startsWith('model/') || n.startsWith('./'))).toBe(false);
    await unpackArchive(file, join(dir, 'back'));
    expect(readFileSync(join(dir, 'back', 'model.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(join(dir, 'back', 'sub', 'x.arrow'), 'utf8')).toBe('xyz');
    mkdirSync(join(dir, 'empty'));
    await packFolder(join(dir, 'empty'), join(dir, 'empty.tar.gz'));
    expect(await listArchive(join(dir, 'empty.tar.gz'))).toEqual([]);
  });

  test('/opt/ml tree: strings kept, lower-case resourceconfig.json, File mode; failure capped at 1024', async () => {
    const tree = await createOptMlTree(join(dir, 'trees'), 'job');
    await writeTrainingConfig(tree, {
      hyperParameters: { factors: '50', algorithm: '"svd"' },
      channels: [{ name: 'train', contentType: 'text/csv', distribution: 'FullyReplicated' }],
      instanceType: 'ml.m5.large',
      instanceCount: 1,
    });
    const config = (f: string) => JSON.parse(readFileSync(join(tree.root, 'input', 'config', f), 'utf8'));
    expect(config('hyperparameters.json')).toEqual({ factors: '50', algorithm: '"svd"' });
    expect(config('inputdataconfig.json')).toEqual({
      train: {
        ContentType: 'text/csv',
        TrainingInputMode: 'File',
        S3DistributionType: 'FullyReplicated',
        RecordWrapperType: 'None',
      },
    });
    expect(config('resourceconfig.json')).toMatchObject({
      current_host: 'algo-1',
      hosts: ['algo-1'],
      network_interface_name: 'eth0',
    });
    expect(await readFailure(tree)).toBeUndefined();
    mkdirSync(join(tree.root, 'output'), { recursive: true });
    writeFileSync(tree.failure, 'x'.repeat(3000));
    expect((await readFailure(tree))?.length).toBe(1024);
  });

  test('file:// store: a prefix lists its files in key order; a file prefix is itself; other schemes are refused', async () => {
    const data = join(dir, 'data');
    mkdirSync(join(data, 'b'), { recursive: true });
    writeFileSync(join(data, 'b', 'z.csv'), 'z');
    writeFileSync(join(data, 'a.csv'), 'a');
    const store = new ObjectStore();
    const base = pathToFileURL(data).href;
    expect((await store.list(base)).map((o) => o.relativeKey)).toEqual(['a.csv', 'b/z.csv']);
    expect(await store.list(`${base}/a.csv`)).toEqual([{ uri: `${base}/a.csv`, relativeKey: '' }]);
    expect(await store.downloadPrefix(base, join(dir, 'copy'))).toBe(2);
    expect(readFileSync(join(dir, 'copy', 'b', 'z.csv'), 'utf8')).toBe('z');
    expect(() => parseUri('ftp://x/y')).toThrow(/"ftp:\/\/x\/y" is not an S3 URI/);
    expect(parseUri('s3://bucket/a/b')).toEqual({ kind: 's3', bucket: 'bucket', key: 'a/b' });
  });

  test('payload packing keeps order and stays within the limit; an instance over it is refused', () => {
    const lines = Array.from({ length: 50 }, (_, k) => `{"user":${k}}`);
    const chunks = packLines(lines, 40);
    expect(chunks.flat()).toEqual(lines);
    for (const c of chunks) expect(c.reduce((s, l) => s + l.length + 1, 0)).toBeLessThanOrEqual(40);
    expect(() => packLines(['x'.repeat(50)], 40)).toThrow(/instance 0 is 51 bytes/);
  });
});
