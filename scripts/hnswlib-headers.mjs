#!/usr/bin/env node
// Prints, for binding.gyp, where hnswlib's headers are when the optional package hnswlib-node is
// installed (it ships them: the version its own binding compiles), or nothing when it is not.
// `--define` prints the macro that turns the native HNSW kernels on (native/hnsw-*.cc).
// docs/embeddings.md, "Approximate search", says why reckit compiles against these headers.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function headersDir() {
  try {
    const main = createRequire(join(process.cwd(), 'package.json')).resolve('hnswlib-node');
    const dir = join(dirname(main), '..', 'src', 'hnswlib');
    return existsSync(join(dir, 'hnswalg.h')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const dir = headersDir();
if (dir) console.log(process.argv.includes('--define') ? 'RK_HNSWLIB' : dir);
