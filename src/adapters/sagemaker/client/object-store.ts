import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { InputError } from '../../../engine/errors.js';

/** One object under a prefix: its location, and its key relative to the prefix ('' when the prefix is the object). */
export interface StoredObject {
  uri: string;
  relativeKey: string;
}

/**
 * Reads and writes the S3 URIs SageMaker jobs name: `s3://bucket/key` through @aws-sdk/client-s3
 * (any S3-compatible server; credentials from the SDK's default chain unless the config gives
 * them), or `file:///folder/...` on this machine (local mode).
 */
export class ObjectStore {
  private client: S3Client | undefined;

  constructor(private readonly s3Config: S3ClientConfig = {}) {}

  /** The S3 client (created on first use), e.g. to share with callers. */
  s3(): S3Client {
    this.client ??= new S3Client({ forcePathStyle: true, ...this.s3Config });
    return this.client;
  }

  /** Every object whose key starts with the URI's key (S3DataType S3Prefix), in key order. */
  async list(uri: string): Promise<StoredObject[]> {
    const at = parseUri(uri);
    if (at.kind === 'file') {
      const info = await stat(at.path).catch(() => undefined);
      if (!info) return [];
      if (info.isFile()) return [{ uri, relativeKey: '' }];
      const files = (await readdir(at.path, { recursive: true, withFileTypes: true }))
        .filter((d) => d.isFile())
        .map((d) => relative(at.path, join(d.parentPath, d.name)).split(sep).join('/'))
        .sort();
      return files.map((k) => ({ uri: `${uri.replace(/\/$/, '')}/${k}`, relativeKey: k }));
    }
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3().send(
        new ListObjectsV2Command({ Bucket: at.bucket, Prefix: at.key, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        const rest = o.Key.slice(at.key.length).replace(/^\/+/, '');
        out.push({ uri: `s3://${at.bucket}/${o.Key}`, relativeKey: rest });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  /** Copies every object under the prefix into `dir`, keeping the key structure; returns how many. */
  async downloadPrefix(uri: string, dir: string): Promise<number> {
    const objects = await this.list(uri);
    for (const o of objects) {
      const name = o.relativeKey || lastSegment(o.uri);
      const file = join(dir, ...name.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, await this.read(o.uri));
    }
    return objects.length;
  }

  async read(uri: string): Promise<Buffer> {
    const at = parseUri(uri);
    if (at.kind === 'file') {
      return readFile(at.path).catch((e: NodeJS.ErrnoException) => {
        throw new InputError(`${uri}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      });
    }
    const got = await this.s3().send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
    if (!got.Body) throw new InputError(`${uri}: the object has no body`);
    return Buffer.from(await got.Body.transformToByteArray());
  }

  async write(uri: string, bytes: Uint8Array | string): Promise<void> {
    const at = parseUri(uri);
    if (at.kind === 'file') {
      await mkdir(dirname(at.path), { recursive: true });
      await writeFile(at.path, bytes);
      return;
    }
    await this.s3().send(new PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: bytes }));
  }

  /** Copies a local file or folder (recursively) to a URI. */
  async upload(path: string, uri: string): Promise<void> {
    const at = parseUri(uri);
    const info = await stat(path);
    if (at.kind === 'file') {
      await mkdir(dirname(at.path), { recursive: true });
      await cp(path, at.path, { recursive: info.isDirectory() });
      return;
    }
    if (info.isFile()) return this.write(uri, await readFile(path));
    for (const d of await readdir(path, { recursive: true, withFileTypes: true })) {
      if (!d.isFile()) continue;
      const rel = relative(path, join(d.parentPath, d.name)).split(sep).join('/');
      await this.write(joinUri(uri, rel), await readFile(join(d.parentPath, d.name)));
    }
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}

type Location = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; key: string };

/** `s3://bucket/key` or `file:///path`; anything else is an InputError naming the URI. */
export function parseUri(uri: string): Location {
  if (uri.startsWith('file://')) return { kind: 'file', path: fileURLToPath(uri) };
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new InputError(`"${uri}" is not an S3 URI: use s3://bucket/key or file:///folder`);
  return { kind: 's3', bucket: m[1]!, key: m[2]! };
}

/** `base` + '/' + `rel`, without doubling the slash. */
export function joinUri(base: string, rel: string): string {
  return `${base.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
}

function lastSegment(uri: string): string {
  return uri.replace(/\/+$/, '').split('/').pop() as string;
}
