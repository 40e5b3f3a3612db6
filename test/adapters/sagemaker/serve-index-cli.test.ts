import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import type { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { saveIndex } from '../../../src/engine/embeddings/index-files.js';
import { indexFromModel } from '../../../src/engine/embeddings/sources.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import { call } from '../../support/http.js';
import { built as distHas, startServe } from '../../support/node-process.js';

const built = distHas('adapters/sagemaker/embedding-instances.js');
const dir = mkdtempSync(join(tmpdir(), 'reckit-serve-index-'));
let index: EmbeddingIndex;

beforeAll(async () => {
  const n = 400;
  const user = Int32Array.from({ length: n }, (_, k) => 1 + (k % 20));
  const item = Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 50));
  const rating = Float32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 9) / 2);
  const { matrix } = await RatingMatrix.fromTable(tableFromArrays({ user, item, rating }));
  const model = await new SVD({ factors: 4, epochs: 3, seed: 1 }).fit(matrix);
  await model.save(join(dir, 'model'));
  index = (await indexFromModel(model)).index;
  await saveIndex(index, join(dir, 'model.index'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)(
  `reckit serve --index${built ? '' : ' (dist/ not built: run npx tsc -p tsconfig.build.json)'}`,
  () => {
    test('loads the index beside the model and answers {"like"} instances over HTTP', async () => {
      const served = await startServe(join(dir, 'model'), { args: ['--index', join(dir, 'model.index')] });
      try {
        expect(served.info.indexItems).toBe(index.size);
        const res = await invoke(served.port, { instances: [{ like: 1, top: 3 }] });
        expect(res.status).toBe(200);
        const want = index.similar(1, { top: 3 }).map((h) => h.id);
        expect(JSON.parse(res.body).predictions[0].items).toEqual(want);
      } finally {
        await served.stop();
      }
    });

    test('an index alone (--index only, or an index in the model directory): vectors 200, model instances 400', async () => {
      const q = [0.3, -0.2, 0.5, 0.1];
      const want = index.search(q, { top: 4 }).map((h) => h.id);
      for (const [modelDir, args] of [
        [undefined, ['--index', join(dir, 'model.index')]],
        [join(dir, 'model.index'), []],
      ] as const) {
        const served = await startServe(modelDir, { args });
        try {
          expect(served.info).toMatchObject({ algorithm: 'embedding-index', indexItems: index.size, indexDim: 4 });
          const ok = await invoke(served.port, { instances: [{ vector: q, top: 4 }] });
          expect(ok.status).toBe(200);
          expect(JSON.parse(ok.body).predictions[0].items).toEqual(want);
          const bad = await invoke(served.port, { instances: [{ user: 1, top: 3 }] });
          expect(bad.status).toBe(400);
          expect(JSON.parse(bad.body).error).toMatch(/holds an embedding index and no model/);
        } finally {
          await served.stop();
        }
      }
    });
  },
);

const invoke = (port: number, instances: unknown) =>
  call(port, 'POST', '/invocations', JSON.stringify(instances), 'application/json');
