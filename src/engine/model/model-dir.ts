import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { RatingScale } from '../matrix/rating-matrix.js';

export const MODEL_FORMAT = 'reckit-model';
export const MODEL_FORMAT_VERSION = 1;

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
  /** sha256 and size of each data file, checked on load. */
  files: Record<string, { sha256: string; bytes: number }>;
}

export type ModelMetaInput = Omit<ModelMeta, 'format' | 'formatVersion' | 'files' | 'createdAt' | 'reckitVersion'>;

const RECKIT_VERSION = '0.1.0';

/**
 * Writes model.json + one `<name>.arrow` IPC file per table into a sibling temp directory, then
 * renames it into place (the old directory, if any, is moved aside first and removed after), so a
 * crash never leaves half a model at `dir`.
 */
export async function writeModelDir(dir: string, meta: ModelMetaInput, tables: Record<string, Table>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  await mkdir(tmp);
  try {
    const files: ModelMeta['files'] = {};
    for (const [name, table] of Object.entries(tables)) {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new InputError(`model file name "${name}" must be kebab-case`);
      const bytes = tableToIPC(table, 'file');
      await writeFile(join(tmp, `${name}.arrow`), bytes);
      files[`${name}.arrow`] = { sha256: sha256(bytes), bytes: bytes.byteLength };
    }
    const full: ModelMeta = {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      ...meta,
      createdAt: new Date().toISOString(),
      reckitVersion: RECKIT_VERSION,
      files,
    };
    await writeFile(join(tmp, 'model.json'), `${JSON.stringify(full, null, 2)}\n`);
    const old = existsSync(dir) ? join(parent, `.${basename(dir)}.old-${tag}`) : undefined;
    if (old) await rename(dir, old);
    await rename(tmp, dir);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads and verifies a model directory: format, version and every file's checksum. */
export async function readModelDir(dir: string): Promise<{ meta: ModelMeta; tables: Record<string, Table> }> {
  const metaPath = join(dir, 'model.json');
  if (!existsSync(metaPath)) throw new InputError(`${dir} is not a reckit model directory: no model.json`);
  let meta: ModelMeta;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as ModelMeta;
  } catch (error) {
    throw new InputError(`${metaPath}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (meta?.format !== MODEL_FORMAT) {
    throw new InputError(`${metaPath}: format is ${JSON.stringify(meta?.format)}, expected "${MODEL_FORMAT}"`);
  }
  if (meta.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new InputError(
      `${metaPath}: format version ${meta.formatVersion} is not supported (this reckit reads ${MODEL_FORMAT_VERSION})`,
    );
  }
  const tables: Record<string, Table> = {};
  for (const [file, want] of Object.entries(meta.files ?? {})) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new InputError(`${path}: missing (listed in model.json)`);
    const bytes = await readFile(path);
    const got = sha256(bytes);
    if (got !== want.sha256) {
      throw new InputError(
        `${path}: checksum mismatch (sha256 ${got}, model.json says ${want.sha256}); the model is corrupt`,
      );
    }
    tables[file.replace(/\.arrow$/, '')] = tableFromIPC(bytes);
  }
  return { meta, tables };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
