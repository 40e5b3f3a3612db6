import { InputError } from '../errors.js';
import type { Id, IdIndex } from '../matrix/id-index.js';

/**
 * The user rows `recommendAll` ranks: the given ids (every one must be a training user, else one
 * InputError naming up to five of them), or every user the model knows.
 */
export function usersToRank(users: IdIndex, known: (u: number) => boolean, ids?: readonly Id[]): Int32Array {
  if (!ids) {
    const out: number[] = [];
    for (let u = 0; u < users.size; u++) if (known(u)) out.push(u);
    return Int32Array.from(out);
  }
  const out = new Int32Array(ids.length);
  const unknown: Id[] = [];
  ids.forEach((id, r) => {
    out[r] = users.indexOf(id);
    if (out[r]! < 0) unknown.push(id);
  });
  if (unknown.length) {
    throw new InputError(
      `recommendAll: ${unknown.length} unknown user id(s): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}` +
        ' (use recommend() or foldIn() for users not in training)',
    );
  }
  return out;
}
