import { InputError } from '../../errors.js';
import type { KmeansRows } from '../../kernels/signatures.js';

/** Rows checked and ready for the kernels: norms computed, unit-normalised for cosine. */
export interface PreparedRows {
  rows: KmeansRows;
  n: number;
  dim: number;
  /** ||x||^2 per row, in double, ascending column (the order the kernels sum in). */
  norms: Float64Array;
  nnz: number;
}

/**
 * Checks k-means input and computes row norms. `where` names the input in messages. With
 * `cosine`, rows are scaled to unit length (a copy of the values; the CSR structure is shared),
 * so squared distances are 2 - 2 cos and a row of length zero has no direction: InputError.
 */
export function prepareRows(rows: KmeansRows, where: string, cosine: boolean): PreparedRows {
  const n = rows.kind === 'csr' ? rows.csr.nRows : rows.nRows;
  const dim = rows.kind === 'csr' ? rows.csr.nCols : rows.dim;
  if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`${where}: there are no rows to cluster (nRows = ${n})`);
  if (!(Number.isInteger(dim) && dim >= 1)) {
    throw new InputError(`${where}: rows have zero length (dim = ${dim}); each row needs at least one column`);
  }
  const norms = new Float64Array(n);
  let nnz: number;
  if (rows.kind === 'csr') {
    const { offsets, cols, values } = rows.csr;
    if (offsets.length !== n + 1 || offsets[0] !== 0) {
      throw new InputError(`${where}: CSR offsets must have nRows + 1 = ${n + 1} entries starting at 0`);
    }
    nnz = offsets[n]!;
    if (nnz > cols.length || nnz > values.length)
      throw new InputError(`${where}: CSR offsets[nRows] exceeds cols/values`);
    for (let r = 0; r < n; r++) {
      if (offsets[r + 1]! < offsets[r]!) throw new InputError(`${where}: CSR offsets decrease at row ${r}`);
      let s = 0;
      for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
        const v = values[p]!;
        const j = cols[p]!;
        if (!Number.isFinite(v))
          throw new InputError(`${where} row ${r}, column ${j}: value ${v} is not a finite number`);
        if (!(j >= 0 && j < dim)) throw new InputError(`${where} row ${r}: column ${j} is outside [0, ${dim})`);
        s += v * v;
      }
      norms[r] = s;
    }
  } else {
    if (rows.values.length !== n * dim) {
      throw new InputError(`${where}: ${rows.values.length} values, expected nRows*dim = ${n}*${dim}`);
    }
    nnz = 0;
    const { values } = rows;
    // Zeros are skipped (s + 0 is s, so the norms keep their bits); NaN and +-Inf are the
    // non-zeros with v - v !== 0. This loop runs once per fit over every value of a dense input.
    for (let r = 0, base = 0; r < n; r++, base += dim) {
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const v = values[base + j]!;
        if (v === 0) continue;
        if (v - v !== 0) throw new InputError(`${where} row ${r}, column ${j}: value ${v} is not a finite number`);
        nnz++;
        s += v * v;
      }
      norms[r] = s;
    }
  }
  return cosine ? normalise(rows, n, dim, norms, nnz, where) : { rows, n, dim, norms, nnz };
}

function normalise(rows: KmeansRows, n: number, dim: number, norms: Float64Array, nnz: number, where: string) {
  for (let r = 0; r < n; r++) {
    if (norms[r] === 0) {
      throw new InputError(
        `${where} row ${r} has length zero: cosine k-means needs at least one non-zero value in every row`,
      );
    }
  }
  const unit = new Float64Array(n);
  let out: KmeansRows;
  if (rows.kind === 'csr') {
    const { offsets, values } = rows.csr;
    const scaled = new Float32Array(values.length);
    for (let r = 0; r < n; r++) {
      const inv = 1 / Math.sqrt(norms[r]!);
      for (let p = offsets[r]!; p < offsets[r + 1]!; p++) scaled[p] = values[p]! * inv;
    }
    out = { kind: 'csr', csr: { ...rows.csr, values: scaled } };
  } else {
    const scaled = new Float32Array(rows.values.length);
    for (let r = 0; r < n; r++) {
      const inv = 1 / Math.sqrt(norms[r]!);
      for (let j = 0; j < dim; j++) scaled[r * dim + j] = rows.values[r * dim + j]! * inv;
    }
    out = { kind: 'dense', values: scaled, nRows: n, dim };
  }
  forEachRow(out, (r, _j, v) => {
    unit[r]! += v * v;
  });
  return { rows: out, n, dim, norms: unit, nnz };
}

/** f(r, j, v) over every non-zero, rows in order, ascending j within a row. */
export function forEachRow(rows: KmeansRows, f: (r: number, j: number, v: number) => void): void {
  if (rows.kind === 'csr') {
    const { offsets, cols, values, nRows } = rows.csr;
    for (let r = 0; r < nRows; r++) for (let p = offsets[r]!; p < offsets[r + 1]!; p++) f(r, cols[p]!, values[p]!);
  } else {
    const { values, nRows, dim } = rows;
    for (let r = 0; r < nRows; r++) {
      for (let j = 0; j < dim; j++) {
        const v = values[r * dim + j]!;
        if (v !== 0) f(r, j, v);
      }
    }
  }
}

/** target[offset + j] += scale * x_j over row r's non-zeros. */
export function addRow(
  rows: KmeansRows,
  r: number,
  target: Float64Array | Float32Array,
  offset: number,
  scale: number,
) {
  if (rows.kind === 'csr') {
    const { offsets, cols, values } = rows.csr;
    for (let p = offsets[r]!; p < offsets[r + 1]!; p++) target[offset + cols[p]!]! += scale * values[p]!;
  } else {
    const { values, dim } = rows;
    for (let j = 0; j < dim; j++) target[offset + j]! += scale * values[r * dim + j]!;
  }
}

/**
 * Mean over columns of each column's variance (zeros included): scikit-learn scales `tol` by it,
 * so the stopping rule does not depend on the data's units.
 */
export function meanColumnVariance(p: PreparedRows): number {
  const sum = new Float64Array(p.dim);
  const sq = new Float64Array(p.dim);
  // forEachRow's visit order, inlined (this runs once per fit over every value).
  const rows = p.rows;
  if (rows.kind === 'csr') {
    const { offsets, cols, values } = rows.csr;
    for (let q = 0; q < offsets[p.n]!; q++) {
      const j = cols[q]!;
      const v = values[q]!;
      sum[j]! += v;
      sq[j]! += v * v;
    }
  } else {
    const { values } = rows;
    for (let base = 0; base < p.n * p.dim; base += p.dim) {
      for (let j = 0; j < p.dim; j++) {
        const v = values[base + j]!;
        if (v !== 0) {
          sum[j]! += v;
          sq[j]! += v * v;
        }
      }
    }
  }
  let total = 0;
  for (let j = 0; j < p.dim; j++) {
    const mean = sum[j]! / p.n;
    total += Math.max(0, sq[j]! / p.n - mean * mean);
  }
  return total / p.dim;
}
