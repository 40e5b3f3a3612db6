import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddingIndex } from './embedding-index.js';
import { HnswIndex } from './hnsw-index.js';
import { loadIndex } from './index-files.js';

/** A saved index directory: the HNSW index when it holds a graph (hnsw.json), else the exact one. */
export async function openIndex(dir: string): Promise<EmbeddingIndex | HnswIndex> {
  return existsSync(join(dir, 'hnsw.json')) ? HnswIndex.load(dir) : loadIndex(dir);
}
