import { InputError } from '../errors.js';
import { ClusterModel } from './cluster-model.js';
import { clusterModelData } from './cluster-model-files.js';
import { FactorModel } from './factor-model.js';
import { factorModelData } from './factor-model-files.js';
import { ItemItemModel } from './item-item-model.js';
import { itemItemModelData } from './item-item-model-files.js';
import { KnnBaselineModel } from './knn-baseline-model.js';
import { knnBaselineModelData } from './knn-baseline-model-files.js';
import type { Model } from './model.js';
import { readModelDir } from './model-dir.js';

/**
 * Reads any model directory written by `Model.save`, dispatching on model.json `kind`.
 * Each model kind adds its case here.
 */
export async function loadModel(dir: string): Promise<Model> {
  const { meta, tables } = await readModelDir(dir);
  switch (meta.kind) {
    case 'factor':
      return new FactorModel(await factorModelData(dir, meta, tables));
    case 'cluster':
      return new ClusterModel(await clusterModelData(dir, meta, tables));
    case 'item-item':
      return new ItemItemModel(await itemItemModelData(dir, meta, tables));
    case 'knn-baseline':
      return new KnnBaselineModel(await knnBaselineModelData(dir, meta, tables));
    default:
      void tables;
      throw new InputError(`${dir}/model.json: unknown model kind "${meta.kind}"`);
  }
}
