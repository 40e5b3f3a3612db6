import { InputError } from '../errors.js';
import { kernels as activeKernels } from '../kernels/registry.js';
import type { BadLine, KernelRun, Kernels } from '../kernels/signatures.js';
import {
  CODE_TEXT_ID,
  KIND_F32,
  KIND_F64,
  KIND_I32,
  KIND_ID64,
  parseNumber,
} from '../kernels/ts/parse-numeric-lines.js';
import { quoteBoundedBytes } from './quote-bounded.js';

/**
 * How a numeric field is stored: `id` as Int32 (widened to Float64 when an id is not an int32;
 * an id that is not a plain integer throws TextIdFound), `f32` (ratings), `f64` (timestamps).
 */
export type NumericKind = 'id' | 'f32' | 'f64';

export interface NumericField {
  /** Zero-based column position in the line. */
  column: number;
  /** Names the field in errors. */
  name: string;
  kind: NumericKind;
  /** Inclusive bounds; values outside are bad input (the declared rating scale). */
  min?: number | undefined;
  max?: number | undefined;
}

export interface DelimitedNumbersSpec {
  /** Single byte (',' '\t' '|' ';') or '::'. */
  delimiter: string;
  /** Skip the first line. */
  header: boolean;
  /** Fields to read, in output order. */
  fields: readonly NumericField[];
  /** Names the input in errors (a file name). */
  source: string;
  /** Count and skip malformed lines instead of throwing on the first. */
  skipBad?: boolean | undefined;
  /** Rows to allocate up front; columns grow past it. */
  expectedRows?: number | undefined;
}

export type NumericColumn = Int32Array | Float32Array | Float64Array;

export interface ParsedNumbers {
  columns: NumericColumn[];
  rows: number;
  skipped: number;
  /** Reasons for the first few skipped lines. */
  skippedExamples: string[];
}

/**
 * An id field holds text that is not a plain integer id (docs/data-and-ids.md, "Ids"): a string
 * id, or a number written `01`, `1.0`, `2.5` or beyond 2^53. The ratings reader catches it and
 * reads the file again with text ids; anyone else gets a one-line InputError.
 */
export class TextIdFound extends InputError {}

const NL = 10;
const CR = 13;
const MAX_EXAMPLES = 5;
const KIND_CODE: Record<NumericKind, number> = { id: KIND_I32, f32: KIND_F32, f64: KIND_F64 };

/**
 * Incremental driver for the numeric fields of delimited text (u.data, ratings.csv, ratings.dat):
 * feed it blocks that end on a line boundary (see readLineBlocks); the parseNumericLines kernel
 * (native: multithreaded; reference: ts/parse-numeric-lines.ts) fills typed columns. This class
 * keeps what spans blocks: the header, line numbers, column growth, id widening, the messages.
 * LF or CRLF line ends; blank lines are ignored; a field may be double-quoted.
 */
export class DelimitedNumberParser {
  private cols: NumericColumn[];
  private readonly kinds: Int32Array;
  private readonly columns: Int32Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly k: Kernels;
  private row = 0;
  private line = 1;
  private headerPending: boolean;
  private skipped = 0;
  private readonly examples: string[] = [];

  constructor(
    private readonly spec: DelimitedNumbersSpec,
    kernels?: Kernels,
  ) {
    const d = spec.delimiter;
    if (!(d.length === 1 || d === '::')) throw new InputError(`unsupported delimiter ${JSON.stringify(d)}`);
    this.k = kernels ?? activeKernels();
    this.columns = Int32Array.from(spec.fields, (f) => f.column);
    this.kinds = Int32Array.from(spec.fields, (f) => KIND_CODE[f.kind]);
    this.min = Float64Array.from(spec.fields, (f) => f.min ?? Number.NEGATIVE_INFINITY);
    this.max = Float64Array.from(spec.fields, (f) => f.max ?? Number.POSITIVE_INFINITY);
    const cap = Math.max(16, Math.ceil(spec.expectedRows ?? 1024));
    this.cols = spec.fields.map((f) => allocate(f.kind, cap));
    this.headerPending = spec.header;
  }

  /** Parses every line in `buf`; the last line may lack its newline only in the last block. */
  async push(buf: Uint8Array, run?: KernelRun): Promise<void> {
    if (this.headerPending) {
      this.headerPending = false;
      const nl = buf.indexOf(NL);
      buf = nl < 0 ? buf.subarray(buf.length) : buf.subarray(nl + 1);
      this.line++;
    }
    for (;;) {
      const r = await this.k.parseNumericLines(
        {
          buf,
          delimiter: this.spec.delimiter,
          columns: this.columns,
          kinds: this.kinds,
          min: this.min,
          max: this.max,
          out: this.cols,
          row: this.row,
          skipBad: Boolean(this.spec.skipBad),
        },
        run,
      );
      if (r.needCapacity !== undefined) {
        this.grow(Math.max(r.needCapacity, Math.ceil(this.cols[0]!.length * 1.5)));
        continue;
      }
      if (r.widen) {
        // an integer id beyond int32 (but within 2^53): ids become Float64, parse again
        this.kinds.forEach((kind, k) => {
          if (kind !== KIND_I32) return;
          this.kinds[k] = KIND_ID64;
          this.cols[k] = Float64Array.from(this.cols[k] as Int32Array);
        });
        continue;
      }
      const textId = r.bad.find((b) => b.code === CODE_TEXT_ID);
      if (textId) throw new TextIdFound(this.describe(buf, textId));
      for (const b of r.bad) {
        const why = this.describe(buf, b);
        if (!this.spec.skipBad) throw new InputError(why);
        if (this.examples.length < MAX_EXAMPLES) this.examples.push(why);
      }
      this.row += r.rows;
      this.line += r.lines;
      this.skipped += r.skipped;
      return;
    }
  }

  finish(): ParsedNumbers {
    const rows = this.row;
    // subarray, not slice: the <= 50% slack is cheaper to keep than a second copy of 25M rows.
    const columns = this.cols.map((c) => (c.length === rows ? c : c.subarray(0, rows)));
    return { columns, rows, skipped: this.skipped, skippedExamples: this.examples };
  }

  private grow(cap: number): void {
    this.cols = this.cols.map((c) => {
      const next = new (c.constructor as Float64ArrayConstructor)(cap) as NumericColumn;
      next.set(c);
      return next;
    });
  }

  private describe(buf: Uint8Array, b: BadLine): string {
    const where = `${this.spec.source} line ${this.line + b.line}`;
    const f = this.spec.fields[b.field];
    const text = () => quoteBoundedBytes(buf, b.start, b.end);
    if (b.code === CODE_TEXT_ID && f)
      return `${where}: field ${f.name} (column ${f.column + 1}) is ${text()}, not a plain integer id`;
    if (b.code === 1 && f)
      return `${where}: field ${f.name} (column ${f.column + 1}) is ${text()}, not a finite number`;
    if (b.code === 2 && f) {
      const value = new TextDecoder().decode(buf.subarray(b.start, Math.min(b.end, b.start + 64))).trim();
      return `${where}: ${f.name} ${value} (column ${f.column + 1}) is outside the scale [${f.min}, ${f.max}]`;
    }
    if (b.code === 3) {
      return buf[b.start] === CR
        ? `${where}: unexpected carriage return inside the line`
        : `${where}: unexpected text ${JSON.stringify(String.fromCharCode(buf[b.start]!))} after a quoted field`;
    }
    if (b.code === 4) return `${where}: a quoted field is not closed on its line`;
    const missing = this.spec.fields.find((x) => x.column >= b.field) ?? this.spec.fields[0];
    return `${where}: missing field ${missing?.name} (column ${(missing?.column ?? 0) + 1}); the line has ${b.field} field${b.field === 1 ? '' : 's'}`;
  }
}

function allocate(kind: NumericKind, n: number): NumericColumn {
  return kind === 'id' ? new Int32Array(n) : kind === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

/** Parses a whole buffer at once (small files, tests). */
export async function parseDelimitedNumbers(
  buf: Uint8Array,
  spec: DelimitedNumbersSpec,
  kernels?: Kernels,
): Promise<ParsedNumbers> {
  const p = new DelimitedNumberParser(spec, kernels);
  await p.push(buf);
  return p.finish();
}

export { parseNumber };
