import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../engine/errors.js';
import type { Id } from '../../engine/matrix/id-index.js';
import type { Prediction } from '../../engine/model/model.js';
import { createEndpointRegistry } from '../pipeline/endpoints.js';
import { trainAndGetRecommendations } from '../pipeline/train-and-get-recommendations.js';
import { openWarehouse } from '../warehouse/open-warehouse.js';
import type { SnowflakeWarehouseOptions } from '../warehouse/snowflake-warehouse.js';
import type { FunctionsBackend, TrainOutcome } from './backend.js';
import { PerNameQueue } from './per-name-queue.js';

export interface LocalBackendOptions {
  /** The warehouse the tables live in (e.g. snowflake:prod, duckdb:reckit.duckdb). */
  warehouse: string;
  /** Explicit Snowflake connection options (tests; otherwise connections.toml / SNOWFLAKE_*). */
  snowflake?: SnowflakeWarehouseOptions | undefined;
  /** Service state: trained models and the deployed-model registry. */
  stateDir: string;
  /** Cross-validation folds before the fit (default 0: the function's caller wants the table). */
  folds?: number | undefined;
  seed?: number | undefined;
}

/**
 * The in-process backend: trains with reckit's SVD on the warehouse's table (the pipeline's
 * trainAndGetRecommendations), serves deployed models with reckit's inference server on loopback,
 * and keeps the name -> artifact registry on disk so a restarted service re-deploys on first use.
 */
export class LocalBackend implements FunctionsBackend {
  readonly kind = 'local';
  private readonly registryFile: string;
  private readonly deploying = new PerNameQueue<{ endpoint: string; reused: boolean }>();
  /** The models this backend serves; close() stops them. */
  private readonly endpoints = createEndpointRegistry();

  constructor(private readonly o: LocalBackendOptions) {
    mkdirSync(join(o.stateDir, 'models'), { recursive: true });
    this.registryFile = join(o.stateDir, 'registry.json');
  }

  async train(inputTable: string, outputTable: string, runKey: string): Promise<TrainOutcome> {
    const modelDir = join(this.o.stateDir, 'models', createHash('sha256').update(runKey).digest('hex').slice(0, 16));
    const warehouse = await openWarehouse(this.o.warehouse, this.o.snowflake);
    try {
      const s = await trainAndGetRecommendations(warehouse, inputTable, outputTable, {
        folds: this.o.folds ?? 0,
        seed: this.o.seed ?? 0,
        modelDir,
      });
      return {
        input_table: inputTable,
        output_table: outputTable,
        rows_written: s.rowsWritten,
        users: s.users,
        items: s.items,
        model_url: s.modelDir,
        seconds: s.seconds.total,
      };
    } finally {
      await warehouse.close();
    }
  }

  /** Serialised per name, so two rows deploying one name at once start one server. */
  deploy(modelName: string, modelUrl: string): Promise<{ endpoint: string; reused: boolean }> {
    return this.deploying.run(modelName, () => this.deployNow(modelName, modelUrl));
  }

  async invoke(modelName: string, pairs: readonly (readonly [Id, Id])[]): Promise<Prediction[]> {
    if (!this.endpoints.list().some((e) => e.name === modelName)) {
      const artifact = this.registry()[modelName];
      if (!artifact) throw new InputError(`model "${modelName}" is not deployed; call deploy_model first`);
      await this.deploy(modelName, artifact);
    }
    return this.endpoints.invoke(modelName, pairs);
  }

  async close(): Promise<void> {
    await this.endpoints.close();
  }

  private async deployNow(modelName: string, modelUrl: string): Promise<{ endpoint: string; reused: boolean }> {
    const artifact = /^https?:\/\//.test(modelUrl) ? modelUrl : resolve(modelUrl.replace(/^file:\/\//, ''));
    if (!/^https?:\/\//.test(artifact) && !existsSync(artifact)) {
      throw new InputError(`model_url ${modelUrl}: no such model directory`);
    }
    const registry = this.registry();
    const live = this.endpoints.list().find((e) => e.name === modelName);
    if (live && registry[modelName] === artifact) return { endpoint: live.url, reused: true };
    const endpoint = await this.endpoints.deploy(modelName, artifact);
    registry[modelName] = artifact;
    const tmp = `${this.registryFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(registry, null, 2));
    renameSync(tmp, this.registryFile);
    return { endpoint: endpoint.url, reused: false };
  }

  private registry(): Record<string, string> {
    return existsSync(this.registryFile)
      ? (JSON.parse(readFileSync(this.registryFile, 'utf8')) as Record<string, string>)
      : {};
  }
}
