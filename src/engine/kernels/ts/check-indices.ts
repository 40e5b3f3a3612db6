import { NativeError } from '../../errors.js';

/** Same failure as the native RK_CHECK on out-of-range indices, so twins fail alike. */
export function checkIndices(a: Int32Array, limit: number, what: 'row' | 'col'): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < 0 || v >= limit) throw new NativeError(`${what} index out of range at input ${i}`);
  }
}
