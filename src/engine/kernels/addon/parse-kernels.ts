import type { ParseKernels, ParseLinesArgs, ParseLinesResult } from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { runNative } from './run-native.js';

interface ParseBinding {
  parseNumericLines(
    buf: Uint8Array,
    delimiter: string,
    columns: Int32Array,
    kinds: Int32Array,
    min: Float64Array,
    max: Float64Array,
    out: (Int32Array | Float32Array | Float64Array)[],
    row: number,
    skipBad: boolean,
    threads: number,
  ): NativeJob<ParseLinesResult>;
}

export function nativeParseKernels(binding: NativeBinding): ParseKernels {
  const b = binding as unknown as ParseBinding;
  return {
    parseNumericLines: (a: ParseLinesArgs, run) =>
      runNative(
        () =>
          b.parseNumericLines(
            a.buf,
            a.delimiter,
            a.columns,
            a.kinds,
            a.min,
            a.max,
            a.out,
            a.row,
            a.skipBad,
            a.threads ?? 0,
          ),
        run,
      ),
  };
}
