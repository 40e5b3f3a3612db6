import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

/**
 * model.json's own integrity (docs/model-directory.md, "Integrity"): a sha256 over its canonical
 * form (keys sorted at every level, no whitespace, the checksum field left out), so a hand edit of
 * the scale or the params is refused on load while re-indenting the file is not.
 */

/** A data file name a model directory may list: `<table>.arrow` or `<table>.<8 hex>.arrow`, nothing else. */
export const DATA_FILE_NAME = /^([a-z][a-z0-9-]*)(\.[0-9a-f]{8})?\.arrow$/;

/** The table a listed data file holds (its name without the tag and the extension). */
export function tableOfFile(file: string): string | undefined {
  return DATA_FILE_NAME.exec(file)?.[1];
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** JSON with object keys sorted at every level: the same bytes for the same content. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The checksum model.json stores in `metaSha256`: over every field but that one. */
export function metaChecksum(meta: object): string {
  const { metaSha256: _, ...rest } = meta as Record<string, unknown>;
  return sha256(canonicalJson(rest));
}

/**
 * Checks what a loader must trust before it opens any file: the self-checksum (format version 2
 * on), the scale, and that every listed file is a plain name inside the directory (no absolute
 * path, `..` or separator can make the loader read elsewhere).
 */
export function checkMeta(metaPath: string, meta: Record<string, unknown>, formatVersion: number): void {
  if (formatVersion >= 2) {
    const want = meta.metaSha256;
    if (typeof want !== 'string') {
      throw new InputError(`${metaPath}: the metaSha256 field is missing; model.json was edited or damaged`);
    }
    if (metaChecksum(meta) !== want) {
      throw new InputError(
        `${metaPath}: content does not match its checksum (metaSha256); model.json was edited or damaged, so the model is refused (retrain it or restore model.json)`,
      );
    }
  }
  const scale = meta.scale as { min?: unknown; max?: unknown } | undefined;
  const { min, max } = scale ?? {};
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InputError(`${metaPath}: scale must be {"min": number, "max": number}, found ${JSON.stringify(scale)}`);
  }
  if (!(min < max)) throw new InputError(`${metaPath}: scale min ${min} must be below max ${max}`);
  const files = meta.files;
  if (files === null || typeof files !== 'object' || Array.isArray(files)) {
    throw new InputError(`${metaPath}: files must be an object of file name -> {sha256, bytes}`);
  }
  for (const [name, entry] of Object.entries(files)) {
    if (!DATA_FILE_NAME.test(name)) {
      throw new InputError(
        `${metaPath}: files names ${JSON.stringify(name.slice(0, 200))}, which is not a data file inside the model directory (expected NAME.arrow)`,
      );
    }
    const e = entry as { sha256?: unknown } | null;
    if (typeof e?.sha256 !== 'string') throw new InputError(`${metaPath}: files["${name}"] has no sha256`);
  }
}
