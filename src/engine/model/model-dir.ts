import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { RatingScale } from '../matrix/rating-matrix.js';
import { makeDirs } from './make-dirs.js';
import type { ModelDataCore } from './model-base.js';
import { acquireLock, LOCK_TEMP, pidAlive } from './model-dir-lock.js';
import { checkModelDirTarget } from './model-dir-target.js';
import { checkMeta, DATA_FILE_NAME, metaChecksum, sha256, tableOfFile } from './model-meta-check.js';

export const MODEL_FORMAT = 'reckit-model';
/** 2: data file names may carry a version tag, and model.json carries its own checksum. */
export const MODEL_FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

/** model.json: what a model directory holds. Arrow files are plain IPC files any Arrow reader opens. */
export interface ModelMeta {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  /** Which loader reads it back ('factor' | 'cluster'). */
  kind: string;
  algorithm: string;
  params: Record<string, unknown>;
  idTypes: { user: 'number' | 'string'; item: 'number' | 'string' };
  scale: RatingScale;
  metrics?: Record<string, number> | undefined;
  /** Anything else the model kind needs (scalars only; arrays go in Arrow files). */
  extra?: Record<string, unknown> | undefined;
  createdAt: string;
  reckitVersion: string;
  /** Each data file (`<table>.arrow` or `<table>.<tag>.arrow`): its table, sha256 and size, checked on load. */
  files: Record<string, { table?: string | undefined; sha256: string; bytes: number }>;
  /** sha256 of this file's canonical JSON without this field (model-meta-check.ts). */
  metaSha256?: string | undefined;
}

export type ModelMetaInput = Omit<
  ModelMeta,
  'format' | 'formatVersion' | 'files' | 'createdAt' | 'reckitVersion' | 'metaSha256'
>;

/** model.json's fields as a rating model's data fills them in every kind, with the kind's own `extra`. */
export function ratingModelMeta(
  kind: string,
  d: Pick<ModelDataCore, 'algorithm' | 'params' | 'users' | 'items' | 'scale'> & {
    metrics?: Record<string, number> | undefined;
  },
  extra: Record<string, unknown>,
): ModelMetaInput {
  return {
    kind,
    algorithm: d.algorithm,
    params: d.params,
    idTypes: { user: d.users.kind, item: d.items.kind },
    scale: d.scale,
    metrics: d.metrics,
    extra,
  };
}

const RECKIT_VERSION = '0.1.0';
const META_TEMP = /^\.model\.json\.[0-9a-f]{8}\.tmp$/;

/**
 * Writes a model directory so that `dir` holds a complete, loadable model at every instant
 * (docs/model-directory.md): refuses a `dir` that is not a reckit model directory, takes the
 * directory's lock, writes the data files under names the current model does not use, then
 * renames a new model.json over the old one (the commit), then deletes the old model's files.
 */
export async function writeModelDir(dir: string, meta: ModelMetaInput, tables: Record<string, Table>): Promise<void> {
  for (const name of Object.keys(tables)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new InputError(`model file name "${name}" must be kebab-case`);
  }
  const abs = (await checkModelDirTarget(dir)).dir;
  try {
    await replaceModel(dir, abs, meta, tables);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && USER_FIXABLE.has(code)) {
      throw new InputError(`${dir}: cannot write the model directory (${(error as Error).message})`, { cause: error });
    }
    throw error;
  }
  await removeLegacySiblings(abs);
}

/** Failures of the file system the user can fix: a path, a permission, a full disk. */
const USER_FIXABLE = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'ENAMETOOLONG',
]);

async function replaceModel(
  dir: string,
  abs: string,
  meta: ModelMetaInput,
  tables: Record<string, Table>,
): Promise<void> {
  await makeDirs(abs);
  const lock = await acquireLock(abs);
  let journal: string[] = [];
  try {
    await removeLeftovers(abs, lock.staleJournal);
    const old = (await checkModelDirTarget(dir)).listed;
    const taken = new Set(await readdir(abs));
    let tag = randomBytes(4).toString('hex');
    while (Object.keys(tables).some((t) => taken.has(`${t}.${tag}.arrow`))) tag = randomBytes(4).toString('hex');
    const names = Object.keys(tables).map((t) => [t, taken.has(`${t}.arrow`) ? `${t}.${tag}.arrow` : `${t}.arrow`]);
    const metaTmp = `.model.json.${tag}.tmp`;
    // The journal names every file this writer may leave behind, before any of them exists.
    journal = [...names.map(([, f]) => f as string), metaTmp, ...old];
    await lock.setJournal(journal);
    const files: ModelMeta['files'] = {};
    for (const [table, file] of names as [string, string][]) {
      const bytes = tableToIPC(tables[table]!, 'file');
      await writeDurably(join(abs, file), bytes);
      files[file] = { table, sha256: sha256(bytes), bytes: bytes.byteLength };
    }
    const full: ModelMeta = {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      ...meta,
      createdAt: new Date().toISOString(),
      reckitVersion: RECKIT_VERSION,
      files,
    };
    full.metaSha256 = metaChecksum(full);
    await writeDurably(join(abs, metaTmp), `${JSON.stringify(full, null, 2)}\n`);
    await rename(join(abs, metaTmp), join(abs, 'model.json'));
    await syncDir(abs);
    for (const f of old) if (!(f in files)) await rm(join(abs, f), { force: true });
  } catch (error) {
    // What this writer made and model.json does not list (before the commit: the new files).
    await removeLeftovers(abs, journal).catch(() => undefined);
    throw error;
  } finally {
    await lock.release();
  }
}

/**
 * Deletes what dead writers left (their journals, less what model.json lists now) and dead lock
 * temp files. Only names of reckit's own patterns are ever deleted.
 */
async function removeLeftovers(abs: string, journal: readonly string[]): Promise<void> {
  const listed = new Set(await currentFiles(abs));
  for (const f of journal) {
    if (listed.has(f) || !(DATA_FILE_NAME.test(f) || META_TEMP.test(f))) continue;
    await rm(join(abs, f), { force: true });
  }
  for (const e of await readdir(abs)) {
    const m = LOCK_TEMP.exec(e);
    if (m && !pidAlive(Number(m[1]))) await rm(join(abs, e), { force: true });
  }
}

async function currentFiles(abs: string): Promise<string[]> {
  try {
    const meta = JSON.parse(await readFile(join(abs, 'model.json'), 'utf8')) as ModelMeta;
    return Object.keys(meta.files ?? {});
  } catch {
    return [];
  }
}

/**
 * Earlier reckit versions built a model in `.NAME.tmp-<hex>` beside NAME and moved the old one to
 * `.NAME.old-<hex>`; a writer killed between those renames left them behind. Once NAME holds a
 * model again they are removed, but only when they hold nothing except a reckit model's files.
 */
async function removeLegacySiblings(abs: string): Promise<void> {
  const parent = dirname(abs);
  const pattern = new RegExp(`^\\.${escapeRe(basename(abs))}\\.(tmp|old)-[0-9a-f]{8}$`);
  for (const e of await readdir(parent).catch(() => [] as string[])) {
    if (!pattern.test(e)) continue;
    const sib = join(parent, e);
    const inside = await readdir(sib).catch(() => undefined);
    if (!inside?.every((f) => f === 'model.json' || DATA_FILE_NAME.test(f))) continue;
    if (inside.includes('model.json')) {
      const meta = JSON.parse(await readFile(join(sib, 'model.json'), 'utf8').catch(() => '{}'));
      if (meta?.format !== MODEL_FORMAT) continue;
    }
    await rm(sib, { recursive: true, force: true });
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Write, fsync, close: the bytes are on disk before the rename that publishes them. */
async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await fh.close();
  }
}

/**
 * Reads and verifies a model directory: format, version, model.json's own checksum and every
 * file's. A writer replacing the model meanwhile (model.json changed under us) means: read again.
 */
export async function readModelDir(dir: string): Promise<{ meta: ModelMeta; tables: Record<string, Table> }> {
  try {
    return await readModelDirOnce(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && USER_FIXABLE.has(code)) {
      throw new InputError(`${dir}: cannot read the model directory (${(error as Error).message})`, { cause: error });
    }
    throw error;
  }
}

async function readModelDirOnce(dir: string): Promise<{ meta: ModelMeta; tables: Record<string, Table> }> {
  const metaPath = join(dir, 'model.json');
  for (let attempt = 0; ; attempt++) {
    if (!existsSync(metaPath)) throw new InputError(`${dir} is not a reckit model directory: no model.json`);
    const text = await readFile(metaPath, 'utf8');
    try {
      return await readWith(dir, metaPath, text);
    } catch (error) {
      const now = await readFile(metaPath, 'utf8').catch(() => text);
      if (attempt >= 4 || now === text) throw error;
    }
  }
}

async function readWith(
  dir: string,
  metaPath: string,
  text: string,
): Promise<{ meta: ModelMeta; tables: Record<string, Table> }> {
  let meta: ModelMeta;
  try {
    meta = JSON.parse(text) as ModelMeta;
  } catch (error) {
    throw new InputError(`${metaPath}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (meta?.format !== MODEL_FORMAT) {
    throw new InputError(`${metaPath}: format is ${JSON.stringify(meta?.format)}, expected "${MODEL_FORMAT}"`);
  }
  if (!READABLE_VERSIONS.includes(meta.formatVersion)) {
    throw new InputError(
      `${metaPath}: format version ${meta.formatVersion} is not supported (this reckit reads ${READABLE_VERSIONS.join(' and ')})`,
    );
  }
  checkMeta(metaPath, meta as unknown as Record<string, unknown>, meta.formatVersion);
  const tables: Record<string, Table> = {};
  for (const [file, want] of Object.entries(meta.files)) {
    const path = join(resolve(dir), file);
    if (!existsSync(path)) throw new InputError(`${path}: missing (listed in model.json)`);
    const bytes = await readFile(path);
    const got = sha256(bytes);
    if (got !== want.sha256) {
      throw new InputError(
        `${path}: checksum mismatch (sha256 ${got}, model.json says ${want.sha256}); the model is corrupt`,
      );
    }
    tables[tableOfFile(file) as string] = tableFromIPC(bytes);
  }
  return { meta, tables };
}
