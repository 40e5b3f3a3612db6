import type { PairDot } from '../signatures.js';
import { dotModuleBytes } from './dot-module.js';

const PAGE_BYTES = 65536;

let compiled: WebAssembly.Module | null | undefined;

/**
 * p_u . q_i in WebAssembly, for single predictions: V8 compiles the JavaScript loop with a map
 * and bounds check per element (~25 instructions per factor, 2.6k for k = 100), the wasm loop to
 * a few instructions per factor; an addon call would cost more than the work. The factors are
 * copied once into the module's memory (a second copy of the model's factors). Undefined when
 * WebAssembly cannot run here (e.g. node --jitless) or the memory cannot be had (over 4 GiB);
 * the caller then uses the TypeScript loop, which gives the same bits.
 */
export function wasmPairDot(userFactors: Float32Array, itemFactors: Float32Array, k: number): PairDot | undefined {
  const bytes = (userFactors.length + itemFactors.length) * 4;
  const module = dotModule();
  if (!module) return undefined;
  let memory: WebAssembly.Memory;
  let dot: (a: number, b: number, k: number) => number;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
    dot = new WebAssembly.Instance(module, { env: { memory } }).exports.dot as typeof dot;
  } catch {
    return undefined; // RangeError: no memory that large
  }
  new Float32Array(memory.buffer, 0, userFactors.length).set(userFactors);
  const itemsAt = userFactors.length * 4;
  new Float32Array(memory.buffer, itemsAt, itemFactors.length).set(itemFactors);
  const row = k * 4;
  return (u, i) => dot(u * row, itemsAt + i * row, k);
}

/** The compiled module, once per process; null when this runtime has no WebAssembly. */
function dotModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(dotModuleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}
