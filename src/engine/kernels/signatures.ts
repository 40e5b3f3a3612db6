/**
 * The contract both kernel backends implement. One typed object per backend makes a missing
 * kernel a compile error. Each domain keeps its signatures in its own interface so that adding
 * a kernel touches one interface, its TS twin in `ts/` and its native wrapper in `addon/`.
 */

/** Compressed sparse rows. `offsets` has nRows + 1 entries; row r owns entries offsets[r]..offsets[r+1]. */
export interface Csr {
  offsets: Int32Array;
  cols: Int32Array;
  values: Float32Array;
  nRows: number;
  nCols: number;
}

/** Coordinate triples with dense indices. */
export interface Coo {
  rows: Int32Array;
  cols: Int32Array;
  values: Float32Array;
  nRows: number;
  nCols: number;
}

export interface BuildCsrResult {
  csr: Csr;
  /** For each CSR entry, the input position it came from (to carry timestamps, report rows). */
  source: Int32Array;
  /** Input triples dropped because a later one had the same (row, col): keep-last policy. */
  duplicates: number;
}

/** Options every long-running kernel accepts. */
export interface KernelRun {
  signal?: AbortSignal | undefined;
  /** Called with the fraction done (0..1) while the kernel runs. */
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface MatrixKernels {
  /** COO -> CSR sorted by (row, col); duplicates keep the last input. O(nnz). */
  buildCsr(coo: Coo, run?: KernelRun): Promise<BuildCsrResult>;
  /** CSR -> CSR of the transpose (CSC), each output row in ascending input-row order. */
  transposeCsr(csr: Csr, run?: KernelRun): Promise<Csr>;
}

/** Rows to cluster: sparse CSR (never densified), or dense row-major nRows x dim (e.g. SVD factors). */
export type KmeansRows =
  | { kind: 'csr'; csr: Csr }
  | { kind: 'dense'; values: Float32Array; nRows: number; dim: number };

/** One k-means assignment pass (E-step), optionally accumulating the M-step sums. */
export interface AssignArgs {
  rows: KmeansRows;
  /** ||x||^2 per row (all rows, indexed by row), accumulated in double. */
  rowNorms: Float64Array;
  /** k x dim row-major. */
  centroids: Float32Array;
  k: number;
  /** Rows to assign (a mini-batch); every row when absent. Outputs are indexed by position in it. */
  subset?: Int32Array | undefined;
  /** In: the previous labels (-1 for none); out: the nearest centroid. */
  labels: Int32Array;
  /** Out: squared distance to the assigned centroid. */
  distances: Float64Array;
  /** Out (when given): per-centroid sums of the assigned rows, k x dim, and counts. */
  sums?: Float64Array | undefined;
  counts?: Float64Array | undefined;
  /**
   * Hamerly bounds (full passes only): lower[i] bounds the distance from row i to its second
   * nearest centroid; shift[c] is how far centroid c moved since the bounds were set. When
   * `ready` is false every row is computed in full and the bounds are (re)set.
   */
  bounds?: { lower: Float64Array; shift: Float64Array; ready: boolean; separation: boolean } | undefined;
  threads?: number | undefined;
}

export interface AssignResult {
  /** Sum of `distances`. */
  inertia: number;
  /** Rows whose label differs from the input label. */
  changed: number;
  /** Rows whose distances to every centroid were computed (the rest were pruned by the bounds). */
  full: number;
}

export interface KmeansPlusPlusArgs {
  rows: KmeansRows;
  rowNorms: Float64Array;
  k: number;
  /** Candidates tried per step (scikit-learn: 2 + floor(ln k)). */
  trials: number;
  seed: number;
  threads?: number | undefined;
}

/** A whole Lloyd (or Hamerly) k-means fit from given centroids, in one kernel call. */
export interface KmeansLloydArgs {
  rows: KmeansRows;
  /** ||x||^2 per row, accumulated in double. */
  rowNorms: Float64Array;
  /** k x dim starting centroids (read, not modified). */
  init: Float32Array;
  k: number;
  /** Most passes that update the centroids. */
  maxIter: number;
  /** Stop when sum_c ||c_new - c_old||^2 <= this (scikit-learn's tol * mean column variance). */
  tolAbs: number;
  /** Hamerly bounds; `separation` also uses half the centroid-to-centroid distances. */
  bounds: boolean;
  separation: boolean;
  /** Scale centroids back to unit length after each M-step (spherical k-means, for cosine). */
  spherical: boolean;
  /** Native worker threads; also how the M-step sums are split, so both twins agree at any count. */
  threads?: number | undefined;
}

export interface KmeansLloydResult {
  centroids: Float32Array;
  labels: Int32Array;
  /** Squared distance of each row to its centroid. */
  distances: Float64Array;
  inertia: number;
  /** Passes that updated the centroids (scikit-learn's n_iter_). */
  iterations: number;
  /** Inertia of each assignment pass against the centroids it saw; the last entry is the final. */
  history: number[];
  converged: boolean;
  /** Rows moved into empty clusters, over all iterations. */
  relocated: number;
  /** Fraction of row assignments the bounds settled without the k dot products. */
  pruned: number;
}

export interface KmeansKernels {
  /** Nearest centroid for each row by ||x||^2 - 2 x.c + ||c||^2 (order-free: parallel = serial). */
  assignClusters(a: AssignArgs, run?: KernelRun): Promise<AssignResult>;
  /** Greedy k-means++ seeding (scikit-learn's): the row index of each of the k seeds. */
  kmeansPlusPlus(a: KmeansPlusPlusArgs, run?: KernelRun): Promise<Int32Array>;
  /** Lloyd/Hamerly iterations to convergence (progress: iterations / maxIter). */
  kmeansLloyd(a: KmeansLloydArgs, run?: KernelRun): Promise<KmeansLloydResult>;
}

/**
 * One SGD epoch's ratings in visit order, cut into a grid x grid of blocks (row block = a user
 * range, col block = an item range; see algorithms/sgd-plan.ts). Block b = (b / grid, b % grid)
 * owns entries blockOffsets[b]..blockOffsets[b + 1]. An epoch runs `grid` strata; stratum s holds
 * blocks (j, (j + s) % grid), which share no user and no item, so threads may run them at once
 * and the result does not depend on which thread ran which block (DSGD/FPSGD-style).
 */
export interface SgdPlan {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  blockOffsets: Int32Array;
  grid: number;
}

/** The parameters SGD updates in place (float32, row-major, k = factors). */
export interface SgdParams {
  userFactors: Float32Array;
  itemFactors: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  factors: number;
  globalMean: number;
  /** false: plain Funk SVD (score = p.q, biases untouched). */
  biased: boolean;
}

/** Per-term learning rates and regularisations (Surprise's lr_bu ... reg_qi). */
export interface SgdRates {
  lrBu: number;
  lrBi: number;
  lrPu: number;
  lrQi: number;
  regBu: number;
  regBi: number;
  regPu: number;
  regQi: number;
}

export interface SgdEpochArgs {
  plan: SgdPlan;
  params: SgdParams;
  rates: SgdRates;
  /** Shuffle each block's entries (in place, seeded per block) before visiting; undefined: keep order. */
  shuffleSeed?: number | undefined;
  /** Worker threads (native); the reference runs blocks one after another with the same result. */
  threads?: number | undefined;
}

export interface MfKernels {
  /**
   * One SGD epoch over `plan`. Returns the sum of squared pre-update errors and, after the epoch,
   * the L2 penalty reg_pu ||P||^2 + reg_qi ||Q||^2 (+ reg_bu ||b_u||^2 + reg_bi ||b_i||^2 when biased),
   * both accumulated in double.
   */
  sgdEpoch(a: SgdEpochArgs, run?: KernelRun): Promise<{ sse: number; penalty: number }>;
  /**
   * out[x] = mean + std * N(0, 1): chunks of 65,536 values, each from its own Rng seeded from
   * `seed` and the chunk index, Box-Muller pairs within a chunk (ts/fill-normal.ts).
   */
  fillNormal(out: Float32Array, mean: number, std: number, seed: number, run?: KernelRun): Promise<void>;
  /**
   * One SVD++ epoch (Surprise's SVDpp; ts/svdpp-epoch.ts) over the training CSR in row order,
   * parameters in double updated in place. Returns the sum of squared pre-update errors and the
   * L2 penalty after the epoch.
   */
  svdppEpoch(a: SvdppEpochArgs, run?: KernelRun): Promise<{ sse: number; penalty: number }>;
  /**
   * Surprise's shrunk pearson_baseline similarity between every pair of items (ts/pearson-baseline-sims.ts):
   * a dense nItems x nItems float32 matrix, symmetric, 1 on the diagonal. Rows run in parallel (native).
   */
  pearsonBaselineSims(a: PearsonBaselineArgs, run?: KernelRun): Promise<Float32Array>;
  /**
   * One half-step of explicit ALS (ts/als-explicit-half-step.ts): every row x of `solve` becomes the
   * minimiser of sum_j (d_j - x . y_j)^2 + reg n ||x||^2 over its n entries. Rows run in parallel (native).
   */
  alsExplicitHalfStep(a: AlsExplicitArgs, run?: KernelRun): Promise<void>;
  /**
   * KNNBaseline's top-N for many users (ts/knn-baseline-top-n.ts): every eligible item scored as
   * the model predicts, best n per user by score desc then item asc. Users run in parallel (native).
   */
  knnBaselineTopN(a: KnnBaselineTopNArgs, run?: KernelRun): Promise<TopNResult>;
}

/** A fitted KNNBaseline model's arrays, as its scoring reads them. */
export interface KnnBaselineArrays {
  /** Training ratings by user, items ascending. */
  seen: Csr;
  /** nItems x nItems, row-major. */
  sims: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  globalMean: number;
  k: number;
  minK: number;
}

export interface KnnBaselineTopNArgs extends KnnBaselineArrays {
  /** 0 = never recommended. */
  eligible: Uint8Array;
  /** Dense user indices; output row r is users[r]. */
  users: Int32Array;
  n: number;
  excludeSeen: boolean;
  threads?: number | undefined;
}

export interface AlsExplicitArgs {
  /** Row r's entries: the other side's index and the target d_j (a residual after the biases). */
  rows: ResidualRows;
  /** The side held constant, nOther x k row-major. */
  fixed: Float32Array;
  /** The side solved, nRows x k row-major, overwritten (rows without entries become zero). */
  solve: Float32Array;
  k: number;
  /** Regularisation per entry: the ridge is reg * n for a row with n entries (ALS-WR, as Spark). */
  reg: number;
  threads?: number | undefined;
}

/** One side of the ratings with each rating's baseline residual r_ui - (mu + b_u + b_i), in double. */
export interface ResidualRows {
  offsets: Int32Array;
  /** The other side's index per entry, ascending within a row. */
  cols: Int32Array;
  residuals: Float64Array;
}

export interface PearsonBaselineArgs {
  /** Row i: the users who rated item i. */
  byItem: ResidualRows;
  /** Row u: the items user u rated. */
  byUser: ResidualRows;
  nItems: number;
  /** The shrinkage s: rho (n - 1) / (n - 1 + s) for n common users. */
  shrinkage: number;
  /** Pairs with fewer common users score 0 (at least 2, as Surprise). */
  minSupport: number;
  threads?: number | undefined;
}

/** SVD++ state (double, row-major, k = factors): p_u, q_i, the implicit y_j, biases. */
export interface SvdppParams {
  userFactors: Float64Array;
  itemFactors: Float64Array;
  implicitFactors: Float64Array;
  userBias: Float64Array;
  itemBias: Float64Array;
  factors: number;
  globalMean: number;
}

/** SGD rates plus those of the implicit factors y_j. */
export interface SvdppRates extends SgdRates {
  lrYj: number;
  regYj: number;
}

export interface SvdppEpochArgs {
  /** Training ratings by user (each user's ratings are visited together, as Surprise does). */
  csr: Csr;
  params: SvdppParams;
  rates: SvdppRates;
}

/** The item side of a factor model as the scoring kernels read it. */
export interface ItemFactors {
  /** nItems x k, row-major. */
  factors: Float32Array;
  /** Per-item term of every score (b_i; zeros for unbiased models). */
  bias: Float32Array;
  k: number;
  /** 0 = never recommended (items without training ratings). */
  eligible: Uint8Array;
}

/** One query vector's top-N: score(i) = offset + bias_i + vector . q_i. */
export interface TopNQuery {
  vector: Float32Array;
  offset: number;
  n: number;
  /** Item indices to skip, sorted ascending. */
  exclude?: Int32Array | undefined;
  /** Rank only these item indices (unique); every item when absent. */
  candidates?: Int32Array | undefined;
  /** Native: split large catalogs (>= 8 MB of factors) over threads (0 = all cores); default 1. */
  threads?: number | undefined;
}

export interface TopNAllArgs {
  items: ItemFactors;
  /** nUsers x k, row-major. */
  userFactors: Float32Array;
  /** Per user (all nUsers): the score term shared by every item, mu + b_u. */
  userOffset: Float32Array;
  /** Dense user indices to rank for; output row r is users[r]. */
  users: Int32Array;
  n: number;
  /** Items each user skips (rows sorted ascending): the training ratings; none when absent. */
  seen?: Csr | undefined;
  threads?: number | undefined;
}

/** Row-major top-N lists, n per row, by score desc then item index asc, padded with item -1 / score NaN. */
export interface TopNResult {
  items: Int32Array;
  scores: Float32Array;
}

export interface ScoringKernels {
  /** out[i] = vector . q_i + bias_i + offset for every item (ineligible ones too). Synchronous. */
  scoreItems(items: ItemFactors, vector: Float32Array, offset: number): Float32Array;
  /** Top-N of one vector over all (or candidate) eligible items. Synchronous: short work. */
  topNVector(items: ItemFactors, q: TopNQuery): TopNResult;
  /** Top-N for many users: native is blocked users x items scoring with per-user partial selection, on all cores. */
  topNAll(a: TopNAllArgs, run?: KernelRun): Promise<TopNResult>;
  /** p_u . q_i for single predictions over the model's factors (same bits on every backend). */
  pairDot(userFactors: Float32Array, itemFactors: Float32Array, k: number): PairDot;
}

/** p_u . q_i by dense user and item index, both in range: a double, summed in index order. */
export type PairDot = (u: number, i: number) => number;

export type BackendName = 'native' | 'reference';

/** One bad line found by parseNumericLines; the driver turns it into a message. */
export interface BadLine {
  /** 0-based line within the buffer. */
  line: number;
  /**
   * 1 not a number, 2 outside [min, max], 3 stray CR or text after a quote, 4 unclosed quote, 5 missing
   * field, 6 an id field (kinds 0, 3) that is not a plain integer id (stops the call even with skipBad).
   */
  code: number;
  /** The field index (codes 1, 2) or the number of fields on the line (code 5); -1 otherwise. */
  field: number;
  /** Byte range in the buffer of the offending text. */
  start: number;
  end: number;
}

export interface ParseLinesArgs {
  /** Whole lines of delimited text (the last may lack its newline). */
  buf: Uint8Array;
  /** One byte (',' '\t' '|' ';') or '::'. */
  delimiter: string;
  /** Zero-based column of each output field. */
  columns: Int32Array;
  /** Storage kind per field: 0 int32 id, 1 float32, 2 float64, 3 float64 id. */
  kinds: Int32Array;
  /** Inclusive bounds per field (-Infinity/Infinity for none). */
  min: Float64Array;
  max: Float64Array;
  /** One column per field, written from `row`; must hold one row per line of `buf`. */
  out: (Int32Array | Float32Array | Float64Array)[];
  row: number;
  skipBad: boolean;
  /** Native threads (0: all cores); the reference ignores it. */
  threads?: number | undefined;
}

export interface ParseLinesResult {
  rows: number;
  lines: number;
  skipped: number;
  /** The first few bad lines, in order. */
  bad: BadLine[];
  /** An int32 id column met a value that is not an int32: widen it and parse the buffer again. */
  widen: boolean;
  /** Set (nothing parsed) when `out` is shorter than row + lines. */
  needCapacity?: number;
}

export interface ParseKernels {
  /** Numeric fields of delimited text lines -> typed columns (the CSV/TSV/.dat loading hot loop). */
  parseNumericLines(a: ParseLinesArgs, run?: KernelRun): Promise<ParseLinesResult>;
}

export interface Kernels
  extends MatrixKernels,
    KmeansKernels,
    MfKernels,
    ScoringKernels,
    ParseKernels,
    RankKernels,
    EmbeddingKernels {
  readonly name: BackendName;
}

/**
 * One half-step of implicit ALS (Hu, Koren, Volinsky 2008; docs/ranking.md): every row x of
 * `solve` is set to the minimiser of sum_j c_j (1 - x.y_j)^2 over its entries j (c = the CSR
 * value, the confidence) + sum over the other columns (x.y)^2 + reg ||x||^2, the other side `fixed`
 * held constant. Rows without entries become zero.
 */
export interface AlsHalfStepArgs {
  /** Rows to solve; values are confidences c >= 1 (1 + alpha r, or the log form). */
  rows: Csr;
  /** nRows x k, row-major, updated in place (the CG warm start). */
  solve: Float32Array;
  /** nCols x k, row-major. */
  fixed: Float32Array;
  k: number;
  /** L2 weight; a row with n entries gets reg * (1 + n)^regExponent (frequency-scaled, as in iALS++ tuning). */
  reg: number;
  regExponent?: number | undefined;
  /** Conjugate-gradient steps per row (implicit's solver); 0 = exact Cholesky solve. */
  cgSteps: number;
  /** Arithmetic of the CG solve: 32 (float32, default, as implicit) or 64 (double); Cholesky is always double. */
  cgPrecision?: 32 | 64 | undefined;
  /** Compute the loss (default true); false skips that pass and returns loss NaN. */
  loss?: boolean | undefined;
  threads?: number | undefined;
}

/** Dense scores from item-item weights: score(u, i) = sum over u's seen items j of W[j, i]. */
export interface ItemItemTopNArgs {
  /** The users' item rows (every entry weighs 1). */
  seen: Csr;
  /** nItems x nItems, row-major: row j holds item j's contribution to every item. */
  weights: Float32Array;
  /** Dense user indices; output row r is users[r]. */
  users: Int32Array;
  n: number;
  /** 0 = never recommended. */
  eligible: Uint8Array;
  /** Skip each user's seen items. */
  excludeSeen: boolean;
  /** A factor term added to every score: weight * p_u . q_i (a blend with a factor model). */
  factors?: ItemItemFactors | undefined;
  threads?: number | undefined;
}

/** The factor part of a blended item-item score. */
export interface ItemItemFactors {
  /** nUsers x k. */
  user: Float32Array;
  /** nItems x k. */
  item: Float32Array;
  k: number;
  weight: number;
}

/**
 * One BPR epoch (Rendle et al. 2009) by SGD over `samples` triples (u, i, j): i a training item of
 * u drawn uniformly over the entries, j an item drawn uniformly among those u does not have.
 * Threads run their share of the samples at once on shared factors without locks (Hogwild, as the
 * implicit library); one thread is deterministic for a seed and is the twin check.
 */
export interface BprEpochArgs {
  seen: Csr;
  /** nUsers x k, updated in place. */
  userFactors: Float32Array;
  /** nItems x k, updated in place. */
  itemFactors: Float32Array;
  /** nItems, updated in place. */
  itemBias: Float32Array;
  k: number;
  learningRate: number;
  reg: number;
  samples: number;
  seed: number;
  threads?: number | undefined;
}

export interface RankKernels {
  /** One BPR epoch; returns the share of sampled pairs already ranked right (x_uij > 0) before their update. */
  bprEpoch(a: BprEpochArgs, run?: KernelRun): Promise<{ correct: number }>;
  /**
   * One implicit-ALS half-step in place. Returns the rows' part of the objective after the solve:
   * sum over rows of x'Gx + sum_j [c_j (1 - s_j)^2 - s_j^2] + reg ||x||^2 (G = fixed' fixed,
   * s_j = x.y_j), accumulated in double, row by row in index order.
   */
  alsHalfStep(a: AlsHalfStepArgs, run?: KernelRun): Promise<{ loss: number }>;
  /** In-place inverse of a dense symmetric positive definite n x n matrix (float64, row-major) by Cholesky. */
  spdInverse(a: Float64Array, n: number, run?: KernelRun & { threads?: number | undefined }): Promise<void>;
  /** Top-N lists by item-item weights (EASE, item-kNN), ranked as topNAll ranks (score desc, item asc). */
  itemItemTopN(a: ItemItemTopNArgs, run?: KernelRun): Promise<TopNResult>;
  /** SLIM ElasticNet's weight columns from the Gram matrix (see SlimColumnsArgs); returns the sweeps run. */
  slimColumns(a: SlimColumnsArgs, run?: KernelRun): Promise<{ sweeps: number }>;
}

/**
 * SLIM ElasticNet (docs/ranking.md): for every item j, the non-negative elastic net
 *   min 0.5 w'Gw - G[j]'w + l1 sum(w) + 0.5 l2 |w|^2,  w >= 0, w_j = 0,
 * by working-set coordinate descent (ts/slim-column.ts), its topK largest weights written to
 * weights[k * n + j]. Columns are independent: any thread count writes the same bits.
 */
export interface SlimColumnsArgs {
  /** X'X of the binary interactions, n x n float64, row-major (symmetric). */
  gram: Float64Array;
  n: number;
  l1: number;
  l2: number;
  /** Coordinate sweeps per column at most. */
  maxSweeps: number;
  /** Converged when no weight moves by more than tol x the column's largest weight. */
  tol: number;
  topK: number;
  /** n x n float32, zero on entry; W[k, j] at k * n + j. */
  weights: Float32Array;
  threads?: number | undefined;
}

/** A batch of query vectors against an embedding index (see EmbeddingKernels). */
export interface MaskedTopNBatchArgs {
  items: ItemFactors;
  /** Per item, 0 = never returned: a request's filters, evaluated before the scan. All rows when absent. */
  mask?: Uint8Array | undefined;
  /** nQueries x k, row-major; every score is bias_i + query . q_i (offset 0). */
  queries: Float32Array;
  n: number;
  /** Row r (sorted ascending): the items query r skips ("more like this" skips itself). */
  exclude?: Csr | undefined;
  threads?: number | undefined;
}

/**
 * Top-N over item embeddings with a per-request row mask applied inside the scan. The mask is
 * folded into the per-item score term (masked rows score -inf and never enter a heap), so both
 * entry points run the same scans as ScoringKernels' topNVector / topNAll and rank the same way.
 */
export interface EmbeddingKernels {
  /** topNVector with `mask` on top of `items.eligible`. Synchronous. */
  maskedTopNVector(items: ItemFactors, mask: Uint8Array | undefined, q: TopNQuery): TopNResult;
  /** Many query vectors at once: native runs them off the event loop on all cores. */
  maskedTopNBatch(a: MaskedTopNBatchArgs, run?: KernelRun): Promise<TopNResult>;
}
