import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** A 2-D float matrix read from a NumPy .npy file. */
export interface NpyMatrix {
  values: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses a .npy file (format 1.0-3.0): little-endian float32 ('<f4') or float64 ('<f8'), C order,
 * 1-D (one column) or 2-D. Anything else is an InputError naming the file and what it holds.
 */
export function parseNpy(bytes: Uint8Array, path = '.npy file'): NpyMatrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InputError(`${path}: not a .npy file`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3 || start + headerLen > bytes.length) {
    throw new InputError(`${path}: unsupported .npy version ${major} or truncated header`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(`${path}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') throw new InputError(`${path}: Fortran-order arrays are not supported; save with C order`);
  const width = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (width === 0)
    throw new InputError(`${path}: dtype ${descr} is not supported (use float32 '<f4' or float64 '<f8')`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InputError(`${path}: shape (${shapeText}) is not a 1-D or 2-D array`);
  }
  const rows = shape[0]!;
  const cols = shape.length === 2 ? shape[1]! : 1;
  const dataStart = start + headerLen;
  const need = rows * cols * width;
  if (bytes.length - dataStart < need) {
    throw new InputError(`${path}: truncated: ${bytes.length - dataStart} data bytes, shape needs ${need}`);
  }
  // Copy into an aligned buffer (the data offset is only guaranteed a multiple of 16 by newer writers).
  // (new Uint8Array(view) copies; Buffer#slice would not.)
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + need));
  const values =
    width === 4 ? new Float32Array(raw.buffer, 0, rows * cols) : new Float64Array(raw.buffer, 0, rows * cols);
  return { values, rows, cols };
}

export async function readNpy(path: string): Promise<NpyMatrix> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read (${(error as Error).message})`, { cause: error });
  }
  return parseNpy(bytes, path);
}

/** Writes a 2-D float32 matrix as .npy (version 1.0), for tests and for handing vectors to Python. */
export function formatNpy(values: Float32Array, rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + header.length);
  return out;
}
