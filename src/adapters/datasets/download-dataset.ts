import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { CancelledError, InputError } from '../../engine/errors.js';
import type { DatasetEntry } from './registry.js';

export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  /** Fraction of the archive received (0..1; stays 0 when the server sends no length). */
  onProgress?: ((fraction: number) => void) | undefined;
  /** For tests and proxies; default: global fetch. */
  fetch?: typeof fetch | undefined;
}

export interface DownloadResult {
  dir: string;
  bytes: number;
  /** sha256 of the archive as received (print it so the registry can pin it). */
  sha256: string;
  /** Whether a published checksum was checked (false where the registry has none). */
  verified: boolean;
}

/**
 * Downloads a registry dataset's archive into `cacheDir/NAME`: stream to a temp dir with a
 * running sha256, check length and checksum, unzip (stripping the archive's root folder), then
 * rename into place, so an interrupted or bad download never leaves a half-filled dataset folder.
 */
export async function downloadDataset(
  entry: DatasetEntry,
  cacheDir: string,
  o: DownloadOptions = {},
): Promise<DownloadResult> {
  const dl = entry.download;
  const dest = join(cacheDir, entry.name);
  if (!dl) throw new InputError(placeByHand(entry, dest, 'it has no direct download URL'));
  await mkdir(cacheDir, { recursive: true });
  const tmp = await mkdtemp(join(cacheDir, `.reckit-tmp-${entry.name}-`));
  try {
    const archive = join(tmp, 'archive.zip');
    const { bytes, sha256 } = await fetchTo(dl.url, archive, entry, dest, o);
    if (dl.sha256 && dl.sha256.toLowerCase() !== sha256) {
      throw new InputError(
        `${dl.url}: checksum mismatch (sha256 expected ${dl.sha256}, got ${sha256}); the download was discarded. ` +
          `Retry, or ${placeByHand(entry, dest, '')}`,
      );
    }
    const extracted = join(tmp, 'extracted');
    await unzipTo(archive, extracted, dl.archiveRoot, dl.url, o.signal);
    if (entry.ratings && !existsSync(join(extracted, entry.ratings.file))) {
      throw new InputError(
        `${dl.url}: the archive has no ${dl.archiveRoot}${entry.ratings.file}; the registry entry for ${entry.name} may be out of date`,
      );
    }
    await rm(archive);
    try {
      await rename(extracted, dest);
    } catch (error) {
      // another process finished the same download first: keep theirs
      if (!existsSync(dest)) throw error;
    }
    return { dir: dest, bytes, sha256, verified: Boolean(dl.sha256) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The message that says exactly which files to put where. */
export function placeByHand(entry: DatasetEntry, dest: string, why: string): string {
  const files = entry.manual?.files ?? [
    entry.ratings?.file,
    ...entry.items.map((i) => ('file' in i ? i.file : undefined)),
  ];
  const list = files.filter(Boolean).join(', ');
  const from = entry.download?.url ?? entry.manual?.page ?? entry.homepage;
  return (
    `${why ? `dataset ${entry.name} cannot be downloaded: ${why}. ` : ''}` +
    `Download it from ${from}, and place ${list} in ${dest}${sep} (or in $RECKIT_DATA_DIR${sep}${entry.name}${sep})`
  );
}

async function fetchTo(
  url: string,
  path: string,
  entry: DatasetEntry,
  dest: string,
  o: DownloadOptions,
): Promise<{ bytes: number; sha256: string }> {
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, { signal: o.signal ?? null, redirect: 'follow' });
  } catch (error) {
    if (o.signal?.aborted) throw new CancelledError(`download of ${url} cancelled`, { cause: error });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InputError(
      placeByHand(
        entry,
        dest,
        `${url} is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message}); offline?`,
      ),
      { cause: error },
    );
  }
  if (!res.ok || !res.body) {
    throw new InputError(placeByHand(entry, dest, `${url} answered HTTP ${res.status} ${res.statusText}`));
  }
  const expected = Number(res.headers.get('content-length') ?? Number.NaN);
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (o.signal?.aborted) throw new CancelledError(`download of ${url} cancelled`, { cause: error });
        throw new InputError(
          `${url}: the download broke off after ${bytes} bytes (${(error as Error).message}); retry`,
          {
            cause: error,
          },
        );
      }
      if (chunk.done) break;
      hash.update(chunk.value);
      await fh.write(chunk.value);
      bytes += chunk.value.length;
      if (expected > 0) o.onProgress?.(Math.min(1, bytes / expected));
    }
  } finally {
    await fh.close();
  }
  if (Number.isFinite(expected) && bytes !== expected) {
    throw new InputError(`${url}: truncated download (${bytes} of ${expected} bytes); retry`);
  }
  o.onProgress?.(1);
  return { bytes, sha256: hash.digest('hex') };
}

async function unzipTo(archive: string, outDir: string, root: string, url: string, signal?: AbortSignal) {
  mkdirSync(outDir, { recursive: true });
  const open_ = new Map<string, number>();
  let failure: Error | undefined;
  const unzip = new Unzip((file) => {
    const rel = stripRoot(file.name, root);
    if (rel === undefined || file.name.endsWith('/')) return;
    const target = join(outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(target, 'w');
    open_.set(file.name, fd);
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= err;
        return;
      }
      writeSync(fd, data);
      if (final) {
        closeSync(fd);
        open_.delete(file.name);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const fh = await open(archive, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let pos = 0;
    for (;;) {
      if (signal?.aborted) throw new CancelledError(`unzip of ${url} cancelled`);
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      pos += bytesRead;
      try {
        unzip.push(buf.subarray(0, bytesRead), bytesRead === 0);
      } catch (error) {
        failure ??= error as Error;
      }
      if (bytesRead === 0 || failure) break;
    }
  } finally {
    await fh.close();
  }
  if (failure || open_.size > 0) {
    for (const fd of open_.values()) closeSync(fd);
    const what = failure ? failure.message : `${[...open_.keys()].join(', ')} incomplete`;
    throw new InputError(`${url}: the archive is damaged or truncated (${what}); retry the download`);
  }
}

/** Path inside the dataset folder, or undefined for entries outside the root or escaping it. */
function stripRoot(name: string, root: string): string | undefined {
  let rel = name.replace(/\\/g, '/');
  if (root) {
    if (!rel.startsWith(root)) return undefined;
    rel = rel.slice(root.length);
  }
  const n = normalize(rel);
  if (n === '' || n === '.' || n.startsWith('..') || n.startsWith('/')) return undefined;
  return n;
}
