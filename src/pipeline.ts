// `reckit/pipeline`: the seed pipeline as functions (load, train + top-N into a warehouse, local
// endpoints, user clusters, the quickstart). Loads DuckDB and the HTTP server; the engine does not.
export { clusterUsers, type UserCluster } from './adapters/pipeline/cluster-users.js';
export { createEndpointRegistry, type Endpoint, type EndpointRegistry } from './adapters/pipeline/endpoints.js';
export { loadMovieLens } from './adapters/pipeline/load-movielens.js';
export { type QuickstartOptions, type QuickstartReport, quickstart } from './adapters/pipeline/quickstart.js';
export {
  type TrainOptions,
  type TrainSummary,
  trainAndGetRecommendations,
} from './adapters/pipeline/train-and-get-recommendations.js';
