import type { Command } from 'commander';
import { InputError } from '../../../engine/errors.js';
import type { Id } from '../../../engine/matrix/id-index.js';
import { loadModel } from '../../../engine/model/load-model.js';
import { type CliContext, emit } from '../context.js';
import { readInputFile } from '../file-args.js';
import { parseId } from './recommend.js';

export interface PredictRun {
  model: string;
  user?: string | undefined;
  item?: string | undefined;
  /** A CSV of user,item lines; a header line is optional. */
  pairs?: string | undefined;
}

export interface PredictRow {
  user: Id;
  item: Id;
  score: number;
  /** false when a fallback answered (Surprise's was_impossible). */
  known: boolean;
}

/** `reckit predict` as a plain function: one pair or a file of pairs, clipped scores with known flags. */
export async function runPredict(o: PredictRun): Promise<PredictRow[]> {
  if (!o.pairs && (o.user === undefined || o.item === undefined)) {
    throw new InputError('predict needs --user and --item, or --pairs FILE.csv');
  }
  if (o.pairs && (o.user !== undefined || o.item !== undefined)) {
    throw new InputError('predict takes either --user/--item or --pairs, not both');
  }
  // The pairs file first: a missing one is named before the model is read.
  const text = o.pairs ? await readInputFile(o.pairs, '--pairs') : undefined;
  const model = await loadModel(o.model);
  let users: Id[];
  let items: Id[];
  if (o.pairs) {
    ({ users, items } = parsePairs(text as string, o.pairs, model.users.kind, model.items.kind));
  } else {
    users = [parseId(o.user as string, model.users.kind, '--user')];
    items = [parseId(o.item as string, model.items.kind, '--item')];
  }
  const { scores, known } = model.predict(users, items);
  return users.map((user, p) => ({ user, item: items[p]!, score: scores[p]!, known: known[p] === 1 }));
}

/**
 * `user,item` lines (CRLF ok, fields may be double-quoted, blank lines skipped). The first line is
 * a header when its fields are not ids of the model's kinds (e.g. "userId,movieId"). Errors name
 * the file, the line and the field.
 */
export function parsePairs(
  text: string,
  source: string,
  userKind: 'number' | 'string',
  itemKind: 'number' | 'string',
): { users: Id[]; items: Id[] } {
  const users: Id[] = [];
  const items: Id[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, k) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const fields = line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    const where = (field: string) => `${source} line ${k + 1}, field ${field}`;
    if (fields.length !== 2) {
      throw new InputError(`${source} line ${k + 1}: expected 2 fields "user,item", found ${fields.length}`);
    }
    const isHeader =
      users.length === 0 &&
      ((userKind === 'number' && !Number.isFinite(Number(fields[0]))) ||
        (itemKind === 'number' && !Number.isFinite(Number(fields[1])))) &&
      /^[A-Za-z_ ]+$/.test(fields[0]!) &&
      /^[A-Za-z_ ]+$/.test(fields[1]!);
    if (isHeader) return;
    users.push(parseId(fields[0]!, userKind, where('user')));
    items.push(parseId(fields[1]!, itemKind, where('item')));
  });
  if (users.length === 0) throw new InputError(`${source}: no user,item pairs`);
  return { users, items };
}

export function registerPredict(program: Command, ctx: CliContext): void {
  program
    .command('predict')
    .description('predicted ratings from a saved model, for one pair or a CSV of pairs (unknown ids fall back)')
    .requiredOption('--model <dir>', 'model directory written by `reckit train`')
    .option('--user <id>', 'user id')
    .option('--item <id>', 'item id')
    .option('--pairs <file>', 'CSV of user,item lines (header optional)')
    .option('--json', 'print JSON')
    .action(async (a: { model: string; user?: string; item?: string; pairs?: string; json?: boolean }) => {
      const rows = await runPredict(a);
      emit(ctx, a.json, rows, () =>
        [
          'user,item,score,known',
          ...rows.map((r) => `${r.user},${r.item},${Number(r.score.toPrecision(7))},${r.known}`),
          '',
        ].join('\n'),
      );
    });
}
