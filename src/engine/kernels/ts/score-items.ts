import { InputError } from '../../errors.js';
import type { ItemFactors } from '../signatures.js';

/** Reference twin of native/score-items.cc: out[i] = v . q_i + bias_i + offset for every item (dot in double). */
export function scoreItems(items: ItemFactors, vector: Float32Array, offset: number): Float32Array {
  const { factors, k, bias } = items;
  if (vector.length !== k) throw new InputError(`vector has ${vector.length} values, expected ${k} (the factor count)`);
  const out = new Float32Array(bias.length);
  for (let i = 0; i < bias.length; i++) {
    let dot = 0;
    for (let f = 0, q = i * k; f < k; f++, q++) dot += vector[f]! * factors[q]!;
    out[i] = dot + bias[i]! + offset;
  }
  return out;
}
