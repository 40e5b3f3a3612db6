import type { Id } from '../../engine/matrix/id-index.js';
import type { Prediction } from '../../engine/model/model.js';

/** What one training run reports back to the calling row (a VARIANT object in Snowflake). */
export interface TrainOutcome {
  input_table: string;
  output_table: string;
  rows_written: number;
  users: number;
  items: number;
  /** Where the model went: a directory (local) or an artifact URL (cloud); pass it to deploy_model. */
  model_url: string;
  seconds: number;
}

/**
 * Where the three External Functions do their work. `local` trains and serves in this process;
 * a SageMaker backend (training jobs, endpoints) implements the same calls. A thrown InputError
 * is the row's fault (answered as that row's error value); anything else is a transient fault
 * of the service (answered 503, so Snowflake retries the batch).
 */
export interface FunctionsBackend {
  readonly kind: string;
  /**
   * Trains on `inputTable`, writes the top-N table `outputTable`. `runKey` is stable for one
   * function batch row: a backend that creates remote jobs derives their names from it.
   */
  train(inputTable: string, outputTable: string, runKey: string): Promise<TrainOutcome>;
  /** Makes `modelUrl` callable as `modelName`; the same name and artifact again reuses it. */
  deploy(modelName: string, modelUrl: string): Promise<{ endpoint: string; reused: boolean }>;
  /** One prediction per pair, in order. */
  invoke(modelName: string, pairs: readonly (readonly [Id, Id])[]): Promise<Prediction[]>;
  close(): Promise<void>;
}
