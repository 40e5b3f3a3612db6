import type { Hosting } from './hosting.js';
import type { TrainingJobs } from './training-jobs.js';
import type { TransformJobs } from './transform-jobs.js';

// biome-ignore lint/suspicious/noExplicitAny: requests and answers are the SDK's JSON
type Operation = (input: any) => unknown;

/** The operations the local SageMaker answers, by their X-Amz-Target name (`SageMaker.<name>`). */
export function controlPlane(
  training: TrainingJobs,
  hosting: Hosting,
  transforms: TransformJobs,
): Record<string, Operation> {
  return {
    CreateTrainingJob: (r) => training.create(r),
    DescribeTrainingJob: (r) => training.describe(r),
    StopTrainingJob: (r) => training.stop(r),
    ListTrainingJobs: (r) => training.list(r),
    CreateModel: (r) => hosting.createModel(r),
    DescribeModel: (r) => hosting.describeModel(r),
    DeleteModel: (r) => hosting.deleteModel(r),
    CreateEndpointConfig: (r) => hosting.createEndpointConfig(r),
    DescribeEndpointConfig: (r) => hosting.describeEndpointConfig(r),
    DeleteEndpointConfig: (r) => hosting.deleteEndpointConfig(r),
    CreateEndpoint: (r) => hosting.createEndpoint(r),
    UpdateEndpoint: (r) => hosting.updateEndpoint(r),
    DescribeEndpoint: (r) => hosting.describeEndpoint(r),
    DeleteEndpoint: (r) => hosting.deleteEndpoint(r),
    ListEndpoints: (r) => hosting.listEndpoints(r),
    CreateTransformJob: (r) => transforms.create(r),
    DescribeTransformJob: (r) => transforms.describe(r),
    StopTransformJob: (r) => transforms.stop(r),
  };
}
