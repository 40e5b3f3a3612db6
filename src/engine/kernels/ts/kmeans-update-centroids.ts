/**
 * The M-step: each centroid becomes the mean of its rows (sums / counts, in double, stored
 * float32); a centroid with no rows keeps its place. With `spherical`, centroids are scaled back
 * to unit length (spherical k-means, for cosine). Returns the new centroids and how far each moved.
 */
export function updateCentroids(
  old: Float32Array,
  sums: Float64Array,
  counts: Float64Array,
  k: number,
  dim: number,
  spherical: boolean,
): { centroids: Float32Array; shift: Float64Array; shiftTotal: number } {
  const next = new Float32Array(k * dim);
  const shift = new Float64Array(k);
  let shiftTotal = 0;
  for (let c = 0; c < k; c++) {
    const base = c * dim;
    const count = counts[c]!;
    if (count > 0 && !spherical) {
      // Mean and movement in one pass (the stored float32 is what the movement is measured from).
      let moved = 0;
      for (let j = 0; j < dim; j++) {
        const v = Math.fround(sums[base + j]! / count);
        next[base + j] = v;
        const d = v - old[base + j]!;
        moved += d * d;
      }
      shift[c] = Math.sqrt(moved);
      shiftTotal += moved;
      continue;
    }
    if (count > 0) {
      for (let j = 0; j < dim; j++) next[base + j] = sums[base + j]! / count;
    } else {
      next.set(old.subarray(base, base + dim), base);
    }
    if (spherical) normaliseRow(next, base, dim);
    let moved = 0;
    for (let j = 0; j < dim; j++) {
      const d = next[base + j]! - old[base + j]!;
      moved += d * d;
    }
    shift[c] = Math.sqrt(moved);
    shiftTotal += moved;
  }
  return { centroids: next, shift, shiftTotal };
}

/** Scales a[base .. base+dim) to unit length; leaves a zero vector as it is. */
export function normaliseRow(a: Float32Array, base: number, dim: number): void {
  let s = 0;
  for (let j = 0; j < dim; j++) s += a[base + j]! * a[base + j]!;
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < dim; j++) a[base + j]! *= inv;
}
