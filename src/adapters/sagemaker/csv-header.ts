import type { Model } from '../../engine/model/model.js';

const USER = /^(user|customer|visitor|member)[ _-]?(id)?$/i;
const ITEM = /^(item|movie|product|artist|track|book|song)[ _-]?(id)?$/i;

/**
 * Where a text/csv body's pairs start: after a first line such as `user,item` or
 * `userId,movieId` (a header a CSV export leaves in), else at 0. A first line is a header when
 * both its fields are header names and the model does not know the first as a user id, so a
 * model whose users are named "user" still gets that line scored (docs/serving.md, "CSV").
 */
export function csvPairsStart(body: Buffer, model: Model): number {
  const c = body[0];
  // The common case, an id starting with a digit, costs one comparison.
  if (c === undefined || (c >= 48 && c <= 57)) return 0;
  let end = body.indexOf(10);
  if (end < 0) end = body.length;
  if (end > 200) return 0;
  const fields = body.toString('utf8', 0, end).split(',').map(unquote);
  if (fields.length !== 2) return 0;
  const [user, item] = fields as [string, string];
  if (!USER.test(user) || !ITEM.test(item) || model.users.indexOf(user) >= 0) return 0;
  return Math.min(end + 1, body.length);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}
