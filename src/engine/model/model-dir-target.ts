import { constants } from 'node:fs';
import { access, lstat, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { LOCK_FILE, LOCK_TEMP, readLock } from './model-dir-lock.js';
import { DATA_FILE_NAME } from './model-meta-check.js';

/**
 * What reckit will write a model into, checked before any work (docs/model-directory.md, "What
 * reckit replaces"): a path that does not exist yet (its parents are created), or a directory
 * holding nothing but a reckit model (model.json with the format marker, the files it lists) and
 * the lock and leftovers of reckit writers. Anything else - a file, a folder of other files, the
 * current directory or a parent of it - is refused, naming the first foreign entry.
 */
export interface ModelDirTarget {
  /** Absolute path. */
  dir: string;
  exists: boolean;
  /** Files the current model lists (empty when there is none). */
  listed: string[];
}

const FORMAT = 'reckit-model';
const HINT = 'reckit replaces only a model directory it wrote; choose a new or empty directory';

export async function checkModelDirTarget(dir: string): Promise<ModelDirTarget> {
  const abs = resolve(dir);
  const cwd = process.cwd();
  if (abs === cwd || cwd.startsWith(abs.endsWith(sep) ? abs : abs + sep)) {
    throw new InputError(
      `${dir}: is ${abs === cwd ? 'the current directory' : 'a parent of the current directory'}; a model needs a directory of its own (e.g. models/svd)`,
    );
  }
  const st = await stat(abs).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!st) {
    const link = await lstat(abs).catch(() => undefined);
    if (link?.isSymbolicLink()) throw new InputError(`${dir}: is a symbolic link to a missing path`);
    await checkCreatable(dir, abs);
    return { dir: abs, exists: false, listed: [] };
  }
  if (!st.isDirectory()) throw new InputError(`${dir}: is a file, not a model directory; ${HINT}`);
  if (!(await writable(abs))) throw new InputError(`${dir}: the directory is not writable`);
  const entries = (await readdir(abs)).sort();
  const listed = entries.includes('model.json') ? await listedFiles(dir, abs) : [];
  const lock = await readLock(abs);
  const journal = new Set((lock?.info?.journal ?? []).filter((f) => typeof f === 'string'));
  const allowed = new Set(['model.json', LOCK_FILE, ...listed, ...journal]);
  // In a folder whose model.json is reckit's, files named by reckit's own scheme (a table file, a
  // model.json temp) that nothing lists are a killed writer's leftovers: the next writer deletes
  // them with the old model's files instead of refusing the folder.
  const leftovers = entries.includes('model.json')
    ? entries.filter((e) => !allowed.has(e) && (DATA_FILE_NAME.test(e) || /^\.model\.json\.[0-9a-f]{8}\.tmp$/.test(e)))
    : [];
  for (const e of leftovers) allowed.add(e);
  const foreign = entries.filter((e) => !allowed.has(e) && !LOCK_TEMP.test(e));
  if (foreign.length > 0) {
    const more = foreign.length > 1 ? ` and ${foreign.length - 1} more` : '';
    throw new InputError(`${dir}: holds "${foreign[0]}"${more}, which reckit did not write; ${HINT}`);
  }
  return { dir: abs, exists: true, listed: [...listed, ...leftovers] };
}

/** The files model.json lists, after checking it is reckit's own. */
async function listedFiles(dir: string, abs: string): Promise<string[]> {
  const path = join(abs, 'model.json');
  let meta: { format?: unknown; files?: unknown };
  try {
    meta = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${dir}: its model.json is not valid JSON (${(error as Error).message}); ${HINT}`);
  }
  if (meta?.format !== FORMAT) {
    throw new InputError(
      `${dir}: its model.json is not a reckit model (format ${JSON.stringify(meta?.format)}); ${HINT}`,
    );
  }
  const files = meta.files && typeof meta.files === 'object' ? Object.keys(meta.files) : [];
  return files.filter((f) => DATA_FILE_NAME.test(f));
}

/** The nearest existing ancestor must be a directory reckit can write into. */
async function checkCreatable(dir: string, abs: string): Promise<void> {
  let up = dirname(abs);
  for (;;) {
    const st = await stat(up).catch(() => undefined);
    if (st) {
      if (!st.isDirectory()) throw new InputError(`${dir}: cannot be created, ${up} is a file`);
      if (!(await writable(up))) throw new InputError(`${dir}: cannot be created, ${up} is not writable`);
      return;
    }
    const next = dirname(up);
    if (next === up) return;
    up = next;
  }
}

export async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
