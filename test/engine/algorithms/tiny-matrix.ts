import { tableFromArrays } from 'apache-arrow';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';

/** A rating matrix from [user, item, rating] triples (ids as given). */
export async function tinyMatrix(triples: [number, number, number][]): Promise<RatingMatrix> {
  const table = tableFromArrays({
    user: Int32Array.from(triples, (t) => t[0]),
    item: Int32Array.from(triples, (t) => t[1]),
    rating: Float32Array.from(triples, (t) => t[2]),
  });
  return (await RatingMatrix.fromTable(table)).matrix;
}
