// The `reckit/sagemaker` entry: SageMaker from Node (re-exports only).

export { type BatchRecommendSpec, batchRecommend } from './adapters/sagemaker/client/batch-transform.js';
export {
  type Deployment,
  type DeploySpec,
  deleteEndpoint,
  deployEndpoint,
  findEndpoint,
} from './adapters/sagemaker/client/endpoint-deployment.js';
export { listArchive, packFolder, unpackArchive } from './adapters/sagemaker/client/model-archive.js';
export { ObjectStore, parseUri } from './adapters/sagemaker/client/object-store.js';
export type { WaitOptions } from './adapters/sagemaker/client/poll.js';
export {
  type ClusterAnswer,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type PairScore,
  Predictor,
  type PredictorOptions,
  type UserTopN,
} from './adapters/sagemaker/client/predictor.js';
export {
  describeTrainingJob,
  downloadModelArtifact,
  RECKIT_METRIC_DEFINITIONS,
  startTrainingJob,
  stopTrainingJob,
  type TrainingJobSpec,
  waitForTrainingJob,
} from './adapters/sagemaker/client/training-job.js';
export { createInferenceServer, type InferenceServer } from './adapters/sagemaker/inference-server.js';
export { invoke } from './adapters/sagemaker/invocations.js';
export type { ContainerCommand } from './adapters/sagemaker/local/container-process.js';
export {
  type LocalSageMaker,
  type LocalSageMakerOptions,
  startLocalSageMaker,
} from './adapters/sagemaker/local/local-sagemaker.js';
