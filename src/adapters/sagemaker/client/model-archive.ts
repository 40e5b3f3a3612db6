import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';

/**
 * Tars a folder the way SageMaker packs /opt/ml/model into model.tar.gz: gzip, the folder's
 * entries at the archive root (no leading `model/` or `./`), so extracting into /opt/ml/model
 * puts the files exactly where the serving container expects them.
 */
export async function packFolder(dir: string, file: string): Promise<number> {
  const entries = (await readdir(dir)).sort();
  // An empty folder still gives a valid (empty) archive: two zero blocks, gzipped.
  if (entries.length === 0) await writeFile(file, gzipSync(Buffer.alloc(1024)));
  else await tar.c({ gzip: true, file, cwd: dir, portable: true }, entries);
  return entries.length;
}

/** Extracts a .tar.gz into `dir` (created if missing); refuses entries that would land outside it. */
export async function unpackArchive(file: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await tar.x({ file, cwd: dir, strict: true });
}

/** The entry names of a .tar.gz, in archive order (to check its layout). */
export async function listArchive(file: string): Promise<string[]> {
  const names: string[] = [];
  await tar.t({ file, onReadEntry: (e) => void names.push(e.path) });
  return names;
}
