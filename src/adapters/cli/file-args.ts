import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../../engine/errors.js';

/**
 * Files named on the command line, checked before any work so that a typo in an output path is a
 * one-line error in a second, not a crash after a full evaluation (docs/model-directory.md,
 * "Output files").
 */

/** Errors from the file system that the user can fix (a path, a permission, a full disk). */
const USER_FIXABLE: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'name too long',
};

/** The file-system error as an InputError naming the flag and path, or the error itself when it is not the user's to fix. */
export function fileError(error: unknown, what: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code ? USER_FIXABLE[code] : undefined;
  return reason ? new InputError(`${what}: ${reason}`, { cause: error }) : error;
}

/**
 * The last line of defence in main: a file-system error with a path that the user can fix (no
 * permission, read-only or full disk, a folder where a file belongs), wherever it was raised, as
 * a one-line InputError. ENOENT is left out: a missing file of reckit's own is not the user's.
 */
export function pathErrorAsInput(error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.path !== 'string' || e.code === 'ENOENT' || !(e.code && USER_FIXABLE[e.code])) return error;
  return fileError(error, e.path);
}

/** Reads a text file given by `flag`; a missing file, a folder or no permission is an InputError. */
export async function readInputFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(error, `${flag} ${path}`);
  }
}

/**
 * Checks that `path` can be written: not a folder, and its folder exists (or, with
 * `createParents`, can be created) and is writable.
 */
export async function checkOutputFile(path: string, flag: string, o: { createParents?: boolean } = {}): Promise<void> {
  const what = `${flag} ${path}`;
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) throw new InputError(`${what}: is a folder; give a file name`);
  let folder = dirname(resolve(path));
  for (;;) {
    const f = await stat(folder).catch((error: NodeJS.ErrnoException) => error);
    if (!(f instanceof Error)) {
      if (!f.isDirectory()) throw new InputError(`${what}: ${folder} is a file, not a folder`);
      break;
    }
    if (f.code === 'ENOTDIR') throw new InputError(`${what}: ${USER_FIXABLE.ENOTDIR}`);
    if (f.code !== 'ENOENT') throw fileError(f, what);
    if (!o.createParents) throw new InputError(`${what}: the folder ${folder} does not exist`);
    const up = dirname(folder);
    if (up === folder) break;
    folder = up;
  }
  try {
    await access(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new InputError(`${what}: the folder ${folder} is not writable`);
  }
}
