/**
 * `reckit/snowflake`: Snowflake's External Functions (train_and_get_recommendations, deploy_model,
 * invoke_model) as one core served over plain HTTP or as an AWS Lambda proxy handler, their
 * backend interface with the in-process and SageMaker implementations, and the SQL that wires
 * Snowflake to them.
 */
export type { FunctionsBackend, TrainOutcome } from './adapters/snowflake/backend.js';
export { BatchError, type BatchRow, encodeBatch, parseBatch } from './adapters/snowflake/batch.js';
export {
  BATCH_ID_HEADER,
  createFunctionsCore,
  FUNCTIONS,
  type FunctionsCore,
  type FunctionsCoreOptions,
  type FunctionsRequest,
  type FunctionsResponse,
  SECRET_HEADER,
} from './adapters/snowflake/functions-core.js';
export { type FunctionsServer, serveFunctions } from './adapters/snowflake/http-server.js';
export {
  type ApiGatewayProxyEvent,
  type ApiGatewayProxyResult,
  createLambdaHandler,
  handler,
} from './adapters/snowflake/lambda.js';
export { LocalBackend, type LocalBackendOptions } from './adapters/snowflake/local-backend.js';
export {
  type SageMakerBackendOptions,
  SageMakerFunctionsBackend,
} from './adapters/snowflake/sagemaker-backend.js';
export { MAX_BATCH_ROWS, type SnowflakeSqlOptions, snowflakeSql } from './adapters/snowflake/sql.js';
