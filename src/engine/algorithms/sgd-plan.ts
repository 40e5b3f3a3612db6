import type { Csr, SgdPlan } from '../kernels/signatures.js';

/** Blocks per side per thread when SGD runs on several threads: 4 evens out block sizes. */
const BLOCKS_PER_THREAD = 4;
/** Item-factor bytes one column block should hold so its q_i stay in cache (L2/L3 slice). */
const ITEM_SLAB_BYTES = 1 << 20;

/**
 * Blocks per side for `threads` SGD threads: 4 per thread (so threads can pick independent blocks
 * with little idling), and at least enough that one column block's item factors fit in ~1 MiB.
 * The cache rule matters at scale: one epoch over 25M ratings x 100 factors took 5.3 CPU-s with
 * one block and 2.1 with 16 (src/bench/svd.bench.ts, synthetic ml-25m-shape); small data (ml-100k,
 * one thread) keeps a single block, the plain CSR order.
 */
export function sgdGrid(threads: number, nItems: number, factors: number): number {
  const base = threads > 1 ? BLOCKS_PER_THREAD * threads : 1;
  return Math.max(base, Math.ceil((nItems * factors * 4) / ITEM_SLAB_BYTES));
}

/**
 * Lays the training ratings out for SGD: a grid x grid cut of the matrix into blocks of contiguous
 * user ranges and item ranges, each range holding about nnz / grid ratings, and the entries of each
 * block in CSR order (user-major, as Surprise visits its trainset). grid 1 is the plain CSR order.
 * A stable counting sort, O(nnz) time, 12 bytes per rating. The kernels may shuffle it in place.
 */
export function buildSgdPlan(csr: Csr, grid: number): SgdPlan {
  const { offsets, cols, values, nRows, nCols } = csr;
  const n = offsets[nRows]!;
  if (grid === 1) return csrOrderPlan(csr, n);
  const rowBlock = new Int32Array(nRows);
  const rowCounts = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) rowCounts[r] = offsets[r + 1]! - offsets[r]!;
  equalMassRanges(rowCounts, grid, n, rowBlock);
  const colCounts = new Float64Array(nCols);
  for (let p = 0; p < n; p++) colCounts[cols[p]!]!++;
  const colBlock = new Int32Array(nCols);
  equalMassRanges(colCounts, grid, n, colBlock);

  const blockOffsets = new Int32Array(grid * grid + 1);
  for (let r = 0; r < nRows; r++) {
    const base = rowBlock[r]! * grid;
    for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
      blockOffsets[base + colBlock[cols[p]!]! + 1]!++;
    }
  }
  for (let b = 0; b < grid * grid; b++) blockOffsets[b + 1]! += blockOffsets[b]!;
  const cursor = blockOffsets.slice(0, grid * grid);
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const ratings = new Float32Array(n);
  for (let r = 0; r < nRows; r++) {
    const base = rowBlock[r]! * grid;
    for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
      const c = cols[p]!;
      const q = cursor[base + colBlock[c]!]!;
      cursor[base + colBlock[c]!] = q + 1;
      users[q] = r;
      items[q] = c;
      ratings[q] = values[p]!;
    }
  }
  return { users, items, ratings, blockOffsets, grid };
}

/**
 * grid 1: the entries in plain CSR order, the same arrays the counting sort gives for one block,
 * built by bulk copies (a fit on ml-100k spent ~6 ms here going through the general path).
 */
function csrOrderPlan(csr: Csr, n: number): SgdPlan {
  const { offsets, cols, values, nRows } = csr;
  const users = new Int32Array(n);
  for (let r = 0; r < nRows; r++) users.fill(r, offsets[r]!, offsets[r + 1]!);
  const items = cols.slice(0, n);
  const ratings = values.slice(0, n);
  return { users, items, ratings, blockOffsets: Int32Array.of(0, n), grid: 1 };
}

/** Assigns consecutive indices to `parts` ranges so each range holds about total / parts of the mass. */
function equalMassRanges(mass: Float64Array, parts: number, total: number, out: Int32Array): void {
  let acc = 0;
  for (let i = 0; i < mass.length; i++) {
    // The range an index falls in is decided by the mass before its midpoint, so a heavy
    // index lands where most of it belongs.
    const mid = acc + mass[i]! / 2;
    out[i] = total > 0 ? Math.min(parts - 1, Math.floor((mid * parts) / total)) : 0;
    acc += mass[i]!;
  }
}
